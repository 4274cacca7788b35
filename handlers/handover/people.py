"""Who to hand over to, and who to ask for help: handover's view of the directory.

Candidates come from the same ranking as /wie (``directory.search.find_people``);
an absent person is replaced by their stand-in there, and the choice label says so.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import UserError
from core.i18n import Translator
from core.messages import Choice, ContactCard
from directory.cards import contact_card
from directory.identity import IdentityRepository
from directory.models import Person, Theme
from directory.person_view import PersonView
from directory.reachability import reachability_text
from directory.search import Match, find_people, oliemannetje_for
from handlers.base import Deps, parse_id

PERSON_PREFIX = "person:"


async def candidates(
    session: AsyncSession,
    deps: Deps,
    *,
    need: str,
    themes: Sequence[str],
    wijk: str | None,
    asker_id: int,
    exclude: Collection[int],
    now: datetime,
) -> list[Match]:
    """The best receivers for this need: by the chosen themes, else by the need's own words."""
    query = " ".join(key.replace("_", " ") for key in themes) or need
    result = await find_people(
        session,
        query,
        now=now,
        timezone=deps.settings.bot.timezone,
        asker_id=asker_id,
        wijk=wijk or None,
        limit=deps.settings.handovers.max_candidates,
        exclude={asker_id, *exclude},
    )
    if result.matches:
        return list(result.matches)
    return [result.fallback] if result.fallback is not None else []


def choice_value(match: Match) -> str:
    """'person:12', or 'person:12:for:7' when 12 stands in for absent 7."""
    value = f"{PERSON_PREFIX}{match.person.id}"
    if match.substitute_for is not None:
        value += f":for:{match.substitute_for.id}"
    return value


def choice_label(match: Match, now: datetime, tr: Translator) -> str:
    """'Joost de Wit — Wijkteam Noord · nu bereikbaar tot 17:00 · kent je al'."""
    person = match.person
    parts = [f"{person.name} — {person.organisation.name}"]
    if match.substitute_for is not None:
        parts.append(
            tr.gettext(
                "vervangt {name} ({away})",
                name=match.substitute_for.name,
                away=reachability_text(match.substitute_for, now, tr),
            )
        )
    parts.append(reachability_text(person, now, tr))
    if match.knows_asker:
        parts.append(tr.gettext("kent je al"))
    return " · ".join(parts)


def choices_for(matches: Sequence[Match], now: datetime, tr: Translator) -> tuple[Choice, ...]:
    """The receiver field's options."""
    return tuple(Choice(choice_value(m), choice_label(m, now, tr)) for m in matches)


def parse_choice(value: str) -> tuple[int, int | None] | None:
    """(person id, absent person id or None) from a choice value; None for a typed name."""
    if not value.startswith(PERSON_PREFIX):
        return None
    parts = value[len(PERSON_PREFIX) :].split(":")
    person = parse_id(parts[0])
    absent = parse_id(parts[2]) if len(parts) == 3 and parts[1] == "for" else None
    if person is None or (len(parts) == 3 and absent is None):
        return None
    return person, absent


async def people_named(session: AsyncSession, typed: str, exclude: int) -> list[Person]:
    """Active people whose name is or contains what was typed (exact matches only, if any)."""
    wanted = " ".join(typed.split()).lower()
    if len(wanted) < 2:
        return []
    rows = list(
        await session.scalars(
            select(Person)
            .where(
                Person.active.is_(True),
                Person.id != exclude,
                func.lower(Person.name).contains(wanted, autoescape=True),
            )
            .order_by(Person.name)
            .limit(6)
        )
    )
    exact = [p for p in rows if p.name.lower() == wanted]
    return exact or rows


def card(person: PersonView, now: datetime, tr: Translator, note: str = "") -> ContactCard:
    """A contact card with phone and reachability: the point is to call."""
    return contact_card(person, now, tr, show_contact=True, note=note)


def first_name(person: Person) -> str:
    """How the bot addresses a colleague in a sentence."""
    return person.name.split()[0] if person.name else person.name


async def active_person(session: AsyncSession, person_id: int | None) -> Person | None:
    """An active directory person, or None."""
    if person_id is None:
        return None
    person = await session.get(Person, person_id)
    return person if person is not None and person.active else None


async def person_of(session: AsyncSession, person_id: int) -> Person:
    """Someone already part of a handover, also after they left the directory."""
    return require_person(await session.get(Person, person_id))


async def someone(session: AsyncSession, person_id: int | None) -> Person | None:
    """Like person_of, for an optional reference (a stand-in, an escalation target)."""
    return await session.get(Person, person_id) if person_id is not None else None


async def can_receive(session: AsyncSession, person_id: int, avoid: Collection[str]) -> bool:
    """True when the person has a chat account the bot may send a handover to."""
    accounts = await IdentityRepository(session).accounts_of(person_id)
    return any(a.platform not in avoid for a in accounts)


async def escalation_target(
    session: AsyncSession, themes: Sequence[str], sender: Person, receiver: Person
) -> Person | None:
    """The oliemannetje of the case's domain, else a procesregisseur of the receiver's
    organisation, else any procesregisseur."""
    exclude = {sender.id, receiver.id}
    for key in themes:
        found = await oliemannetje_for(session, key, exclude=exclude)
        if found is not None:
            return found
    regisseurs = [
        p
        for p in await session.scalars(
            select(Person).where(Person.active.is_(True), Person.id.notin_(exclude))
        )
        if p.has_role("procesregisseur")
    ]
    same_org = [p for p in regisseurs if p.organisation_id == receiver.organisation_id]
    if same_org or regisseurs:
        return (same_org or regisseurs)[0]
    return await oliemannetje_for(session, "", exclude=exclude)


async def theme_names(session: AsyncSession, keys: Sequence[str], tr: Translator) -> str:
    """Theme keys as names in the reader's language: 'Schulden en Wonen'."""
    if not keys:
        return ""
    rows = {t.key: t for t in await session.scalars(select(Theme).where(Theme.key.in_(keys)))}
    names = [
        (rows[k].name_en if tr.language == "en" else rows[k].name_nl) if k in rows else k
        for k in keys
    ]
    return tr.join(names)


def require_person(person: Person | None) -> Person:
    """A person who must exist (sender, receiver)."""
    if person is None:
        raise UserError("Ik kan die collega niet (meer) vinden in de sociale kaart.")
    return person
