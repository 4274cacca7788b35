"""A large import with the directory's indexes (and on PostgreSQL its foreign keys) set aside.

Row by row, PostgreSQL checks every foreign key of a new row (a lookup and a row lock on
the person, theme or wijk it names) and adds the row to every index: at 100,000 people
and half a million link rows that was about two thirds of its work. Dropped before the
rows go in and created again after them, the indexes are built once, sorted, and each
foreign key is checked by one query over the whole table. It all happens inside the
import's transaction, under the same names and definitions read from the catalog: a
failure anywhere (a key that points nowhere included) rolls the whole import back, and
no one ever sees the tables without them. SQLite sets only its indexes aside (people's
eleven cost it more than half of writing them).

The price on PostgreSQL is a lock: from the moment the import sets them aside until it
commits, no one else can read or write the directory's tables (the bot answers from its
in-memory index meanwhile). The import waits at most `LOCK_WAIT` for that lock and
otherwise writes row by row, as it does for small imports. On SQLite the import is the
one writer anyway, and readers keep reading the last committed state."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

log = logging.getLogger("krokodil.directory.import")

# The tables a directory import fills, and the tables their foreign keys point to (dropping
# a foreign key locks both ends).
FILLED = ("people", "person_themes", "person_wijken", "accounts")
REFERRED = ("organisations", "themes", "wijken")
# Rows to write (people and link rows) from which setting aside pays, and the part of the
# rows already there they must at least be: rebuilding costs in proportion to the whole
# table, checking row by row in proportion to the rows written.
MIN_ROWS = 10_000
MIN_SHARE = 0.5
LOCK_WAIT = "5s"
# PostgreSQL's "lock not available" (lock_timeout).
LOCK_NOT_AVAILABLE = "55P03"

_OF_TABLES = (
    "JOIN pg_class t ON t.oid = {column} "
    "WHERE t.relname = ANY(:tables) AND t.relnamespace = current_schema()::regnamespace"
)
# Indexes that no constraint owns (primary keys and unique constraints stay: they check).
_INDEXES = text(
    "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
    + _OF_TABLES.format(column="i.indrelid")
    + " AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1"
)
_FOREIGN_KEYS = text(
    "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
    "FROM pg_constraint c "
    + _OF_TABLES.format(column="c.conrelid")
    + " AND c.contype = 'f' ORDER BY 1, 2"
)


def worth_it(dialect: str, rows_to_write: int, rows_there: int) -> bool:
    """True when this import should set the indexes and foreign keys aside."""
    return (
        dialect in ("postgresql", "sqlite")
        and rows_to_write >= MIN_ROWS
        and rows_to_write >= MIN_SHARE * rows_there
    )


@asynccontextmanager
async def set_aside(session: AsyncSession, wanted: bool) -> AsyncIterator[bool]:
    """When wanted, drop the secondary indexes and foreign keys of the filled tables for the
    block and create them again after it; yields whether it did (not when the tables could
    not be locked within `LOCK_WAIT`). An exception in the block leaves them dropped: the
    caller's transaction must then roll back, as every failed import does."""
    dropped = None
    if wanted:
        sqlite = session.get_bind().dialect.name == "sqlite"
        dropped = await (_drop_sqlite(session) if sqlite else _drop(session))
    if dropped is None:
        yield False
        return
    indexes, foreign_keys = dropped
    yield True
    for definition in indexes:
        await session.execute(text(definition))
    for table, name, definition in foreign_keys:
        await session.execute(text(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'))


async def _drop(
    session: AsyncSession,
) -> tuple[list[str], list[tuple[str, str, str]]] | None:
    """Lock, read the definitions, drop; None when the lock was not had in time."""
    wait = await session.scalar(text("SELECT current_setting('lock_timeout')"))
    try:
        async with session.begin_nested():
            await session.execute(text(f"SET LOCAL lock_timeout = '{LOCK_WAIT}'"))
            await session.execute(
                text(f"LOCK TABLE {', '.join(FILLED + REFERRED)} IN ACCESS EXCLUSIVE MODE")
            )
    except DBAPIError as error:
        if getattr(error.orig, "sqlstate", None) != LOCK_NOT_AVAILABLE:
            raise
        log.warning("directory import: tables busy, writing row by row")
        return None
    # The savepoint is released, its locks stay with the transaction; the wait goes back.
    await session.execute(text("SELECT set_config('lock_timeout', :wait, true)"), {"wait": wait})
    tables = {"tables": list(FILLED)}
    indexes = [(name, d) for name, d in await session.execute(_INDEXES, tables)]
    foreign_keys = [(t, name, d) for t, name, d in await session.execute(_FOREIGN_KEYS, tables)]
    for table, name, _ in foreign_keys:
        await session.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    for name, _ in indexes:
        await session.execute(text(f"DROP INDEX {name}"))
    return [d for _, d in indexes], foreign_keys


async def _drop_sqlite(session: AsyncSession) -> tuple[list[str], list[tuple[str, str, str]]]:
    """SQLite: the indexes only (its foreign key checks are cheap lookups, and a foreign key
    cannot be dropped without rebuilding the table). Nothing needs locking: the import is
    the one writer, and readers keep reading the last committed state, indexes included."""
    # The driver begins the transaction before the first write, not before DDL: begin it.
    await session.execute(text("UPDATE people SET id = id WHERE 1 = 0"))
    marks = ", ".join(f"'{table}'" for table in FILLED)
    indexes = (
        await session.execute(
            text(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks}) ORDER BY name"
            )
        )
    ).all()
    for name, _ in indexes:
        await session.execute(text(f'DROP INDEX "{name}"'))
    return [definition for _, definition in indexes], []
