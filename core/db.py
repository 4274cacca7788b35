"""Storage plumbing: the declarative base, engine factory and the unit of work.

SQLite (aiosqlite, WAL, busy timeout, foreign keys on) is the embedded default;
PostgreSQL (asyncpg) is for production. Every write goes through a
:class:`UnitOfWork`, which rolls back unless ``commit()`` was called.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base class of every table; constraint names are stable for migrations."""

    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both SQLite (which stores naive) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} cannot be stored; use aware UTC")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def is_sqlite(url: str) -> bool:
    """True for an SQLite URL."""
    return url.startswith("sqlite")


def make_engine(url: str, *, echo: bool = False, pool_size: int = 10) -> AsyncEngine:
    """Create an async engine with the right settings for the dialect."""
    if is_sqlite(url):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    engine = create_async_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_recycle=1800,
    )
    ping_when_idle(engine)
    return engine


# A pooled connection that rested this long is pinged before use (seconds).
PING_AFTER = 1.0
_RETURNED_AT = "krokodil_returned_at"


def ping_when_idle(engine: AsyncEngine) -> None:
    """Ping a pooled connection before use only when it rested PING_AFTER or longer.

    SQLAlchemy's pool_pre_ping pings at every checkout, and asyncpg's ping is three round
    trips (BEGIN, an empty query, ROLLBACK): more than the one statement a chat message
    needs. A connection given back less than a second ago was working then. A restart of
    the database in that second breaks the next statement instead, which is an outage
    error like any other (the caller answers calmly) and makes the pool replace every
    connection it holds.
    """
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "checkin")
    def _returned(_dbapi_connection: Any, record: Any) -> None:
        record.info[_RETURNED_AT] = time.monotonic()

    @event.listens_for(sync_engine, "checkout")
    def _ping(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get(_RETURNED_AT)
        if returned is None or time.monotonic() - returned < PING_AFTER:
            return  # just connected, or given back working a moment ago
        try:
            sync_engine.dialect.do_ping(dbapi_connection)
        except Exception as error:
            # The pool drops this connection and checks out another (a new one if need be).
            raise DisconnectionError(f"ping failed: {type(error).__name__}") from error


def database_away(error: BaseException) -> bool:
    """True when the database cannot be reached now (restart, failover, network, overload).

    Such errors pass by themselves; callers log them as a warning and try again later,
    instead of logging a crash. Programming errors (bad SQL, constraints) are not this.
    """
    if isinstance(error, OSError | TimeoutError | OperationalError | InterfaceError):
        return True
    if isinstance(error, PoolTimeout):
        return True  # every pooled connection busy for pool_timeout seconds: overloaded
    return isinstance(error, DBAPIError) and bool(error.connection_invalidated)


# Row ids are 32-bit integers on PostgreSQL: a larger number (typed in, or a forged button
# value) names no row, and must not reach the database as a query argument it refuses.
MAX_ID = 2**31 - 1


def names_a_row(row_id: int) -> bool:
    """True when an id could belong to a row (1 … MAX_ID)."""
    return 0 < row_id <= MAX_ID


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


def make_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=True)


R = TypeVar("R")


class UnitOfWork:
    """One transaction: ``async with uow: ...; await uow.commit()``; rollback by default."""

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self._factory = session_factory
        self._session: AsyncSession | None = None
        self._repos: dict[type[Any], Any] = {}

    @property
    def session(self) -> AsyncSession:
        """The open session; only inside ``async with``."""
        if self._session is None:
            raise RuntimeError("UnitOfWork used outside 'async with'")
        return self._session

    def repo(self, kind: type[R]) -> R:
        """The repository of a given class, bound to this transaction."""
        if kind not in self._repos:
            self._repos[kind] = kind(self.session)  # type: ignore[call-arg]
        return self._repos[kind]

    async def __aenter__(self) -> UnitOfWork:
        self._session = self._factory()
        self._repos = {}
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._session is not None
        try:
            # close() rolls back whatever was not committed; unlike rollback() it leaves loaded
            # objects readable (detached, not expired), so handlers can use them afterwards.
            await self._session.close()
        finally:
            self._session = None

    async def commit(self) -> None:
        """Commit what was done so far."""
        await self.session.commit()

    async def rollback(self) -> None:
        """Throw away what was done so far."""
        await self.session.rollback()


class QuickReads:
    """Small reads answered at once on SQLite, on a connection of its own.

    SQLite is a file on this machine, and in WAL mode a read never waits for a writer: a
    plain blocking read of one indexed row takes tens of microseconds, where a round trip
    through the async driver's thread costs about a millisecond. Every request asks two
    such questions (has the directory changed, is a form open), so on SQLite they are
    asked here. `usable` is False for anything but an SQLite file: ask the session then.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        url = engine.url
        path = url.database if url.get_backend_name() == "sqlite" else None
        self._path = None if path in (None, "", ":memory:") else path
        self._connection: sqlite3.Connection | None = None

    @property
    def usable(self) -> bool:
        """True for an SQLite file."""
        return self._path is not None

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        """The first row of a read (each read sees everything committed before it)."""
        if self._connection is None:
            assert self._path is not None
            self._connection = sqlite3.connect(
                self._path, isolation_level=None, check_same_thread=False, timeout=1.0
            )
        try:
            row: tuple[Any, ...] | None = self._connection.execute(sql, params).fetchone()
        except sqlite3.Error as error:
            raise OperationalError(sql, params, error) from error
        return row

    def close(self) -> None:
        """Let the connection go."""
        if self._connection is not None:
            self._connection.close()
            self._connection = None


class UnitOfWorkFactory:
    """Makes a fresh unit of work per use; held by the bootstrap and injected into handlers."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self.session_factory = make_session_factory(engine)
        self.quick = QuickReads(engine)

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.session_factory)

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name
