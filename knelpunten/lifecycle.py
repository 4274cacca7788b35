"""The life of a knelpunt: ontvangen → in behandeling → opgelost / structureel / niet aan te passen.

Pure rules, no storage: which transitions exist, who may make them, and what a
report must look like before it is accepted.
"""

from __future__ import annotations

import re
from datetime import datetime

from core.bsn import contains_bsn
from core.errors import Forbidden, UserError
from core.i18n import N_
from directory.themes import DOMAINS
from knelpunten.models import Knelpunt

RECEIVED = "ontvangen"
IN_PROGRESS = "in_behandeling"
SOLVED = "opgelost"
STRUCTURAL = "structureel"
UNCHANGEABLE = "niet_aan_te_passen"

OPEN_STATUSES = (RECEIVED, IN_PROGRESS)
FINAL_STATUSES = (SOLVED, STRUCTURAL, UNCHANGEABLE)

# Dutch labels, translated where they are shown.
STATUS_LABELS = {
    RECEIVED: N_("ontvangen"),
    IN_PROGRESS: N_("in behandeling"),
    SOLVED: N_("opgelost"),
    STRUCTURAL: N_("structureel opgepakt"),
    UNCHANGEABLE: N_("niet aan te passen"),
}

HANDLER_ROLE = "oliemannetje"
MIN_DESCRIPTION = 10
MAX_TEXT = 1000

# "Wmo: ...", "jeugd, wmo: ...", "Jeugd/Opvang - ..." at the start, or #wmo tags anywhere.
_LEADING = re.compile(r"^\s*(?P<names>[A-Za-z]+(?:\s*[,/&+]\s*[A-Za-z]+)*)\s*[:\-–]\s+")
_TAG = re.compile(r"#(?P<name>[A-Za-z]+)\b")


def parse_domains(text: str) -> tuple[list[str], str]:
    """Split '/knelpunt Wmo: de aanvraag…' into (['Wmo'], 'de aanvraag…'); unknown words stay."""
    found: list[str] = []
    rest = text
    leading = _LEADING.match(text)
    if leading:
        names = re.split(r"\s*[,/&+]\s*", leading.group("names"))
        known = [normalise_domain(n) for n in names]
        if all(known):
            found.extend(k for k in known if k)
            rest = text[leading.end() :]
    for tag in _TAG.finditer(rest):
        domain = normalise_domain(tag.group("name"))
        if domain:
            found.append(domain)
            rest = rest.replace(tag.group(0), "")
    return list(dict.fromkeys(found)), " ".join(rest.split())


def normalise_domain(word: str) -> str | None:
    """The domain for a word in any case ('wmo' → 'Wmo'), or None."""
    for domain in DOMAINS:
        if word.strip().lower() == domain.lower():
            return domain
    return None


def check_domains(values: list[str]) -> list[str]:
    """Known domains in catalog order; at least one."""
    domains = [d for d in (normalise_domain(v) for v in values) if d]
    if not domains:
        raise UserError("Kies minstens één domein: Jeugd, Wmo, Participatie of Opvang.")
    return [d for d in DOMAINS if d in domains]


def check_text(text: str, *, minimum: int = 1) -> str:
    """Free text we may store: not empty, not too long, no BSN."""
    cleaned = " ".join(text.split())
    if contains_bsn(cleaned):
        # The dispatcher refuses BSNs on every inbound message; this guards other paths too.
        raise UserError(
            "Je tekst lijkt een BSN te bevatten. Ik sla niets op. Haal het nummer weg en "
            "beschrijf de regel of procedure zonder gegevens van de inwoner."
        )
    if len(cleaned) < minimum:
        raise UserError(
            "Beschrijf in een paar woorden wat er vastliep (minstens {n} tekens).", n=minimum
        )
    if len(cleaned) > MAX_TEXT:
        raise UserError("Houd het kort: hoogstens {n} tekens.", n=MAX_TEXT)
    return cleaned


def new_knelpunt(reporter_id: int, domains: list[str], description: str, now: datetime) -> Knelpunt:
    """A freshly reported knelpunt, status 'ontvangen'."""
    return Knelpunt(
        reporter_id=reporter_id,
        domains=check_domains(domains),
        description=check_text(description, minimum=MIN_DESCRIPTION),
        status=RECEIVED,
        explanation="",
        created_at=now,
    )


def may_handle(roles: tuple[str, ...], is_admin: bool) -> bool:
    """Oliemannetjes and admins take knelpunten on."""
    return is_admin or HANDLER_ROLE in roles


def take(
    knelpunt: Knelpunt, person_id: int, roles: tuple[str, ...], is_admin: bool, now: datetime
) -> None:
    """'Ik pak dit op': the knelpunt goes to 'in behandeling' with this person as handler."""
    if not may_handle(roles, is_admin):
        raise Forbidden("Alleen een oliemannetje kan een knelpunt oppakken.")
    if knelpunt.status != RECEIVED:
        raise UserError("Knelpunt #{id} is al opgepakt.", id=knelpunt.id)
    knelpunt.status = IN_PROGRESS
    knelpunt.handler_id = person_id
    knelpunt.taken_at = now


def close(
    knelpunt: Knelpunt, person_id: int, is_admin: bool, status: str, explanation: str, now: datetime
) -> None:
    """Give the outcome, with an explanation for the reporter (always required)."""
    if status not in FINAL_STATUSES:
        raise UserError("Die uitkomst ken ik niet.")
    # Who acts is checked before the state: an outsider learns nothing about the knelpunt.
    if knelpunt.handler_id != person_id and not is_admin:
        raise Forbidden("Alleen wie het knelpunt oppakte kan de uitkomst geven.")
    if knelpunt.status != IN_PROGRESS:
        raise UserError("Knelpunt #{id} is niet in behandeling.", id=knelpunt.id)
    knelpunt.explanation = check_text(explanation, minimum=MIN_DESCRIPTION)
    knelpunt.status = status
    knelpunt.closed_at = now


def is_open(knelpunt: Knelpunt) -> bool:
    """Still being worked on (others may add 'ik ook')."""
    return knelpunt.status in OPEN_STATUSES


def may_support(knelpunt: Knelpunt, person_id: int, *, counted: bool) -> bool:
    """Whether 'ik loop hier ook tegenaan' would count: an open knelpunt that this person
    did not report, does not handle, and is not ``counted`` for already."""
    if not is_open(knelpunt) or counted:
        return False
    return person_id not in (knelpunt.reporter_id, knelpunt.handler_id)


def redact(knelpunt: Knelpunt, now: datetime) -> None:
    """Drop the free text after the retention period; status and times stay for reports."""
    knelpunt.description = ""
    knelpunt.explanation = ""
    knelpunt.redacted_at = now
