"""Pooled PostgreSQL connections are pinged before use only after resting (core.db)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from core import db
from core.db import database_away, make_engine
from tests.conftest import BACKEND

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="asyncpg's pool and ping")


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def _end(database_url: str, pid: int) -> None:
    """What a database restart does to one connection: the server ends it."""
    other = make_engine(database_url)
    try:
        async with other.connect() as conn:
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await other.dispose()


async def test_a_rested_connection_that_the_server_ended_is_replaced_unnoticed(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER", 0.0)  # every connection counts as rested
    engine = make_engine(database_url, pool_size=1)
    try:
        pid = await _backend_pid(engine)
        await _end(database_url, pid)
        assert await _backend_pid(engine) != pid
    finally:
        await engine.dispose()


async def test_a_connection_given_back_a_moment_ago_is_used_without_a_ping(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(db, "PING_AFTER", 3600.0)
    engine = make_engine(database_url, pool_size=1)
    try:
        pid = await _backend_pid(engine)
        await _end(database_url, pid)
        # Not pinged: the statement finds the connection gone, an outage error like any other.
        with pytest.raises(Exception) as failed:
            await _backend_pid(engine)
        assert database_away(failed.value)
        # The pool replaced it: the next statement works.
        assert await _backend_pid(engine) != pid
    finally:
        await engine.dispose()
