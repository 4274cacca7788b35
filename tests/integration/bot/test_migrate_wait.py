"""The init container's wait for the migration Job, on a real database of each backend."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bot.migrate import alembic_config, empty_database, upgrade_async
from bot.migrate_wait import check, compare, main, wait
from core.db import make_engine
from tests.conftest import BACKEND, PG_URL


@pytest.fixture
async def empty_url(tmp_path: Path) -> str:
    """A database without any table: a new SQLite file, or its own PostgreSQL database."""
    if BACKEND == "postgresql":
        url = f"{PG_URL}_wait"
        await empty_database(url)
        return url
    return f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"


def _script() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config("sqlite://"))


async def _set_version(url: str, revision: str) -> None:
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        await engine.dispose()


async def test_an_empty_database_waits_for_every_head(empty_url: str) -> None:
    state = await check(empty_url)
    assert not state.ready
    assert state.reason == f"waiting for migrations {', '.join(sorted(_script().get_heads()))}"


async def test_a_migrated_database_is_ready(database_url: str) -> None:
    state = await check(database_url)
    assert state.ready
    assert state.reason == "database is up to date"


async def test_a_database_behind_this_release_waits(empty_url: str) -> None:
    await upgrade_async(empty_url, "0001")
    state = await check(empty_url)
    assert not state.ready
    assert "waiting for migrations" in state.reason


async def test_a_database_of_a_newer_release_lets_an_older_image_start(empty_url: str) -> None:
    await upgrade_async(empty_url)
    await _set_version(empty_url, "9999_from_the_future")
    state = await check(empty_url)
    assert state.ready
    assert state.reason == "database is at a newer release (9999_from_the_future)"


def test_compare_counts_a_merged_history_as_applied() -> None:
    script = _script()
    [head] = script.get_heads()
    assert compare(script, {head}).ready
    assert not compare(script, set()).ready


async def test_an_unreachable_database_is_waited_for_until_the_timeout() -> None:
    said: list[str] = []
    url = "postgresql+asyncpg://postgres@127.0.0.1:1/nobody"
    ready = await wait(url, within=0.3, interval=0.1, say=said.append)
    assert not ready
    assert len(said) == 1, "each state is said once"
    assert said[0].startswith("database unavailable (")


async def test_waiting_ends_as_soon_as_the_migration_ran(empty_url: str) -> None:
    said: list[str] = []
    waiting = asyncio.create_task(wait(empty_url, within=60, interval=0.1, say=said.append))
    await asyncio.sleep(0.3)
    assert not waiting.done()
    await upgrade_async(empty_url)
    assert await asyncio.wait_for(waiting, 30)
    assert said[0].startswith("waiting for migrations")
    assert said[-1] == "database is up to date"


def test_the_command_exits_0_when_ready_and_1_after_its_timeout(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--db", database_url, "--timeout", "5"]) == 0
    assert "database is up to date" in capsys.readouterr().err
    empty = f"sqlite+aiosqlite:///{tmp_path / 'never.db'}"
    assert main(["--db", empty, "--timeout", "0.2", "--interval", "0.1"]) == 1
    err = capsys.readouterr().err
    assert "gave up after 0.2 s: run `krokodil db upgrade`" in err


def test_a_missing_config_file_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nope.toml")]) == 2
    assert "does not exist" in capsys.readouterr().err
