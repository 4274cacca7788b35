"""A PostgreSQL LISTEN on a connection of its own, started again after it is lost.

Used where a process keeps something in memory that other replicas change
(core.open_forms, directory.index.watch): each NOTIFY on the channel is handed to
``on_notice`` with its payload; when the server ends the connection, ``on_lost`` runs and
`listening` turns false. `start` tries again at most every RETRY_AFTER seconds, so a
database that is away costs one connection attempt per RETRY_AFTER, not one per request.
Elsewhere than on PostgreSQL nothing listens and `start` says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

# After losing the connection (or failing to start), try again at most this often.
RETRY_AFTER = 30.0


class Listener:
    """LISTEN on `channel` over one connection taken from the engine's pool."""

    def __init__(
        self,
        engine: AsyncEngine,
        channel: str,
        on_notice: Callable[[str], None],
        on_lost: Callable[[], None],
        *,
        log: logging.Logger,
        name: str,
        seconds: Callable[[], float] = time.monotonic,
    ) -> None:
        self.engine = engine
        self.channel = channel
        self._on_notice = on_notice
        self._on_lost = on_lost
        # Who logs, and as what ("form listener"); never a payload.
        self._log = log
        self._name = name
        # Time for pacing the retries (tests pass the project clock's).
        self._seconds = seconds
        self._connection: AsyncConnection | None = None
        self._driver: Any = None
        self._tried_at: float | None = None

    @property
    def listening(self) -> bool:
        """True while notices arrive."""
        return self._driver is not None and not self._driver.is_closed()

    @property
    def server_pid(self) -> int | None:
        """The server process of the listening connection (None when not listening)."""
        return int(self._driver.get_server_pid()) if self.listening else None

    async def start(self) -> bool:
        """Listen unless already listening, at most one attempt per RETRY_AFTER; True when
        listening afterwards (never on other databases than PostgreSQL)."""
        if self.listening:
            return True
        if self.engine.dialect.name != "postgresql":
            return False
        now = self._seconds()
        if self._tried_at is not None and now - self._tried_at < RETRY_AFTER:
            return False
        self._tried_at = now
        await self.stop()
        connection: AsyncConnection | None = None
        try:
            connection = await self.engine.connect()
            raw = await connection.get_raw_connection()
            driver = raw.driver_connection
            assert driver is not None
            await driver.add_listener(self.channel, self._notice)
            driver.add_termination_listener(self._lost)
        except Exception as error:
            self._log.warning("%s not started: %s", self._name, type(error).__name__)
            if connection is not None:
                await self._close(connection)
            return False
        self._connection, self._driver = connection, driver
        return True

    async def stop(self) -> None:
        """Stop listening and close the connection."""
        connection, driver = self._connection, self._driver
        self._connection, self._driver = None, None
        if driver is not None:
            driver.remove_termination_listener(self._lost)
        if connection is not None:
            await self._close(connection)

    async def _close(self, connection: AsyncConnection) -> None:
        # Closed for good, not given back to the pool: it may still LISTEN, or be dead
        # (the pool pings only a connection that rested, and would hand this one out again).
        try:
            await connection.invalidate()
            await connection.close()
        except Exception as error:
            self._log.info("%s closed uncleanly: %s", self._name, type(error).__name__)

    def _notice(self, _connection: Any, _pid: int, _channel: str, payload: str) -> None:
        self._on_notice(payload)

    def _lost(self, *_args: Any) -> None:
        self._driver = None
        self._on_lost()
