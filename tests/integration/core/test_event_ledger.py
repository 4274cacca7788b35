"""Closing the event ledger (core.events) lets a write of finished marks end, never cuts it."""

from __future__ import annotations

import asyncio

from sqlalchemy import select, text

from bot.bootstrap import App
from core.db import make_engine
from core.events import ProcessedEvent
from tests.conftest import BACKEND


async def test_close_during_a_slow_write_of_finished_marks_keeps_the_mark(
    app: App, database_url: str
) -> None:
    ledger = app.dispatcher.events
    now = app.deps.clock.now()
    assert await ledger.claim_alone("telegram", "update-1", now) == (True, False)

    # Another connection holds what the mark needs, so the writer's UPDATE has to wait.
    other = make_engine(database_url)
    conn = await other.connect()
    try:
        if BACKEND == "postgresql":
            await conn.begin()
            await conn.execute(
                text("SELECT 1 FROM processed_events WHERE event_id = 'update-1' FOR UPDATE")
            )
        else:
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        ledger.finish("telegram", "update-1")
        for _ in range(500):  # until the writer's pass is under way (at most 5 s)
            if ledger._pass is not None:
                break
            await asyncio.sleep(0.01)
        assert ledger._pass is not None
        closing = asyncio.ensure_future(ledger.close())
        await asyncio.sleep(0.2)
        assert not closing.done()  # waits for the write instead of cancelling it
        await conn.rollback()
        await asyncio.wait_for(closing, 30)
    finally:
        await conn.close()
        await other.dispose()

    async with app.deps.uow() as uow:
        finished = await uow.session.scalar(
            select(ProcessedEvent.finished).where(ProcessedEvent.event_id == "update-1")
        )
    assert finished is True


async def test_a_flush_asked_during_the_writers_pass_returns_once_the_mark_is_written(
    app: App, database_url: str
) -> None:
    # What a test's or shutdown's flush promises: the marks finished before it are written
    # when it returns, also when the background writer took them a moment earlier.
    ledger = app.dispatcher.events
    now = app.deps.clock.now()
    assert await ledger.claim_alone("telegram", "update-2", now) == (True, False)
    other = make_engine(database_url)
    conn = await other.connect()
    try:
        if BACKEND == "postgresql":
            await conn.begin()
            await conn.execute(
                text("SELECT 1 FROM processed_events WHERE event_id = 'update-2' FOR UPDATE")
            )
        else:
            await conn.exec_driver_sql("BEGIN IMMEDIATE")
        ledger.finish("telegram", "update-2")
        for _ in range(500):  # until the writer's pass has taken the mark (at most 5 s)
            if ledger._pass is not None:
                break
            await asyncio.sleep(0.01)
        assert ledger._pass is not None
        flushing = asyncio.ensure_future(ledger.flush())
        await asyncio.sleep(0.2)
        assert not flushing.done()  # the mark is still being written
        await conn.rollback()
        await asyncio.wait_for(flushing, 30)
    finally:
        await conn.close()
        await other.dispose()
    async with app.deps.uow() as uow:
        finished = await uow.session.scalar(
            select(ProcessedEvent.finished).where(ProcessedEvent.event_id == "update-2")
        )
    assert finished is True
