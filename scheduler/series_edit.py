"""Changing a whole series: a new start time moves every future occurrence with it.

Occurrences are keyed by their original start, so a new time of day re-keys what hangs on
future occurrences (answers, changes, case questions) to the same date at the new time, and
the personal reminders are planned again.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from scheduler import reminders
from scheduler.models import CasusItem, Meeting, OccurrenceOverride, Rsvp
from scheduler.recurrence import local_to_utc, occurrence_at
from scheduler.repository import MeetingRepository, series_of


async def shift_time(
    session: AsyncSession, meeting: Meeting, new_time: time, now: datetime, remind_before: timedelta
) -> int:
    """Move the series to a new local start time; how many future answers moved along."""
    zone = series_of(meeting).zone

    def moved(key: datetime) -> datetime:
        local = utc(key).astimezone(zone)
        return local_to_utc(datetime.combine(local.date(), new_time), zone)

    meeting.starts_at = moved(meeting.starts_at)
    meeting.updated_at = now
    answers = 0
    for row in await session.scalars(
        select(Rsvp).where(Rsvp.meeting_id == meeting.id, Rsvp.occurrence_start >= now)
    ):
        row.occurrence_start = moved(row.occurrence_start)
        answers += 1
    for change in await session.scalars(
        select(OccurrenceOverride).where(
            OccurrenceOverride.meeting_id == meeting.id, OccurrenceOverride.occurrence_start >= now
        )
    ):
        change.occurrence_start = moved(change.occurrence_start)
    for item in await session.scalars(
        select(CasusItem).where(
            CasusItem.meeting_id == meeting.id, CasusItem.occurrence_start >= now
        )
    ):
        item.occurrence_start = moved(item.occurrence_start)
    await session.flush()
    await replan_reminders(session, meeting, now, remind_before)
    return answers


async def replan_reminders(
    session: AsyncSession, meeting: Meeting, now: datetime, remind_before: timedelta
) -> None:
    """Plan the personal reminders of every confirmed future answer again."""
    await reminders.cancel(session, meeting.id)
    changes = await MeetingRepository(session).changes(meeting.id)
    series = series_of(meeting)
    rows = await session.scalars(
        select(Rsvp).where(
            Rsvp.meeting_id == meeting.id,
            Rsvp.occurrence_start >= now,
            Rsvp.answer == "ja",
            Rsvp.waitlisted.is_(False),
        )
    )
    for row in rows:
        occurrence = occurrence_at(series, row.occurrence_start, changes)
        if occurrence is None or occurrence.cancelled:
            continue
        due = occurrence.start - remind_before
        if due > now:
            await reminders.plan(
                session,
                meeting_id=meeting.id,
                occurrence_start=occurrence.key,
                kind=reminders.DAY_BEFORE,
                recipient=reminders.person_recipient(row.person_id),
                due_at=due,
                now=now,
            )
