"""Report sections about the work between people: handovers, meetings and mee-loop-dagen.

Each reads the tables of another capability (handovers/, scheduler/) and
counts; none of them returns who did what.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from statistics import median

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.workdays import OfficeHours
from reports.figures import HandoverFigures, MeeloopFigures, MeetingFigures

HANDOVER_TABLES = ("handovers",)
MEETING_TABLES = ("meetings", "meeting_overrides", "meeting_rsvps")
MEELOOP_TABLES = ("meeloop_rounds", "meeloop_groups")


async def handover_figures(
    session: AsyncSession, start: datetime, end: datetime, hours: OfficeHours
) -> HandoverFigures:
    """Handovers sent in [start, end), each followed to its answer."""
    from handovers.models import Handover

    rows = (
        await session.execute(
            select(
                Handover.state,
                Handover.created_at,
                Handover.decided_at,
                Handover.decline_reason,
                Handover.escalated_at,
            ).where(Handover.created_at >= start, Handover.created_at < end)
        )
    ).all()
    waits = [
        hours.between(created, decided)
        for state, created, decided, _reason, _esc in rows
        if state == "accepted" and decided is not None
    ]
    reasons = Counter(
        reason or "other" for state, _c, _d, reason, _e in rows if state == "declined"
    )
    return HandoverFigures(
        sent=len(rows),
        accepted=len(waits),
        median_hours_to_accept=median(waits) if waits else None,
        # "Within one working day" is within one day's worth of office hours.
        accepted_within_one_day=sum(1 for w in waits if w <= hours.hours_per_day),
        declined=sum(reasons.values()),
        declines_by_reason=dict(sorted(reasons.items())),
        escalated=sum(1 for row in rows if row.escalated_at is not None),
        still_open=sum(1 for row in rows if row.state == "open"),
    )


async def meeting_figures(
    session: AsyncSession, start: datetime, end: datetime, now: datetime
) -> MeetingFigures:
    """Occurrences that started in [start, min(end, now)), and their confirmed attendees."""
    from scheduler.models import Meeting, OccurrenceOverride, Rsvp
    from scheduler.recurrence import Change, Series, occurrences

    upto = min(end, now)
    meetings = list(await session.scalars(select(Meeting).where(Meeting.starts_at < upto)))
    overrides = await session.scalars(
        select(OccurrenceOverride).where(
            OccurrenceOverride.meeting_id.in_([m.id for m in meetings])
        )
    )
    changes: dict[int, dict[datetime, Change]] = {}
    for row in overrides:
        changes.setdefault(row.meeting_id, {})[row.occurrence_start] = Change(
            row.cancelled, row.starts_at, row.ends_at, row.place
        )
    held: list[tuple[int, datetime, str]] = []
    for meeting in meetings:
        series = Series(
            starts_at=meeting.starts_at,
            duration=timedelta(minutes=meeting.duration_minutes),
            rrule=meeting.rrule,
            timezone=meeting.timezone,
            holiday_policy=meeting.holiday_policy,
        )
        for occurrence in occurrences(series, start, upto, changes.get(meeting.id)):
            if meeting.cancelled_at is not None and occurrence.start >= meeting.cancelled_at:
                continue
            held.append((meeting.id, occurrence.key, meeting.kind))
    attendees = 0
    if held:
        answers = await session.execute(
            select(Rsvp.meeting_id, Rsvp.occurrence_start).where(
                Rsvp.meeting_id.in_({m for m, _k, _kind in held}),
                Rsvp.answer == "ja",
                Rsvp.waitlisted.is_(False),
            )
        )
        keys = {(m, k) for m, k, _kind in held}
        attendees = sum(1 for m, k in answers.all() if (m, k) in keys)
    return MeetingFigures(
        held=len(held),
        held_by_kind=dict(sorted(Counter(kind for _m, _k, kind in held).items())),
        attendees=attendees,
    )


async def meeloop_figures(session: AsyncSession, start: datetime, end: datetime) -> MeeloopFigures:
    """Groups of rounds started in [start, end); 'walked along' is the reported outcome."""
    from scheduler.models_meelopen import MeeloopGroup, MeeloopRound

    rows = (
        await session.execute(
            select(MeeloopGroup.members, MeeloopGroup.outcome)
            .join(MeeloopRound, MeeloopRound.number == MeeloopGroup.round_number)
            .where(MeeloopRound.started_at >= start, MeeloopRound.started_at < end)
        )
    ).all()
    return MeeloopFigures(
        groups=len(rows),
        people=sum(len(members or ()) for members, _outcome in rows),
        walked_along=sum(1 for _members, outcome in rows if outcome == "gelukt"),
    )
