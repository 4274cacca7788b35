"""A LISTEN of its own: notices from other connections arrive, a lost connection is noticed
and started again no sooner than RETRY_AFTER, stop closes it (core.listen)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core.clock import FrozenClock
from core.db import make_engine
from core.listen import RETRY_AFTER, Listener
from tests.conftest import BACKEND

CHANNEL = "krokodil_test_listen"
log = logging.getLogger("krokodil.test.listen")

postgresql_only = pytest.mark.skipif(
    BACKEND != "postgresql", reason="LISTEN/NOTIFY is PostgreSQL's"
)


class Heard:
    """What the listener handed over: payloads, and how often the connection was lost."""

    def __init__(self) -> None:
        self.payloads: list[str] = []
        self.lost = 0

    def notice(self, payload: str) -> None:
        self.payloads.append(payload)

    def lose(self) -> None:
        self.lost += 1


def _listener(engine: AsyncEngine, heard: Heard, clock: FrozenClock) -> Listener:
    return Listener(
        engine,
        CHANNEL,
        heard.notice,
        heard.lose,
        log=log,
        name="test listener",
        seconds=lambda: clock.now().timestamp(),
    )


@pytest.fixture
async def engines(database_url: str) -> AsyncIterator[tuple[AsyncEngine, AsyncEngine]]:
    """The listener's engine and another one, as another process would have."""
    mine, other = make_engine(database_url), make_engine(database_url)
    yield mine, other
    await mine.dispose()
    await other.dispose()


async def _until(condition: Callable[[], bool]) -> None:
    """Wait for the server (milliseconds; at most two seconds)."""
    for _ in range(100):
        if condition():
            return
        await asyncio.sleep(0.02)


async def _run(engine: AsyncEngine, statement: str, **values: object) -> object:
    async with engine.connect() as conn:
        result = (await conn.execute(text(statement), values)).scalar()
        await conn.commit()
        return result


async def _notify(engine: AsyncEngine, payload: str) -> None:
    await _run(engine, "SELECT pg_notify(:channel, :payload)", channel=CHANNEL, payload=payload)


async def _alive(engine: AsyncEngine, pid: int) -> bool:
    found = await _run(engine, "SELECT count(*) FROM pg_stat_activity WHERE pid = :pid", pid=pid)
    return found == 1


@postgresql_only
async def test_a_notice_sent_by_another_connection_arrives(
    engines: tuple[AsyncEngine, AsyncEngine],
    clock: FrozenClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    mine, other = engines
    heard = Heard()
    listener = _listener(mine, heard, clock)
    assert not listener.listening
    assert await listener.start()
    assert listener.listening
    assert await listener.start()  # already listening: the same connection
    await _notify(other, "een plek")
    await _until(lambda: bool(heard.payloads))
    assert heard.payloads == ["een plek"]
    assert heard.lost == 0
    await listener.stop()
    assert "een plek" not in caplog.text


@postgresql_only
async def test_a_terminated_connection_is_lost_and_started_again_after_retry_after(
    engines: tuple[AsyncEngine, AsyncEngine], clock: FrozenClock
) -> None:
    mine, other = engines
    heard = Heard()
    listener = _listener(mine, heard, clock)
    assert await listener.start()
    pid = listener.server_pid
    assert pid is not None
    await _run(other, "SELECT pg_terminate_backend(:pid)", pid=pid)
    await _until(lambda: not listener.listening)
    assert not listener.listening
    assert heard.lost == 1
    # Paced: no new attempt until RETRY_AFTER has passed since the last one.
    assert not await listener.start()
    clock.advance(timedelta(seconds=RETRY_AFTER - 1))
    assert not await listener.start()
    assert not listener.listening
    clock.advance(timedelta(seconds=1))
    assert await listener.start()
    assert listener.listening and listener.server_pid not in (None, pid)
    await _notify(other, "weer terug")
    await _until(lambda: bool(heard.payloads))
    assert heard.payloads == ["weer terug"]
    await listener.stop()
    assert heard.lost == 1  # a stop is no loss


@postgresql_only
async def test_a_start_that_fails_is_logged_and_tried_again_after_retry_after(
    clock: FrozenClock, caplog: pytest.LogCaptureFixture
) -> None:
    away = make_engine("postgresql+asyncpg://postgres@127.0.0.1:1/krokodil_away")
    try:
        listener = _listener(away, Heard(), clock)
        with caplog.at_level(logging.WARNING, logger=log.name):
            assert not await listener.start()
            assert not await listener.start()  # paced: no second attempt
            clock.advance(timedelta(seconds=RETRY_AFTER))
            assert not await listener.start()
        attempts = [r.getMessage() for r in caplog.records if r.name == log.name]
        assert len(attempts) == 2
        assert all(m.startswith("test listener not started: ") for m in attempts)
    finally:
        await away.dispose()


@postgresql_only
async def test_stop_closes_the_connection(
    engines: tuple[AsyncEngine, AsyncEngine], clock: FrozenClock
) -> None:
    mine, other = engines
    heard = Heard()
    listener = _listener(mine, heard, clock)
    assert await listener.start()
    pid = listener.server_pid
    assert pid is not None
    await listener.stop()
    assert not listener.listening and listener.server_pid is None
    assert await _gone(other, pid)
    await _notify(other, "niemand luistert")
    await asyncio.sleep(0.1)
    assert heard.payloads == [] and heard.lost == 0


async def _gone(engine: AsyncEngine, pid: int) -> bool:
    """The server ends a closed connection's process a moment after the client left."""
    for _ in range(100):
        if not await _alive(engine, pid):
            return True
        await asyncio.sleep(0.02)
    return False


async def test_elsewhere_than_postgresql_nothing_listens(
    tmp_path: Path, clock: FrozenClock
) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'x.db'}")
    try:
        listener = _listener(engine, Heard(), clock)
        assert not await listener.start()
        assert not listener.listening and listener.server_pid is None
        await listener.stop()
    finally:
        await engine.dispose()
