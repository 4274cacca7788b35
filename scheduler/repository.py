"""Storing and finding meetings and their occurrences."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from core.db import names_a_row
from core.errors import UserError
from scheduler.models import Meeting, OccurrenceOverride, Rsvp
from scheduler.recurrence import Change, Occurrence, Series, occurrence_at, occurrences


@dataclass(frozen=True)
class MeetingDraft:
    """Everything needed to plan a meeting."""

    kind: str
    title: str
    starts_at: datetime
    duration_minutes: int
    organiser_id: int
    themes: tuple[str, ...] = ()
    wijk: str | None = None
    place: str = ""
    video_url: str | None = None
    platform: str | None = None
    chat: str | None = None
    rrule: str = ""
    holiday_policy: str = "skip"
    seat_limit: int | None = None
    timezone: str = "Europe/Amsterdam"


@dataclass(frozen=True)
class Planned:
    """One occurrence of one meeting, as shown in an agenda."""

    meeting: Meeting
    occurrence: Occurrence


def series_of(meeting: Meeting) -> Series:
    """The timing of a stored meeting."""
    return Series(
        starts_at=meeting.starts_at,
        duration=timedelta(minutes=meeting.duration_minutes),
        rrule=meeting.rrule,
        timezone=meeting.timezone,
        holiday_policy=meeting.holiday_policy,
    )


def _change(row: OccurrenceOverride) -> Change:
    return Change(row.cancelled, row.starts_at, row.ends_at, row.place)


class MeetingRepository:
    """Meetings, their per-occurrence changes, and who plans to come."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, draft: MeetingDraft, now: datetime) -> Meeting:
        """Store a new meeting (or series)."""
        meeting = Meeting(
            kind=draft.kind,
            title=draft.title,
            themes=list(draft.themes),
            wijk=draft.wijk,
            place=draft.place,
            video_url=draft.video_url,
            organiser_id=draft.organiser_id,
            platform=draft.platform,
            chat=draft.chat,
            timezone=draft.timezone,
            starts_at=utc(draft.starts_at),
            duration_minutes=draft.duration_minutes,
            rrule=draft.rrule,
            holiday_policy=draft.holiday_policy,
            seat_limit=draft.seat_limit,
            created_at=now,
            updated_at=now,
        )
        self.session.add(meeting)
        await self.session.flush()
        return meeting

    async def get(self, meeting_id: int) -> Meeting | None:
        """A meeting by id."""
        if not names_a_row(meeting_id):
            return None
        return await self.session.get(Meeting, meeting_id)

    async def require(self, meeting_id: int) -> Meeting:
        """A meeting by id, or a user error that names the id."""
        meeting = await self.get(meeting_id)
        if meeting is None:
            raise UserError("Ik ken geen bijeenkomst met nummer {id}.", id=meeting_id)
        return meeting

    async def lock(self, meeting_id: int) -> None:
        """Serialise changes to one meeting's seats (a row lock; SQLite takes its write lock)."""
        await self.session.execute(
            update(Meeting).where(Meeting.id == meeting_id).values(seat_limit=Meeting.seat_limit)
        )

    async def changes(self, meeting_id: int) -> dict[datetime, Change]:
        """Per-occurrence changes of one meeting, by occurrence key."""
        return (await self.changes_for([meeting_id])).get(meeting_id, {})

    async def changes_for(self, ids: Iterable[int]) -> dict[int, dict[datetime, Change]]:
        """Per-occurrence changes of several meetings."""
        wanted = list(set(ids))
        found: dict[int, dict[datetime, Change]] = defaultdict(dict)
        for start in range(0, len(wanted), 500):
            rows = await self.session.scalars(
                select(OccurrenceOverride).where(
                    OccurrenceOverride.meeting_id.in_(wanted[start : start + 500])
                )
            )
            for row in rows:
                found[row.meeting_id][utc(row.occurrence_start)] = _change(row)
        return found

    async def occurrence(self, meeting: Meeting, key: datetime) -> Occurrence | None:
        """One occurrence by its key (cancelled ones included)."""
        return occurrence_at(series_of(meeting), key, await self.changes(meeting.id))

    async def require_occurrence(self, meeting: Meeting, key: datetime) -> Occurrence:
        """One occurrence by its key, or a user error."""
        found = await self.occurrence(meeting, key)
        if found is None:
            raise UserError("Die datum hoort niet bij deze bijeenkomst.")
        return found

    async def upcoming(
        self, meetings: Sequence[Meeting], start: datetime, end: datetime
    ) -> list[Planned]:
        """Every occurrence of these meetings starting in [start, end), in order."""
        changes = await self.changes_for(m.id for m in meetings)
        planned = [
            Planned(meeting, occurrence)
            for meeting in meetings
            if meeting.cancelled_at is None
            for occurrence in occurrences(series_of(meeting), start, end, changes.get(meeting.id))
        ]
        return sorted(planned, key=lambda p: (p.occurrence.start, p.meeting.id))

    async def next_of(self, meeting: Meeting, after: datetime) -> Occurrence | None:
        """The next occurrence that has not started yet."""
        found = await self.upcoming([meeting], after, after + timedelta(days=800))
        return found[0].occurrence if found else None

    async def active(
        self, *, kind: str | None = None, platform: str | None = None, chat: str | None = None
    ) -> list[Meeting]:
        """Meetings that were not cancelled, optionally of one kind or one channel."""
        query = select(Meeting).where(Meeting.cancelled_at.is_(None))
        if kind is not None:
            query = query.where(Meeting.kind == kind)
        if platform is not None and chat is not None:
            query = query.where(Meeting.platform == platform, Meeting.chat == chat)
        return list(await self.session.scalars(query.order_by(Meeting.id)))

    async def of_person(self, person_id: int, since: datetime) -> tuple[list[Meeting], set[int]]:
        """Meetings someone organises or answered for; and the ids they only answered for."""
        answered = select(Rsvp.meeting_id).where(
            Rsvp.person_id == person_id,
            Rsvp.answer.in_(("ja", "misschien")),
            Rsvp.occurrence_start >= since - timedelta(days=2),
        )
        rows = list(
            await self.session.scalars(
                select(Meeting).where(
                    Meeting.cancelled_at.is_(None),
                    or_(Meeting.organiser_id == person_id, Meeting.id.in_(answered)),
                )
            )
        )
        guest_of = {m.id for m in rows if m.organiser_id != person_id}
        return rows, guest_of

    async def answered_keys(
        self, person_id: int, meeting_ids: Iterable[int]
    ) -> set[tuple[int, datetime]]:
        """(meeting, occurrence) pairs someone said ja or misschien to (or waits for)."""
        rows = await self.session.execute(
            select(Rsvp.meeting_id, Rsvp.occurrence_start).where(
                Rsvp.person_id == person_id,
                Rsvp.meeting_id.in_(list(meeting_ids)),
                Rsvp.answer.in_(("ja", "misschien")),
            )
        )
        return {(meeting_id, utc(start)) for meeting_id, start in rows}

    async def set_change(
        self,
        meeting: Meeting,
        key: datetime,
        now: datetime,
        *,
        cancelled: bool | None = None,
        starts_at: datetime | None = None,
        ends_at: datetime | None = None,
        place: str | None = None,
    ) -> OccurrenceOverride:
        """Change or cancel one occurrence (kept as an override of the series)."""
        row = await self.session.scalar(
            select(OccurrenceOverride).where(
                OccurrenceOverride.meeting_id == meeting.id,
                OccurrenceOverride.occurrence_start == utc(key),
            )
        )
        if row is None:
            row = OccurrenceOverride(
                meeting_id=meeting.id, occurrence_start=utc(key), cancelled=False, updated_at=now
            )
            self.session.add(row)
        if cancelled is not None:
            row.cancelled = cancelled
        if starts_at is not None:
            row.starts_at = utc(starts_at)
            row.ends_at = utc(ends_at) if ends_at else None
        if place is not None:
            row.place = place
        row.updated_at = now
        meeting.updated_at = now
        await self.session.flush()
        return row

    async def cancel_series(self, meeting: Meeting, now: datetime) -> None:
        """Stop a whole series (or a single meeting)."""
        meeting.cancelled_at = now
        meeting.updated_at = now
        await self.session.flush()
