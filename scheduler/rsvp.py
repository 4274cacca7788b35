"""Who comes: answers per occurrence, seat limits and a first-come waiting list.

Callers lock the meeting first (``MeetingRepository.lock``) so that two people answering at
the same moment cannot both take the last seat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from directory.models import Person
from scheduler import reminders
from scheduler.models import ANSWERS, Meeting, Rsvp
from scheduler.recurrence import Occurrence


@dataclass(frozen=True)
class Outcome:
    """The result of an answer: ja (a seat), wacht (waiting list), nee or misschien."""

    status: str
    position: int | None = None
    promoted: tuple[int, ...] = ()
    changed: bool = True


@dataclass(frozen=True)
class Counts:
    """How many answered what for one occurrence."""

    ja: int = 0
    wacht: int = 0
    misschien: int = 0
    nee: int = 0


def status_of(row: Rsvp | None) -> str | None:
    """ja, wacht, misschien, nee, or None when there is no answer."""
    if row is None:
        return None
    return "wacht" if row.answer == "ja" and row.waitlisted else row.answer


async def find(
    session: AsyncSession, meeting_id: int, key: datetime, person_id: int
) -> Rsvp | None:
    """Someone's answer for one occurrence."""
    return await session.scalar(
        select(Rsvp).where(
            Rsvp.meeting_id == meeting_id,
            Rsvp.occurrence_start == utc(key),
            Rsvp.person_id == person_id,
        )
    )


async def statuses(
    session: AsyncSession, person_id: int, meeting_ids: set[int]
) -> dict[tuple[int, datetime], str]:
    """Someone's answer per (meeting, occurrence) among these meetings."""
    if not meeting_ids:
        return {}
    rows = await session.scalars(
        select(Rsvp).where(Rsvp.person_id == person_id, Rsvp.meeting_id.in_(list(meeting_ids)))
    )
    return {(r.meeting_id, utc(r.occurrence_start)): status_of(r) or "" for r in rows}


async def counts(session: AsyncSession, meeting_id: int, key: datetime) -> Counts:
    """Answers for one occurrence, counted."""
    rows = await session.execute(
        select(Rsvp.answer, Rsvp.waitlisted, func.count())
        .where(Rsvp.meeting_id == meeting_id, Rsvp.occurrence_start == utc(key))
        .group_by(Rsvp.answer, Rsvp.waitlisted)
    )
    tally = {"ja": 0, "wacht": 0, "misschien": 0, "nee": 0}
    for answer, waitlisted, number in rows:
        tally["wacht" if answer == "ja" and waitlisted else answer] += number
    return Counts(**tally)


async def answers(
    session: AsyncSession, meeting_id: int, key: datetime
) -> list[tuple[Rsvp, Person]]:
    """Every answer with its person: seats first, then the waiting list in order."""
    rows = await session.execute(
        select(Rsvp, Person)
        .join(Person, Person.id == Rsvp.person_id)
        .where(Rsvp.meeting_id == meeting_id, Rsvp.occurrence_start == utc(key))
        .order_by(Rsvp.waitlisted, Rsvp.waiting_since, Rsvp.answered_at, Rsvp.id)
    )
    return [(rsvp, person) for rsvp, person in rows]


async def waiting_position(session: AsyncSession, row: Rsvp) -> int:
    """Someone's place on the waiting list (1 = next to get a seat)."""
    ahead = await session.scalar(
        select(func.count()).where(
            Rsvp.meeting_id == row.meeting_id,
            Rsvp.occurrence_start == row.occurrence_start,
            Rsvp.answer == "ja",
            Rsvp.waitlisted.is_(True),
            Rsvp.id != row.id,
            (Rsvp.waiting_since < row.waiting_since)
            | ((Rsvp.waiting_since == row.waiting_since) & (Rsvp.id < row.id)),
        )
    )
    return int(ahead or 0) + 1


async def answer(
    session: AsyncSession,
    meeting: Meeting,
    occurrence: Occurrence,
    person_id: int,
    choice: str,
    now: datetime,
    remind_before: timedelta,
) -> Outcome:
    """Record ja / nee / misschien; a freed seat goes to the first on the waiting list."""
    if choice not in ANSWERS:
        raise ValueError(f"unknown answer {choice!r}; expected one of {ANSWERS}")
    key = occurrence.key
    row = await find(session, meeting.id, key, person_id)
    before = status_of(row)
    # Seats taken by others, counted before this answer touches the session.
    taken = (await counts(session, meeting.id, key)).ja - (before == "ja")
    if choice == "ja" and before in ("ja", "wacht"):
        assert row is not None
        position = await waiting_position(session, row) if before == "wacht" else None
        return Outcome(before, position, changed=False)
    if row is None:
        row = Rsvp(
            meeting_id=meeting.id,
            occurrence_start=key,
            person_id=person_id,
            answer=choice,
            waitlisted=False,
            answered_at=now,
        )
        session.add(row)
    row.answer, row.answered_at = choice, now
    row.waitlisted, row.waiting_since = False, None
    recipient = reminders.person_recipient(person_id)
    if choice == "ja":
        if meeting.seat_limit is not None and taken >= meeting.seat_limit:
            row.waitlisted, row.waiting_since = True, now
            await session.flush()
            return Outcome("wacht", await waiting_position(session, row))
        await session.flush()
        await _plan_reminder(session, meeting, occurrence, person_id, now, remind_before)
        return Outcome("ja")
    await session.flush()
    await reminders.cancel(session, meeting.id, key, recipient)
    promoted: tuple[int, ...] = ()
    if before == "ja":
        promoted = await fill_seats(session, meeting, occurrence, now, remind_before)
    return Outcome(choice, promoted=promoted)


async def fill_seats(
    session: AsyncSession,
    meeting: Meeting,
    occurrence: Occurrence,
    now: datetime,
    remind_before: timedelta,
) -> tuple[int, ...]:
    """Move people up from the waiting list while seats are free; who moved up."""
    free = None
    if meeting.seat_limit is not None:
        free = meeting.seat_limit - (await counts(session, meeting.id, occurrence.key)).ja
    waiting = list(
        await session.scalars(
            select(Rsvp)
            .where(
                Rsvp.meeting_id == meeting.id,
                Rsvp.occurrence_start == utc(occurrence.key),
                Rsvp.answer == "ja",
                Rsvp.waitlisted.is_(True),
            )
            .order_by(Rsvp.waiting_since, Rsvp.id)
        )
    )
    moved: list[int] = []
    for row in waiting:
        if free is not None and len(moved) >= free:
            break
        row.waitlisted, row.waiting_since = False, None
        moved.append(row.person_id)
        await _plan_reminder(session, meeting, occurrence, row.person_id, now, remind_before)
    await session.flush()
    return tuple(moved)


async def _plan_reminder(
    session: AsyncSession,
    meeting: Meeting,
    occurrence: Occurrence,
    person_id: int,
    now: datetime,
    remind_before: timedelta,
) -> None:
    due = occurrence.start - remind_before
    # Who says ja after the reminder moment needs no reminder of what they just decided.
    if due <= now:
        return
    await reminders.plan(
        session,
        meeting_id=meeting.id,
        occurrence_start=occurrence.key,
        kind=reminders.DAY_BEFORE,
        recipient=reminders.person_recipient(person_id),
        due_at=due,
        now=now,
    )


async def people_to_tell(session: AsyncSession, meeting_id: int, key: datetime | None) -> list[int]:
    """Everyone who said ja or misschien (or waits): they hear about changes and cancellations."""
    query = select(Rsvp.person_id).where(
        Rsvp.meeting_id == meeting_id, Rsvp.answer.in_(("ja", "misschien"))
    )
    if key is not None:
        query = query.where(Rsvp.occurrence_start == utc(key))
    return sorted(set(await session.scalars(query)))
