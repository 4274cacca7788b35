"""Idempotency for platform events: the same delivery twice has one effect.

A delivery is claimed before its handler runs and marked finished after it. A second
delivery of a finished event, or of one still being handled by a living process, is a
duplicate. A claim left unfinished by a process that died (killed mid-handler) is taken
over by the redelivery, so a press in flight at a crash is redone instead of dropped.
Whether the claiming process lives: on PostgreSQL every running process holds an advisory
lock named after its instance id (bot.ticker.Presence); SQLite deployments are one process,
so a claim by another instance there was made before a restart.

Only deliveries a platform may repeat carry an event id (Slack's Events API, Telegram's
updates, Teams' activities, button presses); a Slack slash command is never sent twice
and is not claimed. On the hot path `EventLedger` keeps it cheap: an id finished in this
process lately is a duplicate without asking the database, and a new one costs one
INSERT in the request's first transaction and one UPDATE after the handler.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import Boolean, String, delete, text, true, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UnitOfWorkFactory, UTCDateTime, insert_ignoring_conflict

log = logging.getLogger("krokodil.events")

# The first key of every presence lock ("krop"); the second comes from the instance id.
PRESENCE_LOCK_CLASS = 0x6B726F70


class ProcessedEvent(Base):
    """A platform event id that is being or has been handled."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The process handling it (random per process start); None for one-shot claims.
    instance: Mapped[str | None] = mapped_column(String(32))
    finished: Mapped[bool] = mapped_column(Boolean, server_default=true())


def presence_key(instance: str) -> int:
    """The second advisory-lock key of an instance id (a signed 32-bit number)."""
    value = int(instance[:8], 16)
    return value - (1 << 32) if value >= 1 << 31 else value


async def first_delivery(
    session: AsyncSession,
    platform: str,
    event_id: str,
    now: datetime,
    *,
    instance: str | None = None,
) -> bool:
    """Claim an event id; False when it was seen before (the caller must then do nothing).

    Without `instance` the claim is finished at once. With it, the caller marks it with
    `finish` after handling, and an unfinished claim of a dead instance is taken over.
    """
    row = {
        "platform": platform,
        "event_id": event_id,
        "at": now,
        "instance": instance,
        "finished": instance is None,
    }
    if await insert_ignoring_conflict(session, ProcessedEvent, row):
        return True
    return instance is not None and await _take_over(session, platform, event_id, instance, now)


async def _take_over(
    session: AsyncSession, platform: str, event_id: str, instance: str, now: datetime
) -> bool:
    row = await session.get(ProcessedEvent, (platform, event_id), populate_existing=True)
    if row is None or row.finished or row.instance in (None, instance):
        return False
    owner = row.instance
    assert owner is not None
    if await instance_alive(session, owner):
        return False
    won = await session.execute(
        update(ProcessedEvent)
        .where(
            ProcessedEvent.platform == platform,
            ProcessedEvent.event_id == event_id,
            ProcessedEvent.instance == owner,
            ProcessedEvent.finished.is_(False),
        )
        .values(instance=instance, at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(won, "rowcount", 0) != 1:
        return False
    log.info("redoing an event a stopped process left unfinished", extra={"platform": platform})
    return True


async def instance_alive(session: AsyncSession, instance: str) -> bool:
    """Whether the process with this instance id still runs (see the module text)."""
    if session.get_bind().dialect.name != "postgresql":
        return False
    keys = {"cls": PRESENCE_LOCK_CLASS, "key": presence_key(instance)}
    free = (await session.execute(text("SELECT pg_try_advisory_lock(:cls, :key)"), keys)).scalar()
    if free:
        await session.execute(text("SELECT pg_advisory_unlock(:cls, :key)"), keys)
    return not free


async def finish(engine: AsyncEngine, platform: str, event_id: str) -> None:
    """Mark a claimed event as handled; later deliveries are duplicates.

    One statement in autocommit mode: no transaction to open and commit around it.
    """
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(
            update(ProcessedEvent)
            .where(ProcessedEvent.platform == platform, ProcessedEvent.event_id == event_id)
            .values(finished=True)
        )


# How many ids finished in this process are remembered (a redelivery comes within minutes).
REMEMBERED = 4096


class EventLedger:
    """The claims of one process: `claim` before the handler, `finish` after it."""

    def __init__(self, uow: UnitOfWorkFactory, instance: str) -> None:
        self._uow = uow
        self._instance = instance
        self._busy: set[tuple[str, str]] = set()
        self._done: OrderedDict[tuple[str, str], None] = OrderedDict()

    async def claim(
        self, session: AsyncSession, platform: str, event_id: str, now: datetime
    ) -> bool:
        """True when this delivery is the one to handle (then call `finish` after it).

        The claim is written in the caller's transaction (one INSERT), so it commits with
        whatever else the request's first transaction does, on the same connection.
        """
        key = (platform, event_id)
        if key in self._done or key in self._busy:
            return False
        self._busy.add(key)
        try:
            first = await first_delivery(session, platform, event_id, now, instance=self._instance)
        except BaseException:
            self._busy.discard(key)
            raise
        if not first:
            self._busy.discard(key)
        return first

    def abandon(self, platform: str, event_id: str) -> None:
        """The handler could not finish (database away): forget it was busy here."""
        self._busy.discard((platform, event_id))

    async def finish(self, platform: str, event_id: str) -> None:
        """Mark a claimed event handled; later deliveries are duplicates."""
        key = (platform, event_id)
        self._busy.discard(key)
        self._remember(key)
        await finish(self._uow.engine, platform, event_id)

    def _remember(self, key: tuple[str, str]) -> None:
        self._done[key] = None
        if len(self._done) > REMEMBERED:
            self._done.popitem(last=False)


async def forget_older_than(session: AsyncSession, cutoff: datetime) -> int:
    """Drop ids older than the platforms' retry horizon (hours, not days)."""
    result = await session.execute(delete(ProcessedEvent).where(ProcessedEvent.at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


RETRY_HORIZON = timedelta(days=2)
