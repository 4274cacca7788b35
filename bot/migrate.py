"""Run Alembic migrations from code (`krokodil db upgrade`, bootstrap of tests and benchmarks)."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text

from core.db import make_engine

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str) -> Config:
    """An Alembic config for this project's migrations and the given database."""
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database to the newest schema (every branch head)."""
    command.upgrade(alembic_config(url), revision)


async def upgrade_async(url: str, revision: str = "heads") -> None:
    """The same, from inside a running event loop."""
    await asyncio.to_thread(upgrade, url, revision)


async def ensure_database(url: str) -> None:
    """Create the PostgreSQL database a URL names when it is missing (SQLite makes its own)."""
    if not url.startswith("postgresql"):
        return
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    base, _, name = dsn.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def empty_database(url: str) -> None:
    """Throw away every table (tests and benchmarks only): a new SQLite file, an empty schema."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            await asyncio.to_thread(Path(path).unlink, missing_ok=True)
        return
    await ensure_database(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
