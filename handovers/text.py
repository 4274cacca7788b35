"""Free text a handover keeps (the need, the label, a decline note): checked before storing.

The dispatcher already refuses a BSN in anything typed; this second check
guards the domain itself, whatever path the text came by (a modal, an API, a
test).
"""

from __future__ import annotations

from core.bsn import contains_bsn
from core.errors import UserError
from core.i18n import N_

BSN_IN_TEXT = N_(
    "Dit lijkt een BSN te bevatten. Groene Krokodil bewaart geen gegevens van inwoners. "
    "Haal het nummer weg en probeer het opnieuw."
)


def checked(
    value: str | None, *, limit: int, missing: str | None = None, field: str | None = None
) -> str:
    """The stripped text; refused when it holds a BSN or is too long, or (with a `missing`
    msgid) when it is empty. `field` names the form field, so a modal can point at it."""
    text = (value or "").strip()
    if contains_bsn(text):
        raise UserError(BSN_IN_TEXT, form_field=field)
    if missing is not None and not text:
        raise UserError(missing, form_field=field)
    if len(text) > limit:
        raise UserError(
            "Dit is te lang ({length} tekens); houd het bij {limit} tekens, zonder details "
            "over de inwoner.",
            form_field=field,
            length=len(text),
            limit=limit,
        )
    return text
