"""Wait until the database has this release's migrations (`python -m bot.migrate_wait`).

The init container of every Kubernetes replica runs this, so a new release starts only once
the migration Job has run `krokodil db upgrade`; it never migrates itself, so replicas cannot
race. A database that is already at a newer release (a rollback of the image after
additive migrations) counts as ready.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from bot.migrate import alembic_config
from bot.settings import SettingsError, load_settings
from core.db import make_engine


@dataclass(frozen=True)
class SchemaState:
    """How the database's migrations compare with this release's."""

    ready: bool
    reason: str


def compare(script: ScriptDirectory, applied_heads: set[str]) -> SchemaState:
    """Ready when every head of this release is applied, or the database is newer than it."""
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = applied_heads - known
    if unknown:
        return SchemaState(True, f"database is at a newer release ({', '.join(sorted(unknown))})")
    applied = {
        revision.revision
        for revision in script.iterate_revisions(tuple(applied_heads), "base")
        if revision is not None
    }
    missing = sorted(set(script.get_heads()) - applied)
    if missing:
        return SchemaState(False, f"waiting for migrations {', '.join(missing)}")
    return SchemaState(True, "database is up to date")


async def applied_heads(url: str) -> set[str]:
    """The revisions the database's alembic_version table holds (empty before any migration)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return await conn.run_sync(_current_heads)
    finally:
        await engine.dispose()


def _current_heads(conn: Connection) -> set[str]:
    return set(MigrationContext.configure(conn).get_current_heads())


async def check(url: str) -> SchemaState:
    """One look at the database; an unreachable database is not ready."""
    script = ScriptDirectory.from_config(alembic_config(url))
    try:
        heads = await applied_heads(url)
    except Exception as error:
        return SchemaState(False, f"database unavailable ({type(error).__name__})")
    return compare(script, heads)


async def wait(
    url: str,
    within: float,
    interval: float,
    say: Callable[[str], None],
    monotonic: Callable[[], float] = time.monotonic,
) -> bool:
    """Look until ready or `within` seconds passed; say each new state once."""
    deadline = monotonic() + within
    last = ""
    while True:
        state = await check(url)
        if state.reason != last:
            say(state.reason)
            last = state.reason
        if state.ready:
            return True
        if monotonic() + interval > deadline:
            return False
        await asyncio.sleep(interval)


def main(argv: Sequence[str] | None = None) -> int:
    """0 when the schema is ready, 1 after the timeout, 2 for a configuration error."""
    parser = argparse.ArgumentParser(
        prog="python -m bot.migrate_wait",
        description="wait until `krokodil db upgrade` has brought the database to this release",
    )
    parser.add_argument("--config", default="config.toml", help="TOML settings file")
    parser.add_argument("--db", default=None, help="database URL (also KROKODIL_DATABASE_URL)")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds (default 600)")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between looks")
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config, database_url=args.db)
    except SettingsError as error:
        print(f"migrate_wait: {error}", file=sys.stderr)
        return 2

    def say(text: str) -> None:
        print(f"migrate_wait: {text}", file=sys.stderr, flush=True)

    ready = asyncio.run(wait(settings.database.url, args.timeout, args.interval, say))
    if not ready:
        say(f"gave up after {args.timeout:g} s: run `krokodil db upgrade` (the migration Job)")
    return 0 if ready else 1


if __name__ == "__main__":
    raise SystemExit(main())
