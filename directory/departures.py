"""People leave: a leaving date and a successor, leaving on that date, and erasure.

A departure is announced (``announce``) with the first day the person no longer works
here; on that date ``mark_left`` takes them out of the directory (``active`` false, so
/wie, identity and every other lookup skip them) and the handlers move their work on
(``handlers.departures``). Someone who left stays findable by /bel, which names the
successor, until the retention period has passed; then ``erase`` blanks the entry and
pseudonymises the audit trail. ``erase`` is also what /ik verwijder does.

Every write goes through the ORM session, so the directory version is raised in the same
transaction (``directory.versioning``); the few bulk statements name their person.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import column, delete, select, table, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry, person_actor, record
from core.conversation import Conversation
from core.errors import UserError
from core.outbox import OutboxMessage
from directory.dates import DateError, parse_date
from directory.models import Account, Person, person_themes, person_wijken
from directory.models_linking import LinkCode
from directory.models_signin import WebLink, WebSession
from directory.people import find_by_name
from directory.versioning import PEOPLE_OPTION, note

# How far ahead a departure may be announced.
MAX_DAYS_AHEAD = 366
ERASED_NAME = "(verwijderd)"
# The runtime's Teams conversation references, named here without importing the runtime.
TEAMS_CONVERSATIONS = table("teams_conversations", column("key"))
TODAY_WORDS = frozenset({"vandaag", "nu", "direct", "per direct", "today", "now"})
_LEAVING = re.compile(
    r"^(?:(?:per|op|vanaf|on|from|as of)\s+)?(?P<date>[^,;]+?)"
    r"(?:\s*[,;]?\s*(?:met\s+)?(?:als\s+)?(?:opvolger|opvolgster|successor)\s*:?\s+"
    r"(?P<who>.+?))?\s*\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Leaving:
    """A departure as typed: from which date, and the successor's name if given."""

    on: date
    successor_name: str | None


def parse_leaving(text: str, today: date) -> Leaving:
    """'per 1 februari, opvolger Joost de Wit' (or 'vandaag'); the date may not lie behind."""
    match = _LEAVING.match(text.strip())
    if match is None or not match.group("date").strip():
        raise UserError(
            "Per wanneer vertrek je? Typ bijvoorbeeld: /ik vertrek per 1 februari, opvolger "
            "Joost de Wit"
        )
    raw = match.group("date").strip()
    if raw.lower() in TODAY_WORDS:
        on = today
    else:
        try:
            on = parse_date(raw, today)
        except DateError:
            raise UserError(
                '"{value}" lees ik niet als datum. Schrijf bijvoorbeeld 1 februari, 1-2-2027 '
                "of vandaag.",
                value=raw,
            ) from None
    if on < today or on > today + timedelta(days=MAX_DAYS_AHEAD):
        raise UserError("Kies vandaag of een datum binnen een jaar.")
    who = match.group("who")
    return Leaving(on=on, successor_name=who.strip() if who else None)


async def find_successor(session: AsyncSession, leaver: Person, name: str) -> Person:
    """The one active colleague meant by the name (never the leaver)."""
    found = [p for p in await find_by_name(session, name) if p.id != leaver.id]
    if len(found) != 1:
        raise UserError(
            'Ik weet niet zeker wie je bedoelt met "{name}". Typ de volledige naam zoals die in '
            "/wie staat, of het e-mailadres.",
            name=name,
        )
    successor = found[0]
    if not successor.active or successor.leaving_on is not None:
        raise UserError(
            "{name} vertrekt zelf of staat niet meer in de sociale kaart. Kies een andere "
            "opvolger.",
            name=successor.name,
        )
    return successor


def announce(
    session: AsyncSession,
    person: Person,
    on: date,
    successor: Person | None,
    *,
    now: datetime,
    actor: str,
    origin: str,
) -> None:
    """Note the leaving date and successor (again: the latest announcement counts)."""
    if not person.active or person.left_at is not None:
        raise UserError("{name} is al vertrokken.", name=person.name)
    if successor is not None and successor.id == person.id:
        raise UserError("Je kunt niet je eigen opvolger zijn.")
    person.leaving_on = on
    person.successor_id = successor.id if successor is not None else None
    person.updated_at = now
    record(
        session,
        at=now,
        actor=actor,
        action="person.leaving_announced",
        object_type="person",
        object_id=person.id,
        result="successor" if successor is not None else "no_successor",
        origin=origin,
    )


def cancel(session: AsyncSession, person: Person, *, now: datetime, actor: str) -> bool:
    """Take back a departure that has not happened yet; False when none was planned."""
    if person.leaving_on is None or person.left_at is not None:
        return False
    person.leaving_on = None
    person.successor_id = None
    person.updated_at = now
    record(
        session,
        at=now,
        actor=actor,
        action="person.leaving_cancelled",
        object_type="person",
        object_id=person.id,
        origin="chat",
    )
    return True


async def due(session: AsyncSession, today: date, limit: int = 50) -> list[Person]:
    """People whose leaving date has come and who are still in the directory."""
    rows = await session.scalars(
        select(Person)
        .where(
            Person.leaving_on.is_not(None),
            Person.leaving_on <= today,
            Person.left_at.is_(None),
            Person.erased_at.is_(None),
        )
        .order_by(Person.leaving_on, Person.id)
        .limit(limit)
    )
    return list(rows)


def mark_left(session: AsyncSession, person: Person, *, now: datetime, actor: str) -> None:
    """Out of the directory from now on (the handlers move the work on in this transaction)."""
    person.active = False
    person.left_at = now
    person.updated_at = now
    record(
        session,
        at=now,
        actor=actor,
        action="person.left",
        object_type="person",
        object_id=person.id,
        result="successor" if person.successor_id is not None else "no_successor",
        origin="departure",
    )


def departed(person: Person) -> bool:
    """Left, and not erased yet: /bel still names them, with their successor."""
    return person.left_at is not None and person.erased_at is None and not person.active


async def past_retention(session: AsyncSession, cutoff: datetime, limit: int = 100) -> list[Person]:
    """People who left before the cutoff and whose data is still there."""
    rows = await session.scalars(
        select(Person)
        .where(
            Person.left_at.is_not(None),
            Person.left_at < cutoff,
            Person.erased_at.is_(None),
            # Someone a later import brought back is in the network again: kept.
            Person.active.is_(False),
        )
        .order_by(Person.left_at, Person.id)
        .limit(limit)
    )
    return list(rows)


async def erase(
    session: AsyncSession, person: Person, *, now: datetime, actor: str, origin: str
) -> str:
    """Blank the entry; drop its accounts, themes, wijken, open conversations, link codes,
    web sign-ins and undelivered messages (delivered ones lose their text); pseudonymise
    the audit trail.

    The row itself stays (without anything personal) because closed handovers and cases
    point at it; reports count rows, never names, so their totals stay. Returns the
    pseudonym the audit trail now uses for this person.
    """
    pid = person.id
    options = {PEOPLE_OPTION: (pid,)}
    accounts = list(
        await session.execute(
            select(Account.platform, Account.external_id).where(Account.person_id == pid)
        )
    )
    for platform, external_id in accounts:
        await session.execute(
            delete(Conversation).where(
                Conversation.platform == platform, Conversation.account == external_id
            )
        )
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.person_id == pid, OutboxMessage.sent_at.is_(None))
    )
    await session.execute(
        update(OutboxMessage).where(OutboxMessage.person_id == pid).values(payload={})
    )
    for model in (LinkCode, WebLink, WebSession):
        await session.execute(delete(model).where(model.person_id == pid))
    # Teams keeps where a person's 1:1 chat is (bot/models_teams.py), keyed by their account.
    teams = [f"user:{external}" for platform, external in accounts if platform == "teams"]
    if teams:
        await session.execute(
            delete(TEAMS_CONVERSATIONS).where(TEAMS_CONVERSATIONS.c.key.in_(teams))
        )
    await session.execute(
        delete(Account).where(Account.person_id == pid).execution_options(**options)
    )
    await session.execute(
        delete(person_themes).where(person_themes.c.person_id == pid).execution_options(**options)
    )
    await session.execute(
        delete(person_wijken).where(person_wijken.c.person_id == pid).execution_options(**options)
    )
    for other in await session.scalars(
        select(Person).where((Person.stand_in_id == pid) | (Person.successor_id == pid))
    ):
        if other.stand_in_id == pid:
            other.stand_in_id = None
        if other.successor_id == pid:
            other.successor_id = None
    await session.refresh(person)
    person.name = ERASED_NAME
    person.email = None
    person.phone = None
    person.language = None
    person.department = ""
    person.role_title = ""
    person.availability = []
    person.roles = []
    person.absent_from = person.absent_until = None
    person.stand_in_id = None
    person.successor_id = None
    person.is_admin = False
    person.active = False
    person.left_at = person.left_at or now
    person.erased_at = now
    person.updated_at = now
    note(session, (pid,))
    pseudonym = await pseudonymise(session, pid)
    record(
        session,
        at=now,
        actor=actor if actor != person_actor(pid) else pseudonym,
        action="person.erased",
        object_type="person",
        object_id=pseudonym,
        origin=origin,
    )
    return pseudonym


async def pseudonymise(session: AsyncSession, person_id: int) -> str:
    """Replace the person's id in the audit trail by a random pseudonym, the same throughout
    (what happened and in which order stays readable; who it was is no longer derivable)."""
    pseudonym = f"pseudonym:{secrets.token_hex(6)}"
    await session.execute(
        update(AuditEntry)
        .where(AuditEntry.actor == person_actor(person_id))
        .values(actor=pseudonym)
    )
    await session.execute(
        update(AuditEntry)
        .where(AuditEntry.object_type == "person", AuditEntry.object_id == str(person_id))
        .values(object_id=pseudonym)
    )
    return pseudonym
