"""Case questions for the casuïstiekoverleg: anonymous, short-lived, seen by the organiser.

A question describes a situation without anyone who could be recognised; the BSN guard runs
here too, for paths that do not come through the dispatcher. The text is erased a set number
of days after the session; the row stays so the organiser's counts remain true.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.bsn import contains_bsn
from core.clock import utc
from core.db import names_a_row
from core.errors import UserError
from directory.models import Person
from scheduler.models import CasusItem, Meeting
from scheduler.repository import MeetingRepository, Planned

MAX_LENGTH = 1000
CASUS_KIND = "casuistiekoverleg"


def check_question(text: str) -> str:
    """The cleaned question, or a user error (empty, too long, or holding a BSN)."""
    question = " ".join(text.split())
    if not question:
        raise UserError(
            "Beschrijf de casus in een paar zinnen, zonder naam of andere gegevens van de "
            "inwoner. Bijvoorbeeld: /casus Jongere van 17 valt tussen Jeugdwet en Wmo."
        )
    if contains_bsn(question):
        raise UserError(
            "Je casus lijkt een BSN te bevatten. Ik heb niets opgeslagen. Haal het nummer weg "
            "en probeer het opnieuw."
        )
    if len(question) > MAX_LENGTH:
        raise UserError(
            "Je casus is te lang ({n} tekens). Houd het bij {max} tekens.",
            n=len(question),
            max=MAX_LENGTH,
        )
    return question


async def next_session(
    repo: MeetingRepository, now: datetime, platform: str | None, chat: str | None
) -> Planned | None:
    """The next casuïstiekoverleg of this channel, else the next one anywhere."""
    horizon = now + timedelta(days=400)
    if platform and chat:
        here = await repo.active(kind=CASUS_KIND, platform=platform, chat=chat)
        found = await repo.upcoming(here, now, horizon)
        if found:
            return found[0]
    everywhere = await repo.upcoming(await repo.active(kind=CASUS_KIND), now, horizon)
    return everywhere[0] if everywhere else None


async def add(
    session: AsyncSession,
    planned: Planned,
    person_id: int,
    question: str,
    now: datetime,
) -> CasusItem:
    """Put a checked question on the agenda of one session."""
    item = CasusItem(
        meeting_id=planned.meeting.id,
        occurrence_start=planned.occurrence.key,
        submitted_by=person_id,
        question=check_question(question),
        created_at=now,
    )
    session.add(item)
    await session.flush()
    return item


async def agenda(
    session: AsyncSession, meeting_id: int, key: datetime
) -> list[tuple[CasusItem, str | None]]:
    """The questions of one session, oldest first, with who brought them in."""
    rows = await session.execute(
        select(CasusItem, Person.name)
        .outerjoin(Person, Person.id == CasusItem.submitted_by)
        .where(CasusItem.meeting_id == meeting_id, CasusItem.occurrence_start == utc(key))
        .order_by(CasusItem.created_at, CasusItem.id)
    )
    return [(item, name) for item, name in rows]


async def erase_old(session: AsyncSession, now: datetime, keep: timedelta) -> int:
    """Erase the text of questions whose session was more than `keep` ago."""
    result = await session.execute(
        update(CasusItem)
        .where(
            CasusItem.erased_at.is_(None),
            CasusItem.occurrence_start < utc(now) - keep,
        )
        .values(question=None, erased_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Withdrawn:
    """Which session a withdrawn question was on (its text is gone)."""

    item_id: int
    meeting: Meeting
    occurrence_key: datetime


async def withdraw(session: AsyncSession, item_id: int, person_id: int, now: datetime) -> Withdrawn:
    """Take your own question off the agenda: it is gone, not shown as an erased item.

    The audit trail (written by the caller) keeps that it was withdrawn.
    """
    item = await session.get(CasusItem, item_id) if names_a_row(item_id) else None
    if item is None or item.submitted_by != person_id or item.erased_at is not None:
        raise UserError("Ik vind geen casus {id} van jou.", id=item_id)
    meeting = await session.get(Meeting, item.meeting_id)
    assert meeting is not None
    key = item.occurrence_start
    await session.delete(item)
    await session.flush()
    return Withdrawn(item_id, meeting, key)
