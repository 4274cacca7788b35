"""Reminders, each sent exactly once: a ledger of rows, claimed in the transaction that sends.

A personal reminder row is planned when someone's 'ja' is confirmed; a weekly channel post
row is planned per channel and week. Firing claims a pending row with a conditional update
(pending → sent) and queues its outbox message (with a dedupe key) in the same transaction.
Whichever process, restart or concurrent pass comes second finds nothing left to claim.
A row missed while the bot was down is sent late within the grace period, else marked
skipped. The tables are the truth; timers only decide when to look.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import and_, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import Clock, utc
from core.db import UnitOfWorkFactory, insert_ignoring_conflict
from core.messages import Recipient, Reply
from core.outbox import enqueue
from scheduler.models import Meeting, Reminder

log = logging.getLogger("krokodil.scheduler.reminders")

DAY_BEFORE = "day_before"
WEEKLY = "weekly"
WEEKDAY_CODES = ("ma", "di", "wo", "do", "vr", "za", "zo")

# Builds the messages for claimed rows, by row id; None (or no entry) when a row has nothing
# to say any more (the meeting was cancelled, the answer changed, the week is empty).
Compose = Callable[
    [AsyncSession, list[Reminder]], Awaitable[dict[int, tuple[Recipient, Reply] | None]]
]


def person_recipient(person_id: int) -> str:
    """The recipient column for a person."""
    return f"person:{person_id}"


def channel_recipient(platform: str, chat: str) -> str:
    """The recipient column for a channel."""
    return f"{platform}:{chat}"


def parse_recipient(value: str) -> Recipient:
    """Back from the recipient column to an outbox recipient."""
    head, _, rest = value.partition(":")
    if head == "person":
        return Recipient(person_id=int(rest))
    return Recipient(platform=head, chat=rest)  # type: ignore[arg-type]


def dedupe_key(row: Reminder) -> str:
    """The outbox dedupe key: the ledger's unique key, so even a stray second claim sends once."""
    return (
        f"meeting-reminder:{row.meeting_id}:{utc(row.occurrence_start):%Y%m%dT%H%M%SZ}"
        f":{row.kind}:{row.recipient}"
    )


async def plan(
    session: AsyncSession,
    *,
    meeting_id: int,
    occurrence_start: datetime,
    kind: str,
    recipient: str,
    due_at: datetime,
    now: datetime,
) -> bool:
    """Make sure a reminder is pending (again); False when it was already sent or skipped."""
    row = await session.scalar(
        select(Reminder).where(
            Reminder.meeting_id == meeting_id,
            Reminder.occurrence_start == utc(occurrence_start),
            Reminder.kind == kind,
            Reminder.recipient == recipient,
        )
    )
    if row is None:
        session.add(
            Reminder(
                meeting_id=meeting_id,
                occurrence_start=utc(occurrence_start),
                kind=kind,
                recipient=recipient,
                due_at=utc(due_at),
                status="pending",
                created_at=now,
            )
        )
        await session.flush()
        return True
    if row.status in ("pending", "cancelled"):
        row.status, row.due_at = "pending", utc(due_at)
        return True
    return False


async def cancel(
    session: AsyncSession,
    meeting_id: int,
    occurrence_start: datetime | None = None,
    recipient: str | None = None,
) -> int:
    """Withdraw pending reminders of a meeting (one occurrence, one recipient, or all)."""
    query = update(Reminder).where(Reminder.meeting_id == meeting_id, Reminder.status == "pending")
    if occurrence_start is not None:
        query = query.where(Reminder.occurrence_start == utc(occurrence_start))
    if recipient is not None:
        query = query.where(Reminder.recipient == recipient)
    result = await session.execute(query.values(status="cancelled"))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


async def reschedule(
    session: AsyncSession, meeting_id: int, occurrence_start: datetime, due_at: datetime
) -> None:
    """Move the pending reminders of a moved occurrence."""
    await session.execute(
        update(Reminder)
        .where(
            Reminder.meeting_id == meeting_id,
            Reminder.occurrence_start == utc(occurrence_start),
            Reminder.status == "pending",
            Reminder.kind == DAY_BEFORE,
        )
        .values(due_at=utc(due_at))
    )


async def claim_many(session: AsyncSession, ids: list[int], status: str, now: datetime) -> set[int]:
    """Take pending rows (pending → status) in one statement; the ids this call got."""
    if not ids:
        return set()
    # A plain UPDATE … RETURNING (not ORM-synchronised): the WHERE on status is the claim.
    result = await session.execute(
        update(Reminder)
        .where(Reminder.id.in_(ids), Reminder.status == "pending")
        .values(status=status, fired_at=now)
        .returning(Reminder.id)
        .execution_options(synchronize_session=False)
    )
    return {int(i) for i in result.scalars()}


@dataclass(frozen=True)
class FireReport:
    """What one firing pass did."""

    sent: int = 0
    skipped: int = 0
    dropped: int = 0


async def fire_due(
    uow: UnitOfWorkFactory,
    now: datetime,
    grace: timedelta,
    compose: Compose,
    *,
    batch: int = 200,
    clock: Clock | None = None,
) -> FireReport:
    """Send every due reminder once; late ones within the grace period, the rest skipped.

    Rows are due when their moment is at or before `now`; `clock` (when given) stamps each
    claim with the moment it really happened, which is what lateness is measured by. On
    PostgreSQL rows another process is busy with are skipped (it will send them); the
    conditional claim makes a second send impossible either way.
    """
    sent = skipped = dropped = 0
    while True:
        async with uow() as unit:
            session = unit.session
            query = (
                select(Reminder)
                .where(Reminder.status == "pending", Reminder.due_at <= now)
                .order_by(Reminder.due_at, Reminder.id)
                .limit(batch)
            )
            if unit.session.bind is not None and unit.session.bind.dialect.name == "postgresql":
                query = query.with_for_update(skip_locked=True)
            rows = list(await session.scalars(query))
            claimed_at = max(now, clock.now()) if clock is not None else now
            late = [r.id for r in rows if claimed_at - utc(r.due_at) > grace]
            skipped += len(await claim_many(session, late, "skipped", claimed_at))
            fresh = [r for r in rows if r.id not in set(late)]
            taken = await claim_many(session, [r.id for r in fresh], "sent", claimed_at)
            claimed = [r for r in fresh if r.id in taken]
            messages = await _compose_safely(session, claimed, compose)
            for row in claimed:
                message = messages[row.id]
                if isinstance(message, str):
                    await _set_status(session, row.id, message)
                    dropped += 1
                    continue
                recipient, reply = message
                await enqueue(
                    session,
                    recipient,
                    reply,
                    now=claimed_at,
                    kind="reminder",
                    dedupe_key=dedupe_key(row),
                )
                sent += 1
            await unit.commit()
        if len(rows) < batch:
            return FireReport(sent, skipped, dropped)


async def _compose_safely(
    session: AsyncSession, rows: list[Reminder], compose: Compose
) -> dict[int, tuple[Recipient, Reply] | str]:
    """Messages by row id, or the status a row ends in instead ('empty' or 'failed')."""
    if not rows:
        return {}
    found: dict[int, tuple[Recipient, Reply] | str] = {}
    try:
        built = await compose(session, rows)
    except SQLAlchemyError:
        raise  # the whole batch rolls back and is tried again on the next pass
    except Exception:
        # A bug in composing one message must not block every reminder queued behind it:
        # compose them one by one, and only the broken ones fail.
        built = {}
        for row in rows:
            try:
                built.update(await compose(session, [row]))
            except SQLAlchemyError:
                raise
            except Exception:
                log.exception("reminder could not be composed", extra={"reminder_id": row.id})
                found[row.id] = "failed"
    for row in rows:
        if row.id not in found:
            message = built.get(row.id)
            found[row.id] = message if message is not None else "empty"
    return found


async def _set_status(session: AsyncSession, reminder_id: int, status: str) -> None:
    await session.execute(update(Reminder).where(Reminder.id == reminder_id).values(status=status))


async def next_due(
    session: AsyncSession, after: datetime, until: datetime, limit: int = 50
) -> list[datetime]:
    """The distinct moments pending reminders fall due in (after, until]."""
    rows = await session.scalars(
        select(Reminder.due_at)
        .where(Reminder.status == "pending", Reminder.due_at > after, Reminder.due_at <= until)
        .distinct()
        .order_by(Reminder.due_at)
        .limit(limit)
    )
    return [utc(r) for r in rows]


def week_start(moment: datetime, zone: ZoneInfo) -> date:
    """The Monday of the local week a moment falls in."""
    local = utc(moment).astimezone(zone).date()
    return local - timedelta(days=local.weekday())


def weekly_due(monday: date, weekday: str, at: time, zone: ZoneInfo) -> datetime:
    """When the weekly post of the week starting on `monday` goes out (aware UTC)."""
    day = monday + timedelta(days=WEEKDAY_CODES.index(weekday))
    return utc(datetime.combine(day, at, tzinfo=zone))


async def plan_weekly(
    session: AsyncSession,
    now: datetime,
    *,
    weekday: str,
    at: time,
    timezone: str,
    weeks: int = 2,
) -> int:
    """Plan this week's and next week's post for every channel that has meetings.

    Posts already planned follow a changed day or time (`meetings.weekly_day`/`weekly_time`)
    while they wait, unless the new moment has passed: then the week keeps its planned post.
    """
    zone = ZoneInfo(timezone)
    channels = list(
        await session.execute(
            select(Meeting.platform, Meeting.chat)
            .where(
                Meeting.cancelled_at.is_(None),
                Meeting.platform.is_not(None),
                Meeting.chat.is_not(None),
            )
            .distinct()
        )
    )
    if not channels:
        return 0
    first = week_start(now, zone)
    rows = []
    for offset in range(weeks):
        monday = first + timedelta(weeks=offset)
        key = utc(datetime.combine(monday, time(0, 0), tzinfo=zone))
        existing = set(
            await session.scalars(
                select(Reminder.recipient).where(
                    and_(
                        Reminder.meeting_id == 0,
                        Reminder.kind == WEEKLY,
                        Reminder.occurrence_start == key,
                    )
                )
            )
        )
        due = weekly_due(monday, weekday, at, zone)
        if due > now:
            await session.execute(
                update(Reminder)
                .where(
                    Reminder.meeting_id == 0,
                    Reminder.kind == WEEKLY,
                    Reminder.occurrence_start == key,
                    Reminder.status == "pending",
                    Reminder.due_at != due,
                )
                .values(due_at=due)
                .execution_options(synchronize_session=False)
            )
        for platform, chat in channels:
            recipient = channel_recipient(str(platform), str(chat))
            if recipient not in existing:
                rows.append(
                    {
                        "meeting_id": 0,
                        "occurrence_start": key,
                        "kind": WEEKLY,
                        "recipient": recipient,
                        "due_at": due,
                        "status": "pending",
                        "created_at": now,
                    }
                )
    # Concurrent planners may both get here: the unique key keeps one row each.
    planned = 0
    for start in range(0, len(rows), 500):
        planned += await insert_ignoring_conflict(session, Reminder, rows[start : start + 500])
    return planned
