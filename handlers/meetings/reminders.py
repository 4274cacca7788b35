"""The reminder timer: plan weekly channel posts, fire what is due, and ask for exact wake-ups.

The periodic ticker looks every `bot.tick_seconds`; for precision it also asks the timer
(`deps.wake_at`) for a pass at each of the next due moments, so a reminder due at 09:00:00
goes out then and not at the next tick. Exactly-once comes from the ledger, not the timer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from core.i18n import Translator
from core.messages import Button, Recipient, Reply
from directory.models import Person
from handlers.base import Deps
from handlers.meetings.texts import agenda_line, headline, ref, when_text, where_text
from scheduler import reminders, rsvp
from scheduler.models import Meeting, Reminder, Rsvp
from scheduler.recurrence import Occurrence, occurrence_at
from scheduler.repository import MeetingRepository, series_of

# Weekly rows are planned at most this often per process (a cheap query, but not per wake-up).
PLAN_EVERY = timedelta(minutes=1)
# How many upcoming moments get an exact wake-up, and how far ahead.
WAKE_LIMIT = 200


@dataclass
class _State:
    planned_at: datetime | None = None
    wakes: set[datetime] = field(default_factory=set)


def _state(deps: Deps) -> _State:
    state = deps.extras.get("scheduler.reminders")
    if not isinstance(state, _State):
        state = _State()
        deps.extras["scheduler.reminders"] = state
    return state


async def tick(deps: Deps, now: datetime) -> int:
    """One pass: plan, fire, and schedule the next wake-ups; returns how many were handled."""
    # The pass's `now` was read before earlier tickers ran; a fresh reading fires on time.
    now = max(now, deps.clock.now())
    config = deps.settings.meetings
    state = _state(deps)
    if state.planned_at is None or now - state.planned_at >= PLAN_EVERY or now < state.planned_at:
        hour, _, minute = config.weekly_time.partition(":")
        async with deps.uow() as uow:
            await reminders.plan_weekly(
                uow.session,
                now,
                weekday=config.weekly_day,
                at=time(int(hour), int(minute)),
                timezone=deps.settings.bot.timezone,
            )
            await uow.commit()
        state.planned_at = now
    report = await reminders.fire_due(
        deps.uow,
        now,
        timedelta(hours=config.reminder_grace_hours),
        lambda session, rows: compose(session, rows, deps),
        clock=deps.clock,
    )
    if report.sent:
        # Deliver now, not after the rest of the pass: the other timers may take a while.
        deps.wake_delivery()
    await schedule_wakes(deps, now)
    return report.sent + report.skipped


async def schedule_wakes(deps: Deps, now: datetime) -> list[datetime]:
    """Ask the timer for a pass at each pending reminder moment before the next regular tick."""
    state = _state(deps)
    horizon = timedelta(seconds=max(deps.settings.bot.tick_seconds * 3, 60))
    async with deps.uow() as uow:
        moments = await reminders.next_due(uow.session, now, now + horizon, WAKE_LIMIT)
    state.wakes = {w for w in state.wakes if w > now}
    new = [m for m in moments if m not in state.wakes]
    for moment in new:
        deps.wake_at(moment)
        state.wakes.add(moment)
    return new


async def compose(
    session: AsyncSession, rows: list[Reminder], deps: Deps
) -> dict[int, tuple[Recipient, Reply] | None]:
    """Messages for claimed reminder rows (None where one no longer applies)."""
    found: dict[int, tuple[Recipient, Reply] | None] = {}
    personal = [r for r in rows if r.kind == reminders.DAY_BEFORE]
    if personal:
        found.update(await _day_before(session, personal, deps))
    for row in rows:
        if row.kind == reminders.WEEKLY:
            found[row.id] = await _weekly(session, row, deps)
    return found


async def _day_before(
    session: AsyncSession, rows: list[Reminder], deps: Deps
) -> dict[int, tuple[Recipient, Reply] | None]:
    # Everything a batch needs in four queries, not four per reminder: a burst of reminders
    # at 14:00 sharp is the normal case.
    meeting_ids = {r.meeting_id for r in rows}
    people = {reminders.parse_recipient(r.recipient).person_id or 0 for r in rows}
    meetings = {
        m.id: m for m in await session.scalars(select(Meeting).where(Meeting.id.in_(meeting_ids)))
    }
    changes = await MeetingRepository(session).changes_for(meeting_ids)
    languages = {
        pid: language
        for pid, language in await session.execute(
            select(Person.id, Person.language).where(Person.id.in_(people))
        )
    }
    answers = {
        (a.meeting_id, utc(a.occurrence_start), a.person_id): rsvp.status_of(a)
        for a in await session.scalars(
            select(Rsvp).where(Rsvp.meeting_id.in_(meeting_ids), Rsvp.person_id.in_(people))
        )
    }
    found: dict[int, tuple[Recipient, Reply] | None] = {}
    for row in rows:
        recipient = reminders.parse_recipient(row.recipient)
        meeting = meetings.get(row.meeting_id)
        found[row.id] = None
        if meeting is None or meeting.cancelled_at is not None or recipient.person_id is None:
            continue
        occurrence = occurrence_at(
            series_of(meeting), row.occurrence_start, changes.get(meeting.id)
        )
        if occurrence is None or occurrence.cancelled:
            continue
        if answers.get((meeting.id, occurrence.key, recipient.person_id)) != "ja":
            continue
        tr = deps.translator(languages.get(recipient.person_id))
        found[row.id] = (recipient, _day_before_reply(meeting, occurrence, tr))
    return found


def _day_before_reply(meeting: Meeting, occurrence: Occurrence, tr: Translator) -> Reply:
    where = where_text(meeting, occurrence)
    lines = [
        tr.gettext(
            "Herinnering: {title} is {when}.", title=meeting.title, when=when_text(occurrence, tr)
        )
    ]
    if where:
        lines.append(f"📍 {where}")
    lines.append(
        tr.gettext("Kun je toch niet? Tik op 'Ik kom niet', dan krijgt een ander je plek.")
    )
    return Reply(
        title=headline(meeting, tr),
        text="\n".join(lines),
        buttons=(
            Button(
                tr.gettext("Ik kom niet"),
                "meetings.rsvp",
                ref(meeting.id, occurrence.key, "nee"),
            ),
        ),
        data={"meeting_id": meeting.id, "reminder": reminders.DAY_BEFORE},
    )


async def _weekly(
    session: AsyncSession, row: Reminder, deps: Deps
) -> tuple[Recipient, Reply] | None:
    recipient = reminders.parse_recipient(row.recipient)
    if recipient.platform is None or recipient.chat is None:
        return None
    zone = ZoneInfo(deps.settings.bot.timezone)
    day = utc(row.due_at).astimezone(zone).date()
    start = utc(datetime.combine(day, time(0, 0), tzinfo=zone))
    end = utc(datetime.combine(day + timedelta(days=7), time(0, 0), tzinfo=zone))
    repo = MeetingRepository(session)
    here = await repo.active(platform=recipient.platform, chat=recipient.chat)
    planned = await repo.upcoming(here, start, end)
    if not planned:
        return None
    tr = Translator.for_language(deps.settings.bot.language, deps.settings.bot.timezone)
    lines = [agenda_line(p.meeting, p.occurrence, tr) for p in planned]
    lines.append(
        tr.gettext("Open een bijeenkomst met /agenda en het nummer, en laat weten of je komt.")
    )
    return recipient, Reply(
        title=tr.gettext("Deze week"),
        text="\n".join(lines),
        data={"reminder": reminders.WEEKLY, "meetings": [p.meeting.id for p in planned]},
    )
