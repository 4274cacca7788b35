"""The inbox: invocations acknowledged to a platform before their answer was ready.

Slack forgets a request once it got its HTTP 200, so an answer that is not ready within
the acknowledgement window must not live only in memory: the request is written here
(one statement, committed on its own) before the acknowledgement, and the row is removed
once the answer reached the user. When the handler finished but the answer was not yet
sent, the reply is kept on the row, so it is sent rather than worked out again.

A row belongs to the process that wrote it (its instance id). Rows of a process that no
longer runs (``core.events.instance_alive``; on SQLite, of any other instance, from
before a restart) are adopted with a conditional UPDATE, so when two replicas look at
once exactly one answers each.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime
from core.events import instance_alive
from core.messages import Reply


class InboxItem(Base):
    """One acknowledged invocation whose answer has not reached the user yet."""

    __tablename__ = "inbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    # What arrived: "command", "action" or "event" (how the adapter redoes it).
    kind: Mapped[str] = mapped_column(String(20))
    # The asker, for the direct message when the answer can no longer go where it was asked.
    account: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The process answering it (random per process start).
    instance: Mapped[str] = mapped_column(String(32), index=True)
    # The platform's request as received (after the BSN guard), to redo it.
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The answer, once the handler finished (then it is only sent, never worked out again).
    reply: Mapped[dict[str, Any] | None] = mapped_column(JSON)


def new_row(
    *,
    platform: str,
    kind: str,
    account: str,
    payload: dict[str, Any],
    instance: str,
    now: datetime,
    reply: Reply | None = None,
) -> dict[str, Any]:
    """The columns of a new row (the payload and reply as plain JSON)."""
    return {
        "platform": platform,
        "kind": kind,
        "account": account[:64],
        "received_at": now,
        "instance": instance,
        "payload": json.loads(json.dumps(payload)),
        "reply": None if reply is None else json.loads(json.dumps(reply.to_json())),
    }


async def _insert(engine: AsyncEngine, rows: list[dict[str, Any]]) -> list[int]:
    """Write rows in one statement, committed on its own; their ids in the rows' order."""
    statement = insert(InboxItem).returning(InboxItem.id, sort_by_parameter_order=True)
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        result = await conn.execute(statement, rows)
        return [int(item) for item in result.scalars()]


async def store(
    engine: AsyncEngine,
    *,
    platform: str,
    kind: str,
    account: str,
    payload: dict[str, Any],
    instance: str,
    now: datetime,
    reply: Reply | None = None,
) -> int:
    """Write one row, committed on its own before the acknowledgement; its id (`reply`:
    an answer already worked out, which is then only sent)."""
    fields = new_row(
        platform=platform,
        kind=kind,
        account=account,
        payload=payload,
        instance=instance,
        now=now,
        reply=reply,
    )
    return (await _insert(engine, [fields]))[0]


class Writer:
    """Writes rows in groups (a group commit): a row asked for while a group is being
    written goes in the next group, one statement on one pooled connection.

    A burst of commands that all miss the acknowledgement window at the same moment
    otherwise wants one connection per row, most of them newly opened, all before Slack's
    three seconds are up; under load some rows were not written in time and Slack got no
    acknowledgement. A row is written once it is asked for, even when the asker stopped
    waiting (then recovery answers it after a restart, as any stored request)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.groups = 0  # statements written (tests and curiosity)
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[int]]] = []
        self._writing: asyncio.Task[None] | None = None

    async def store(self, fields: dict[str, Any]) -> int:
        """A row's columns (`new_row`) written in the next group; its id."""
        written: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._waiting.append((fields, written))
        if self._writing is None or self._writing.done():
            self._writing = asyncio.ensure_future(self._write())
        return await written

    async def _write(self) -> None:
        """Write what is waiting, group after group, until nothing waits."""
        while self._waiting:
            group, self._waiting = self._waiting, []
            self.groups += 1
            try:
                ids = await _insert(self.engine, [fields for fields, _ in group])
            except Exception as error:
                for _, written in group:
                    if not written.done():
                        written.set_exception(error)
                continue
            for (_, written), item in zip(group, ids, strict=True):
                if not written.done():
                    written.set_result(item)


async def keep_reply(engine: AsyncEngine, item_id: int, reply: Reply) -> None:
    """The handler finished: keep its answer until it is sent."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(
            update(InboxItem)
            .where(InboxItem.id == item_id)
            .values(reply=json.loads(json.dumps(reply.to_json())))
        )


@contextlib.asynccontextmanager
async def delivering(engine: AsyncEngine, item_id: int, reply: Reply | None) -> AsyncIterator[None]:
    """Keep the reply (if any), let the caller send it, then forget the row, all on one
    connection taken before the answer goes out: in a burst the removal after the answer then
    waits for no free pooled connection (a kill in that wait makes recovery send the answer
    again). A failure while sending leaves the row."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        if reply is not None:
            kept = json.loads(json.dumps(reply.to_json()))
            await conn.execute(update(InboxItem).where(InboxItem.id == item_id).values(reply=kept))
        yield
        await conn.execute(delete(InboxItem).where(InboxItem.id == item_id))


async def answered(engine: AsyncEngine, item_id: int) -> None:
    """The answer reached the user (or was handed to the outbox): forget the row."""
    async with engine.connect() as conn:
        conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(delete(InboxItem).where(InboxItem.id == item_id))


async def orphans(session: AsyncSession, platform: str, instance: str) -> list[InboxItem]:
    """Rows of processes that no longer run, oldest first (not yet adopted)."""
    rows = await session.scalars(
        select(InboxItem)
        .where(InboxItem.platform == platform, InboxItem.instance != instance)
        .order_by(InboxItem.id)
    )
    alive: dict[str, bool] = {}
    found = []
    for row in rows:
        if row.instance not in alive:
            alive[row.instance] = await instance_alive(session, row.instance)
        if not alive[row.instance]:
            found.append(row)
    return found


async def adopt(session: AsyncSession, item: InboxItem, instance: str) -> bool:
    """Take a dead process's row; False when another process took it first."""
    won = await session.execute(
        update(InboxItem)
        .where(InboxItem.id == item.id, InboxItem.instance == item.instance)
        .values(instance=instance)
        .execution_options(synchronize_session=False)
    )
    return getattr(won, "rowcount", 0) == 1
