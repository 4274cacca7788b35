"""A portable 'insert unless it exists' for claims that two processes may race for."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.db import Base


async def insert_ignoring_conflict(
    session: AsyncSession, model: type[Base], values: dict[str, Any] | list[dict[str, Any]]
) -> int:
    """INSERT … ON CONFLICT DO NOTHING for one row or many; how many rows this call created.

    On PostgreSQL a concurrent insert of the same key waits for the other transaction and
    then does nothing, so exactly one caller creates each row.
    """
    if isinstance(values, list) and not values:
        return 0
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        pg_statement = pg_insert(model).values(values).on_conflict_do_nothing()
        result = await session.execute(pg_statement)
    else:
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        sqlite_statement = sqlite_insert(model).values(values).on_conflict_do_nothing()
        result = await session.execute(sqlite_statement)
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# Ids are 32-bit integers in the database; anything outside can name no row (and would make
# SQLite or PostgreSQL raise instead of finding nothing).
MAX_ID = 2**31 - 1


def is_row_id(value: int) -> bool:
    """True when a number can be the id of a row."""
    return 0 < value <= MAX_ID
