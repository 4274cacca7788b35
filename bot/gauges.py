"""Gauges read from the database when /metrics is scraped: the outbox queue and pending timers.

Timers are rows (handover reminders and escalations, meeting reminders, mee-loop
follow-ups), so "how many are waiting" is a count, not process state: every
replica reports the same truth. A capability whose tables are not there (yet)
simply adds nothing.
"""

from __future__ import annotations

import asyncio
import importlib
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, and_, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrics import Metrics
from core.db import UnitOfWorkFactory
from core.outbox import OutboxMessage

log = logging.getLogger("krokodil.gauges")

# A scrape must answer even when the database is slow.
REFRESH_TIMEOUT = 2.0

TimerQuery = Callable[[datetime], list[Select[Any]]]


def _handover_timers(now: datetime) -> list[Select[Any]]:
    from handovers.models import Handover

    def count(due: Any, done: Any, *extra: Any) -> Select[Any]:
        return select(func.count()).where(and_(due > now, done.is_(None), *extra))

    is_open = Handover.state == "open"
    return [
        count(Handover.reminder_due_at, Handover.reminded_at, is_open),
        count(Handover.escalate_due_at, Handover.escalated_at, is_open),
        count(Handover.expires_at, Handover.decided_at, is_open),
        count(
            Handover.kennismaking_due_at,
            Handover.kennismaking_nudged_at,
            Handover.state == "accepted",
            Handover.kennismaking_held_at.is_(None),
        ),
    ]


def _meeting_reminders(now: datetime) -> list[Select[Any]]:
    from scheduler.models import Reminder

    return [select(func.count()).where(Reminder.status == "pending", Reminder.due_at > now)]


def _meeloop_followups(now: datetime) -> list[Select[Any]]:
    from scheduler.models_meelopen import MeeloopGroup

    return [
        select(func.count()).where(
            MeeloopGroup.followup_due_at > now, MeeloopGroup.followup_sent_at.is_(None)
        )
    ]


TIMER_SOURCES: tuple[tuple[str, TimerQuery], ...] = (
    ("handovers.models", _handover_timers),
    ("scheduler.models", _meeting_reminders),
    ("scheduler.models_meelopen", _meeloop_followups),
)


async def pending_timers(session: AsyncSession, now: datetime) -> int:
    """Timers set for later and not fired yet, over every capability that has them."""
    total = 0
    for module, queries in TIMER_SOURCES:
        try:
            importlib.import_module(module)
        except ImportError:
            continue
        for query in queries(now):
            try:
                async with session.begin_nested():
                    total += int(await session.scalar(query) or 0)
            except SQLAlchemyError:
                # A table not migrated yet (or renamed) must not break the scrape.
                log.warning("timer count failed", extra={"source": module})
    return total


async def outbox_pending(session: AsyncSession) -> int:
    """Messages not yet delivered and not parked as failed."""
    count = await session.scalar(
        select(func.count()).where(
            OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
        )
    )
    return int(count or 0)


async def refresh(uow: UnitOfWorkFactory, metrics: Metrics, now: datetime) -> bool:
    """Update the database-backed gauges; False (old values kept) when the database is away."""
    try:
        async with asyncio.timeout(REFRESH_TIMEOUT):
            async with uow() as unit:
                metrics.outbox_pending.set(await outbox_pending(unit.session))
                metrics.timers_pending.set(await pending_timers(unit.session, now))
    except (TimeoutError, OSError, SQLAlchemyError) as error:
        log.warning("gauge refresh failed: %s", type(error).__name__)
        return False
    return True
