"""Fixtures: a real database (SQLite or PostgreSQL, chosen by KROKODIL_TEST_DB), a frozen clock,
a built bot and a console chat that records a transcript."""

from __future__ import annotations

import asyncio
import os
import random
import shutil
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from bot.bootstrap import App, build
from bot.migrate import empty_database, upgrade
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from core.db import make_engine
from tests.support import Chat

BACKEND = os.environ.get("KROKODIL_TEST_DB", "sqlite")
PG_URL = os.environ.get(
    "KROKODIL_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_test"
)
# Tuesday 24 November 2026, 10:00 in Amsterdam: a normal working morning.
TUESDAY_MORNING = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def pytest_report_header() -> str:
    return f"database backend: {BACKEND}"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per session: an SQLite template file, or the PostgreSQL test database."""
    if BACKEND == "postgresql":
        asyncio.run(empty_database(PG_URL))
        upgrade(PG_URL)
        yield PG_URL
        return
    template = tmp_path_factory.mktemp("db") / "template.db"
    upgrade(f"sqlite+aiosqlite:///{template}")
    yield str(template)


async def _truncate_postgres(url: str) -> None:
    engine = make_engine(url)
    async with engine.begin() as conn:
        # A bot from an earlier test that was never closed (a ticker, a pooled connection) must
        # not hold locks that deadlock the TRUNCATE: end every other session on this database.
        await conn.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
        names = await conn.run_sync(lambda c: inspect(c).get_table_names())
        tables = ", ".join(f'"{n}"' for n in names if n != "alembic_version")
        if tables:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture
async def database_url(migrated_database: str, tmp_path: Path) -> str:
    """A clean, migrated database for one test."""
    if BACKEND == "postgresql":
        await _truncate_postgres(migrated_database)
        return migrated_database
    target = tmp_path / "krokodil.db"
    shutil.copyfile(migrated_database, target)
    return f"sqlite+aiosqlite:///{target}"


@pytest.fixture
def clock() -> FrozenClock:
    """Tuesday morning in Amsterdam, until the test moves it."""
    return FrozenClock(TUESDAY_MORNING)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """Defaults with the test database; no demo data unless a test loads it."""
    base = Settings()
    return replace(
        base,
        database=DatabaseConfig(url=database_url, pool_size=5),
        bot=replace(base.bot, demo_data=False, admins=("admin@example.org",)),
    )


@pytest.fixture
async def app(settings: Settings, clock: FrozenClock) -> AsyncIterator[App]:
    """A built bot on the clean database, with the theme catalog in place."""
    from directory.demo import seed_if_empty

    bot = build(settings, clock=clock, rng=random.Random(20261124))
    await seed_if_empty(bot.deps.uow, clock.now(), load_demo=False)
    yield bot
    await bot.close()


@pytest.fixture
async def demo_app(app: App, clock: FrozenClock) -> App:
    """The bot with the fictional demo directory loaded."""
    from directory.demo import seed_if_empty

    await seed_if_empty(app.deps.uow, clock.now(), load_demo=True)
    return app


@pytest.fixture
def chat(app: App) -> Chat:
    """A console conversation as the first demo person (switch with chat.as_(handle))."""
    return Chat(app, "f.elamrani")
