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
and is not claimed, and a command that changes nothing is claimed in memory only
(`claim_here`): its redelivery is answered again. On the hot path `EventLedger` keeps
it cheap: an id finished in this process lately is a duplicate without asking the
database; a new one costs one INSERT, either in the request's first transaction or, when
the request needs no transaction there (`claim_alone`), as a statement of its own that
also says whether a step-by-step form may be open in that chat (when core.open_forms
cannot tell); and the finished marks are written in batches, one UPDATE
for every event finished within FINISH_DELAY.

A finished mark is written after the platform got its answer, so a process killed in
between leaves the claim unfinished. Platforms redeliver only what got no answer, so
that claim is normally never asked for again; if it is, it is redone, as a claim left
by a process killed in the middle of the handler (docs/reliability.md).
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from datetime import datetime, timedelta

from sqlalchemy import (
    Boolean,
    Executable,
    String,
    bindparam,
    delete,
    exists,
    select,
    text,
    true,
    tuple_,
    update,
)
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.conversation import Conversation
from core.db import Base, UnitOfWorkFactory, UTCDateTime, database_away, insert_ignoring_conflict

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


async def finish(engine: AsyncEngine, keys: list[tuple[str, str]]) -> None:
    """Mark claimed events (platform, event id) as handled; later deliveries are duplicates.

    One statement in autocommit mode: no transaction to open and commit around it.
    """
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(
            update(ProcessedEvent)
            .where(tuple_(ProcessedEvent.platform, ProcessedEvent.event_id).in_(keys))
            .values(finished=True)
        )


async def claim_with_form_check(
    engine: AsyncEngine,
    row: dict[str, object],
    form_place: tuple[str, str, str] | None,
) -> tuple[bool, bool]:
    """INSERT a claim in a statement of its own; (claimed, a form is open at form_place).

    Whether a form is open is read in the same statement (RETURNING EXISTS …), so a
    message costs one round trip to the database. Not claimed: the id was claimed before.
    """
    statement = _claim_statement(engine.dialect.name, form_place is not None)
    params = dict(row)
    if form_place is not None:
        params["form_platform"], params["form_account"], params["form_chat"] = form_place
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        found = (await conn.execute(statement, params)).first()
    if found is None:
        return False, False
    return True, form_place is not None and bool(found[0])


_CLAIMS: dict[tuple[str, bool], Executable] = {}


def _claim_statement(dialect: str, with_form: bool) -> Executable:
    """The claim's INSERT, built once per dialect (SQLAlchemy then reuses its compiled form)."""
    key = (dialect, with_form)
    if key not in _CLAIMS:
        insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
        columns = ProcessedEvent.__table__.c
        statement = (
            insert(ProcessedEvent)
            .values({name: bindparam(name, type_=columns[name].type) for name in _CLAIM_COLUMNS})
            .on_conflict_do_nothing()
        )
        open_form = exists(
            select(Conversation.account).where(
                Conversation.platform == bindparam("form_platform"),
                Conversation.account == bindparam("form_account"),
                Conversation.chat == bindparam("form_chat"),
            )
        )
        _CLAIMS[key] = statement.returning(open_form if with_form else true())
    return _CLAIMS[key]


_CLAIM_COLUMNS = ("platform", "event_id", "at", "instance", "finished")


# How many ids finished in this process are remembered (a redelivery comes within minutes).
REMEMBERED = 4096
# Finished marks wait this long to be written together (seconds).
FINISH_DELAY = 0.05
RETRY_WRITE = 5.0


class EventLedger:
    """The claims of one process: `claim` before the handler, `finish` after it."""

    def __init__(self, uow: UnitOfWorkFactory, instance: str) -> None:
        self._uow = uow
        self._instance = instance
        self._busy: set[tuple[str, str]] = set()
        # Claimed in this process only (`claim_here`): no row, no finished mark.
        self._here_only: set[tuple[str, str]] = set()
        self._done: OrderedDict[tuple[str, str], None] = OrderedDict()
        # Finished here, not yet marked in the database (see `flush`).
        self._unwritten: list[tuple[str, str]] = []
        self._writer: asyncio.Task[None] | None = None
        # The writer's pass in progress: `close` lets it end rather than cut a write short.
        self._pass: asyncio.Future[None] | None = None
        # One flush at a time: a flush asked while another writes waits for it, so that
        # what was finished before the call is written when the call returns.
        self._flushing = asyncio.Lock()
        self._write_failed = False

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

    async def claim_alone(
        self,
        platform: str,
        event_id: str,
        now: datetime,
        form_place: tuple[str, str, str] | None = None,
    ) -> tuple[bool, bool] | None:
        """Claim in one statement of its own; (claimed, a form may be open at form_place).

        None when the database already holds a claim: then `claim` in a transaction decides
        whether it is a duplicate or one to take over from a stopped process.
        """
        key = (platform, event_id)
        if key in self._done or key in self._busy:
            return False, False
        self._busy.add(key)
        row = {
            "platform": platform,
            "event_id": event_id,
            "at": now,
            "instance": self._instance,
            "finished": False,
        }
        try:
            claimed, form_open = await claim_with_form_check(self._uow.engine, row, form_place)
        except BaseException:
            self._busy.discard(key)
            raise
        if not claimed:
            self._busy.discard(key)
            return None
        return True, form_open

    def claim_here(self, platform: str, event_id: str) -> bool:
        """Claim a read in this process only; False while it is handled here already.

        For what changes nothing (`CommandSpec.reads_only`): a redelivery of it, which
        Telegram sends only when it got no 200 (and so no answer in that 200), is answered
        again, so nothing is written and nothing is remembered once it is finished.
        """
        key = (platform, event_id)
        if key in self._done or key in self._busy:
            return False
        self._busy.add(key)
        self._here_only.add(key)
        return True

    def holds(self, platform: str, event_id: str) -> bool:
        """Whether this process claimed the event and has not finished or abandoned it."""
        return (platform, event_id) in self._busy

    def abandon(self, platform: str, event_id: str) -> None:
        """The handler could not finish (database away): forget it was busy here."""
        self._busy.discard((platform, event_id))
        self._here_only.discard((platform, event_id))

    def finish(self, platform: str, event_id: str) -> None:
        """Mark a claimed event handled; later deliveries are duplicates.

        Here at once; in the database within FINISH_DELAY, together with the others.
        """
        key = (platform, event_id)
        self._busy.discard(key)
        if key in self._here_only:
            self._here_only.discard(key)
            return
        self._remember(key)
        self._unwritten.append(key)
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write_soon())

    async def _write_soon(self) -> None:
        delay = FINISH_DELAY
        while True:
            await asyncio.sleep(delay)
            self._pass = asyncio.ensure_future(self.flush())
            # Shielded: a cancel (at `close`) stops the loop, never a statement half way.
            await asyncio.shield(self._pass)
            self._pass = None
            if not self._unwritten:
                return
            delay = RETRY_WRITE  # the database is away: try again, not on every event

    async def close(self) -> None:
        """Write what waits and stop the writer (before the engine is disposed)."""
        if self._writer is not None:
            self._writer.cancel()
            await asyncio.wait({self._writer})
            self._writer = None
        if self._pass is not None:
            await self._pass
            self._pass = None
        await self.flush()

    async def flush(self) -> None:
        """Write the finished marks that wait (also at shutdown); never raises.

        When the database cannot take them they wait for the next finish or flush; until
        then a redelivery to this process is still known here as a duplicate.
        """
        async with self._flushing:
            while self._unwritten:
                keys, self._unwritten = self._unwritten, []
                try:
                    await finish(self._uow.engine, keys)
                except Exception as error:
                    self._unwritten = keys + self._unwritten
                    if not self._write_failed:
                        self._write_failed = True
                        if database_away(error):
                            log.warning("could not mark events handled: %s", type(error).__name__)
                        else:
                            log.exception("could not mark events handled")
                    return
                self._write_failed = False

    def _remember(self, key: tuple[str, str]) -> None:
        self._done[key] = None
        if len(self._done) > REMEMBERED:
            self._done.popitem(last=False)


async def forget_older_than(session: AsyncSession, cutoff: datetime) -> int:
    """Drop ids older than the platforms' retry horizon (hours, not days)."""
    result = await session.execute(delete(ProcessedEvent).where(ProcessedEvent.at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


RETRY_HORIZON = timedelta(days=2)
