"""Editing my profile in one form (App Home's "Profiel bewerken").

The form only collects text; each changed answer is applied by running the
directory's own /ik command (``/ik themas …``, ``/ik wijken …``), so parsing,
validation and audit stay in one place. A mistake is shown next to its field.
"""

from __future__ import annotations

from dataclasses import replace

from core.errors import UserError
from core.messages import Field, Form, Reply
from directory.availability import format_availability
from directory.cards import theme_name
from directory.models import Person
from directory.phones import display_phone
from handlers.base import Command, Deps

FORM_ID = "home.profile"
EDIT_ACTION = "home.profile"
# Form field → the /ik word that changes it.
IK_WORDS = {"themes": "themas", "wijken": "wijken", "phone": "telefoon", "hours": "bereikbaar"}


async def open_form(cmd: Command, deps: Deps) -> Reply:
    """The profile form, filled in with what the directory says now."""
    _ = cmd.tr.gettext
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        current = {
            "themes": "; ".join(theme_name(t, cmd.tr) for t in person.themes),
            "wijken": "; ".join(sorted(w.name for w in person.wijken)),
            "phone": display_phone(person.phone) if person.phone else "",
            "hours": format_availability(person.availability, cmd.tr.language)
            if person.availability
            else "",
        }
    fields = (
        Field("themes", _("Thema's"), hint=_("Gescheiden door ;, bijvoorbeeld: schulden; wonen")),
        Field(
            "wijken",
            _("Wijken"),
            required=False,
            hint=_("Leeg of 'geen' = de hele gemeente"),
        ),
        Field("phone", _("Telefoon"), required=False, hint=_("Bijvoorbeeld: 06-12345678")),
        Field(
            "hours",
            _("Wanneer ben je bereikbaar?"),
            required=False,
            hint=_("Bijvoorbeeld: ma-do 9-17; vr 9-12"),
        ),
    )
    return Reply(
        form=Form(
            form_id=FORM_ID,
            title=_("Profiel bewerken"),
            fields=tuple(replace(f, initial=current[f.name]) for f in fields),
            submit_label=_("Opslaan"),
            context={f"was_{name}": value for name, value in current.items()},
        )
    )


async def submit(cmd: Command, deps: Deps) -> Reply:
    """Apply every changed answer through /ik; the first mistake points at its field."""
    submission = cmd.invocation.submission
    assert submission is not None
    spec = deps.registry.lookup("ik")
    if spec is None:
        raise UserError("Je profiel kan ik nu niet aanpassen. Probeer het later nog eens.")
    said: list[str] = []
    for name, word in IK_WORDS.items():
        value = str(submission.values.get(name) or "").strip()
        if value == submission.context.get(f"was_{name}", ""):
            continue
        if not value:
            if name != "wijken":
                continue  # an emptied phone or hours box keeps what was there
            value = "geen"
        try:
            answer = await spec.handler(replace(cmd, name="ik", args=f"{word} {value}"), deps)
        except UserError as error:
            raise UserError(error.msgid, form_field=name, **error.values) from error
        said.append(answer.text)
    if not said:
        return Reply(text=cmd.tr.gettext("Er is niets veranderd."), private=True)
    return Reply(text="\n".join(said), private=True)
