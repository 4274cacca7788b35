"""Periodic work (reminders, escalations, freshness checks) under one leader.

The database holds what is due; APScheduler only decides when to look. Every
pass runs each registered ticker; tickers claim their rows, so a pass that runs
twice does nothing twice. With several bot processes on one PostgreSQL
database only the holder of an advisory lock runs passes; when it stops, the
lock is released and another process takes over on its next attempt.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.metrics import Metrics
from core.db import database_away
from core.events import PRESENCE_LOCK_CLASS, presence_key
from handlers.base import Deps

if TYPE_CHECKING:
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

# How long stopping waits for a timer pass in progress.
STOP_GRACE_SECONDS = 10.0
log = logging.getLogger("krokodil.ticker")

# Arbitrary but fixed: the advisory lock id of the scheduler leader ("krok" in ASCII).
LEADER_LOCK_ID = 0x6B726F6B


class HeldLock:
    """A session-level PostgreSQL advisory lock, held on a connection of its own until
    released or until that connection dies (as it does when the process is killed).
    SQLite deployments are one process: there the lock is always held."""

    def __init__(self, deps: Deps, what: str, *keys: int) -> None:
        self.deps = deps
        self.what = what
        self._conn: AsyncConnection | None = None
        names = [f":k{i}" for i in range(len(keys))]
        self._params = {f"k{i}": key for i, key in enumerate(keys)}
        self._lock = text(f"SELECT pg_try_advisory_lock({', '.join(names)})")
        self._unlock = text(f"SELECT pg_advisory_unlock({', '.join(names)})")

    async def try_hold(self) -> bool:
        """Take the lock if nobody has it, or check it is still ours; cheap every pass."""
        if self.deps.uow.dialect == "sqlite":
            return True
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                await self._conn.commit()
                return True
            except Exception:
                log.warning("%s connection lost", self.what)
                await self.release()
        conn = await self.deps.uow.engine.connect()
        try:
            got = (await conn.execute(self._lock, self._params)).scalar()
            await conn.commit()
        except Exception:
            await conn.close()
            raise
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        """Give the lock up."""
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                await conn.execute(self._unlock, self._params)
            except Exception:
                log.warning("could not unlock cleanly; the lock dies with the connection")
            finally:
                await conn.close()


class Leadership:
    """The scheduler leader is whoever holds the leader lock (always the one SQLite process)."""

    def __init__(self, deps: Deps) -> None:
        self.lock = HeldLock(deps, "leader", LEADER_LOCK_ID)
        self.is_leader = deps.uow.dialect == "sqlite"

    async def try_acquire(self) -> bool:
        """Become leader if nobody else is; cheap to call every pass."""
        leading = await self.lock.try_hold()
        if leading and not self.is_leader:
            log.info("became scheduler leader")
        self.is_leader = leading
        return leading

    async def release(self) -> None:
        """Let another process lead."""
        await self.lock.release()
        self.is_leader = self.lock.deps.uow.dialect == "sqlite"


class Presence:
    """Holds this process's presence lock while it runs (see core.events): another process
    that finds the lock free knows this one has stopped and may redo the platform events it
    left unfinished."""

    def __init__(self, deps: Deps) -> None:
        self.lock = HeldLock(deps, "presence", PRESENCE_LOCK_CLASS, presence_key(deps.instance))

    async def hold(self) -> None:
        """Take the lock, or check it is still held; cheap to call every pass."""
        if not await self.lock.try_hold():
            # Another process drew the same key (1 in 4 billion): try again next pass.
            log.warning("presence lock is taken by another process")

    async def release(self) -> None:
        """Give the lock up (it also dies with the connection when the process is killed)."""
        await self.lock.release()


class Ticker:
    """Runs every registered ticker on an interval, and at requested moments."""

    def __init__(self, deps: Deps, metrics: Metrics, interval: float) -> None:
        self.deps = deps
        self.metrics = metrics
        self.interval = interval
        self.leadership = Leadership(deps)
        self.presence = Presence(deps)
        # APScheduler loads when the timers first start (or someone looks at them):
        # `krokodil say` builds the bot but never runs its timers.
        self._scheduler: AsyncIOScheduler | None = None
        self.last_pass: datetime | None = None
        # Interval and wake-up (date) jobs are separate APScheduler jobs and may overlap;
        # passes take turns so they never share the leader connection at the same moment.
        self._pass_lock = asyncio.Lock()
        self._stopping = False

    @property
    def scheduler(self) -> AsyncIOScheduler:
        """The APScheduler instance behind the timers (created on first use)."""
        if self._scheduler is None:
            from apscheduler.schedulers.asyncio import AsyncIOScheduler

            self._scheduler = AsyncIOScheduler(timezone="UTC")
        return self._scheduler

    @property
    def running(self) -> bool:
        """True while the timers run."""
        return self._scheduler is not None and self._scheduler.running

    async def run_pass(self) -> dict[str, int]:
        """One pass over all tickers, if this process leads."""
        try:
            async with self._pass_lock:
                return await self._run_pass()
        except asyncio.CancelledError:
            if not self._stopping:
                raise
            # Cut off by stop() after the grace period: the due work stays in the database.
            log.info("timer pass stopped with the process")
            return {}

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
        if self.running:
            self.scheduler.add_job(self.run_pass, "date", run_date=when, misfire_grace_time=None)

    def start(self, *, run_now: bool = True) -> None:
        """Start the interval job (its first pass at once, or after one interval)."""
        first = {"next_run_time": self.deps.clock.now()} if run_now else {}
        self.scheduler.add_job(
            self.run_pass,
            "interval",
            seconds=self.interval,
            coalesce=True,
            max_instances=1,
            **first,
        )
        self._stopping = False
        self.scheduler.start()
        self.deps.wake_at = self.wake_at

    async def stop(self, *, keep_presence: bool = False) -> None:
        """Stop timers and hand over leadership; with `keep_presence`, other processes still
        see this one as alive (it is finishing requests) until `presence.release()`."""
        self._stopping = True
        if self.running:
            # APScheduler's shutdown cancels a job still running; let a pass in progress
            # finish first (for a while), so its work is not cut off mid-query.
            self.scheduler.pause()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(STOP_GRACE_SECONDS), self._pass_lock:
                    pass
            self.scheduler.shutdown(wait=False)
        await self.leadership.release()
        if not keep_presence:
            await self.presence.release()
