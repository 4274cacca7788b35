"""Which chats have a step-by-step form open, known without asking the database.

On platforms without modals (the console, Telegram) the next message in a chat with an
open form answers that form, so every message would need one round trip to ask. Forms
are few and short-lived, so each process keeps the open ones in memory, as a set of
places (platform, account, chat):

- **Here, at once.** A form opened by this process is added before its transaction
  commits; one closed is removed after its commit, unless the place was opened again
  meanwhile. So this process's set never misses an open form.
- **On the other replicas, within milliseconds.** On PostgreSQL every open and close
  sends ``NOTIFY krokodil_forms`` with the place in the same transaction; every process
  LISTENs on a connection of its own and applies the notices in commit order. The whole
  set is read again after (re)connecting and every CHECK_ANYWAY seconds, in case a notice
  was lost; notices that arrive during that read are applied again on top of it.
- **When it cannot tell.** Without a listening connection (core.listen.Listener: lost;
  retried every RETRY_AFTER seconds) every message asks the database, as before. On SQLite
  (one process, one file) the quick read answers (core.db.QuickReads), as before.

A form closed elsewhere in bulk (expired, a person who left) may stay in the set until
the next full read: that costs the database question, never a wrong answer.
"""

from __future__ import annotations

import json
import logging
import time

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from core.conversation import Conversation
from core.db import QuickReads, database_away
from core.listen import Listener

log = logging.getLogger("krokodil.forms")

CHANNEL = "krokodil_forms"
# Even with the listener up, read the whole set this often (a notice lost in transit).
CHECK_ANYWAY = 10.0

Place = tuple[str, str, str]
_NOTIFY = text("SELECT pg_notify(:channel, :payload)")


class OpenForms:
    """The places with an open step-by-step form, kept true across replicas."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._postgresql = engine.dialect.name == "postgresql"
        # Place -> the change number that last opened it here (see `closed`).
        self._open: dict[Place, int] = {}
        self._changes = 0
        self._loaded = False
        self._read_at = 0.0
        # The change number when the last whole read began.
        self._read_mark = 0
        # Notices seen while the whole set is being read, applied again on top of it.
        self._during_read: list[tuple[bool, Place]] | None = None
        self._listener = Listener(
            engine, CHANNEL, self._notice, self._lost, log=log, name="form listener"
        )

    @property
    def listening(self) -> bool:
        """True while notices arrive."""
        return self._listener.listening

    @property
    def trusted(self) -> bool:
        """True when the set in memory can answer (PostgreSQL, listening, read once)."""
        return self._loaded and self.listening

    def may_be_open(self, quick: QuickReads, place: Place) -> bool:
        """False when certainly no form is open at place (True: ask the database)."""
        if quick.usable:
            found = quick.one(
                "SELECT 1 FROM conversations WHERE platform = ? AND account = ? AND chat = ?",
                place,
            )
            return found is not None
        if not self.trusted:
            return True
        return place in self._open

    async def fresh(self) -> None:
        """Listen and read the set when needed (at most every CHECK_ANYWAY s); never raises
        for a database that is away (the request's own work will say so)."""
        if not self._postgresql or self._during_read is not None:
            return
        try:
            await self._listen()
            if self.listening and (
                not self._loaded or time.monotonic() - self._read_at > CHECK_ANYWAY
            ):
                await self._read_all()
        except Exception as error:
            if not database_away(error):
                raise

    async def opened(self, session: AsyncSession, place: Place) -> None:
        """A form opens at place in session's transaction: known here now, elsewhere at commit."""
        self._apply(True, place)
        await self._tell(session, True, place)

    async def closing(self, session: AsyncSession, place: Place) -> int:
        """A form closes at place in session's transaction; pass the result to `closed`."""
        await self._tell(session, False, place)
        return self._changes

    def closed(self, place: Place, since: int) -> None:
        """The close committed: forget the place, unless it was opened again since."""
        if self._open.get(place, since + 1) <= since:
            del self._open[place]

    async def close(self) -> None:
        """Stop listening and close its connection."""
        self._loaded = False
        await self._listener.stop()

    async def _tell(self, session: AsyncSession, is_open: bool, place: Place) -> None:
        if self._postgresql:
            payload = json.dumps([int(is_open), *place])
            await session.execute(_NOTIFY, {"channel": CHANNEL, "payload": payload})

    def _apply(self, is_open: bool, place: Place) -> None:
        self._changes += 1
        if is_open:
            self._open[place] = self._changes
        else:
            self._open.pop(place, None)
        if self._during_read is not None:
            self._during_read.append((is_open, place))

    async def _listen(self) -> None:
        if not self.listening:
            self._loaded = False  # what was read before is not kept true any more
            await self._listener.start()

    async def _read_all(self) -> None:
        mark = self._changes
        self._during_read = []
        try:
            async with self.engine.connect() as conn:
                rows = (
                    await conn.execute(
                        select(Conversation.platform, Conversation.account, Conversation.chat)
                    )
                ).all()
            found = {(str(p), str(a), str(c)): 0 for p, a, c in rows}
            # Opened here since the read before, perhaps not committed when this one read:
            # kept until the next read (at worst one more database question).
            found.update((place, n) for place, n in self._open.items() if n > self._read_mark)
            late = self._during_read
            self._open, self._during_read = found, None
            for is_open, place in late:
                self._apply(is_open, place)
            self._loaded = True
            self._read_at = time.monotonic()
            self._read_mark = mark
        finally:
            self._during_read = None

    def _notice(self, payload: str) -> None:
        try:
            is_open, platform, account, chat = json.loads(payload)
        except (ValueError, TypeError):
            log.warning("form notice not understood")
            self._loaded = False
            return
        self._apply(bool(is_open), (str(platform), str(account), str(chat)))

    def _lost(self) -> None:
        log.warning("form listener lost its connection; asking the database every message")
        self._loaded = False
