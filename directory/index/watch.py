"""Knowing when to look at the directory's version: PostgreSQL says so, else every request.

On PostgreSQL one connection per process LISTENs on ``krokodil_directory``: every
directory write sends a NOTIFY in its own transaction (directory.versioning), which
PostgreSQL delivers to every listening replica when it commits; a write this process
commits is looked up at once, without waiting for its notice. While that connection
lives, a request reads the version only after a notice or such a write (or, to be safe,
once every CHECK_ANYWAY seconds); when it is lost, every request reads the version, as
on SQLite, until the listener is back (core.listen.Listener starts it again, at most
every RETRY_AFTER seconds).
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.ext.asyncio import AsyncEngine

from core.listen import Listener
from directory.versioning import CHANNEL, committed_here

log = logging.getLogger("krokodil.directory.index")

# Even with the listener up, read the version this often (a notice lost in transit).
CHECK_ANYWAY = 10.0


class ChangeListener:
    """LISTEN on a connection of its own; `needs_check` says whether to read the version."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._listener = Listener(
            engine, CHANNEL, self._notice, self._lost, log=log, name="directory change listener"
        )
        self._noticed = True
        self._checked_at = 0.0
        self._seen_here = committed_here()

    @property
    def listening(self) -> bool:
        """True while notices arrive."""
        return self._listener.listening

    def needs_check(self) -> bool:
        """True when the version may have moved since the last check."""
        if not self.listening or committed_here() != self._seen_here:
            return True
        return self._noticed or time.monotonic() - self._checked_at > CHECK_ANYWAY

    def checking(self) -> None:
        """A check starts now: notices from here on ask for the next one."""
        self._noticed = False
        self._checked_at = time.monotonic()
        self._seen_here = committed_here()

    def checking_failed(self) -> None:
        """The check did not get through: the next request tries again."""
        self._noticed = True

    async def start(self) -> None:
        """Begin listening (PostgreSQL only; elsewhere, and on failure, stay off)."""
        if not self.listening and await self._listener.start():
            self._noticed = True  # whatever happened while nobody listened

    async def stop(self) -> None:
        """Stop listening and close its connection."""
        await self._listener.stop()

    def _notice(self, _payload: str) -> None:
        self._noticed = True

    def _lost(self) -> None:
        log.warning("directory change listener lost its connection; checking every request")
        self._noticed = True
