"""Periodic work (reminders, escalations, freshness checks) under one leader.

The database holds what is due; APScheduler only decides when to look. Every
pass runs each registered ticker; tickers claim their rows, so a pass that runs
twice does nothing twice. With several bot processes on one PostgreSQL
database only the holder of an advisory lock runs passes; when it stops, the
lock is released and another process takes over on its next attempt.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.metrics import Metrics
from core.db import database_away
from core.events import PRESENCE_LOCK_CLASS, presence_key
from handlers.base import Deps

log = logging.getLogger("krokodil.ticker")

# Arbitrary but fixed: the advisory lock id of the scheduler leader ("krok" in ASCII).
LEADER_LOCK_ID = 0x6B726F6B


class Leadership:
    """Holds the PostgreSQL advisory lock; SQLite deployments are single-process, always leader."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._conn: AsyncConnection | None = None
        self.is_leader = deps.uow.dialect == "sqlite"

    async def try_acquire(self) -> bool:
        """Become leader if nobody else is; cheap to call every pass."""
        if self.deps.uow.dialect == "sqlite":
            return True
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                return True
            except Exception:
                log.warning("leader connection lost; giving up leadership")
                await self.release()
        conn = await self.deps.uow.engine.connect()
        got = (
            await conn.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": LEADER_LOCK_ID})
        ).scalar()
        if got:
            self._conn = conn
            self.is_leader = True
            log.info("became scheduler leader")
            return True
        await conn.close()
        self.is_leader = False
        return False

    async def release(self) -> None:
        """Let another process lead."""
        conn, self._conn = self._conn, None
        self.is_leader = self.deps.uow.dialect == "sqlite"
        if conn is not None:
            try:
                await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": LEADER_LOCK_ID})
            except Exception:
                log.warning("could not unlock cleanly; the lock dies with the connection")
            finally:
                await conn.close()


class Presence:
    """Holds this process's presence lock on PostgreSQL while it runs (see core.events).

    Another process that finds the lock free knows this one has stopped and may redo the
    platform events it left unfinished. SQLite needs none: it is one process.
    """

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self._conn: AsyncConnection | None = None
        self._keys = {"cls": PRESENCE_LOCK_CLASS, "key": presence_key(deps.instance)}

    async def hold(self) -> None:
        """Take the lock, or check it is still held; cheap to call every pass."""
        if self.deps.uow.dialect == "sqlite":
            return
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return
            except Exception:
                log.warning("presence connection lost; taking the lock again")
                await self.release()
        conn = await self.deps.uow.engine.connect()
        try:
            sql = text("SELECT pg_try_advisory_lock(:cls, :key)")
            got = (await conn.execute(sql, self._keys)).scalar()
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if not got:
            # Another process drew the same lock key (1 in 4 billion): try again next pass.
            log.warning("presence lock is taken by another process")
            await conn.close()
            return
        self._conn = conn

    async def release(self) -> None:
        """Give the lock up (it also dies with the connection when the process is killed)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.execute(text("SELECT pg_advisory_unlock(:cls, :key)"), self._keys)
            except Exception:
                log.warning("could not unlock cleanly; the lock dies with the connection")
            finally:
                await conn.close()


class Ticker:
    """Runs every registered ticker on an interval, and at requested moments."""

    def __init__(self, deps: Deps, metrics: Metrics, interval: float) -> None:
        self.deps = deps
        self.metrics = metrics
        self.interval = interval
        self.leadership = Leadership(deps)
        self.presence = Presence(deps)
        self.scheduler = AsyncIOScheduler(timezone="UTC")
        self.last_pass: datetime | None = None
        # Interval and wake-up (date) jobs are separate APScheduler jobs and may overlap;
        # passes take turns so they never share the leader connection at the same moment.
        self._pass_lock = asyncio.Lock()

    async def run_pass(self) -> dict[str, int]:
        """One pass over all tickers, if this process leads."""
        async with self._pass_lock:
            return await self._run_pass()

    async def _run_pass(self) -> dict[str, int]:
        try:
            await self.presence.hold()
            leading = await self.leadership.try_acquire()
        except Exception as error:
            if not database_away(error):
                raise
            # Due work stays in the database; the next pass after the outage does it.
            log.warning("timers wait for the database: %s", type(error).__name__)
            return {}
        if not leading:
            return {}
        now = self.deps.clock.now()
        done: dict[str, int] = {}
        for name, fn in self.deps.registry.tickers.items():
            try:
                done[name] = await fn(self.deps, now)
                if done[name]:
                    self.metrics.ticks.labels(ticker=name).inc(done[name])
            except Exception as error:
                if database_away(error):
                    log.warning("ticker waits for the database", extra={"ticker": name})
                else:
                    log.exception("ticker failed", extra={"ticker": name})
        self.last_pass = now
        if any(done.values()):
            self.deps.wake_delivery()
        return done

    def wake_at(self, when: datetime) -> None:
        """Schedule an extra pass at a moment (no-op before start)."""
        if self.scheduler.running:
            self.scheduler.add_job(self.run_pass, "date", run_date=when, misfire_grace_time=None)

    def start(self) -> None:
        """Start the interval job."""
        self.scheduler.add_job(
            self.run_pass,
            "interval",
            seconds=self.interval,
            coalesce=True,
            max_instances=1,
            next_run_time=self.deps.clock.now(),
        )
        self.scheduler.start()
        self.deps.wake_at = self.wake_at

    async def stop(self, *, keep_presence: bool = False) -> None:
        """Stop timers and hand over leadership; with `keep_presence`, other processes still
        see this one as alive (it is finishing requests) until `presence.release()`."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await self.leadership.release()
        if not keep_presence:
            await self.presence.release()
