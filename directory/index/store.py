"""The directory in memory, one per process: built at start, kept true by the version.

`fresh()` is the one way in. It builds the index when there is none yet, and otherwise
compares it with the directory's version (at most once per request; on PostgreSQL only
after a NOTIFY, see directory.index.watch) and reloads what changed: the people listed
in ``directory_changes`` (only the accounts of those whose accounts alone changed), the
themes, wijken and organisations, or, after a bulk import, everything. The database
stays the one truth. While the database cannot be reached the index answers as it last
was (a warning is logged once, and once more when it is back); while no index could be
built at all, `fresh()` returns None and callers use the SQL path.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextvars import ContextVar
from typing import Any

from core.db import UnitOfWorkFactory, database_away
from core.memory import collector_paused, freeze_survivors, unfreeze
from directory.identity import Actor
from directory.index.entries import account_key
from directory.index.kept import KeptAnswers, KeptRankings
from directory.index.loading import (
    load_accounts,
    load_everything,
    load_people,
    load_reference,
)
from directory.index.schedules import ScheduleTimes
from directory.index.source import IndexSource
from directory.index.state import State
from directory.index.views import Views
from directory.index.watch import ChangeListener
from directory.versioning import EVERYTHING, REFERENCE, changes_since, current_version

log = logging.getLogger("krokodil.directory.index")

# The index this request has already checked (id of the DirectoryIndex), if any.
_CHECKED: ContextVar[int | None] = ContextVar("krokodil_directory_checked", default=None)


class DirectoryIndex:
    """Who works on what, where and when, in memory; the identity of every chat account."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow
        self.state: State | None = None
        self.times = ScheduleTimes()
        self.views = Views()
        self.kept = KeptRankings()
        # Whole /wie answers (handlers.directory.kept.KeptAnswer), dropped with the version
        # or the minute.
        self.answers: KeptAnswers[Any] = KeptAnswers()
        self.listener = ChangeListener(uow.engine)
        self._lock = asyncio.Lock()
        self._away_since: float | None = None
        self.build_seconds: float | None = None
        self.reloads = 0
        # Set by start(): this process serves; keep the index out of the collector's way.
        self._serving = False

    @property
    def ready(self) -> bool:
        """True once an index was built."""
        return self.state is not None

    async def fresh(self) -> State | None:
        """The index, as new as the directory's version (checked at most once per request);
        None when none could be built yet (then use the database)."""
        if _CHECKED.get() == id(self) and self.state is not None:
            return self.state
        try:
            await self.listener.start()
            if self.state is None or self.listener.needs_check():
                self.listener.checking()
                await self._catch_up()
            if self._away_since is not None:
                log.warning("directory index: the database answers again")
                self._away_since = None
        except Exception as error:
            if not database_away(error):
                raise
            self.listener.checking_failed()
            if self._away_since is None:
                self._away_since = time.monotonic()
                log.warning(
                    "directory index: database unavailable (%s); answering from memory",
                    type(error).__name__,
                )
        _CHECKED.set(id(self))
        return self.state

    async def start(self) -> None:
        """Build the index now, at process start, so the first question does not wait."""
        await self.fresh()
        self.end_request()
        self._serving = True
        freeze_survivors()

    def end_request(self) -> None:
        """The request is answered: the next one checks the version again."""
        _CHECKED.set(None)

    def source(self, state: State) -> IndexSource:
        """Search over this state (directory.search.Source)."""
        return IndexSource(state, self.times, self.views, self.kept)

    def actor(self, state: State, platform: str, account: str) -> Actor | None:
        """The registered professional behind an account (None: not known, or not active)."""
        entry = state.person_for_account(account_key(platform, account))
        if entry is None:
            return None
        return Actor(
            person_id=entry.id,
            name=entry.name,
            organisation_id=entry.organisation_id,
            language=entry.language,
            is_admin=entry.is_admin,
            roles=entry.roles,
        )

    async def close(self) -> None:
        """Stop listening for changes."""
        await self.listener.stop()

    async def _version(self) -> int:
        """The directory's version now."""
        if self._uow.quick.usable:
            row = self._uow.quick.one("SELECT version FROM directory_version WHERE id = 1")
            return int(row[0]) if row else 0
        async with self._uow() as uow:
            return await current_version(uow.session)

    async def _catch_up(self) -> None:
        """Read the version; reload whatever changed since this index's (one reload at a time)."""
        if self.state is not None and await self._version() == self.state.version:
            return
        async with self._lock, self._uow() as uow:
            session = uow.session
            version = await current_version(session)
            state = self.state
            if state is not None and version == state.version:
                return
            started = time.perf_counter()
            changed, only_accounts = (
                await changes_since(session, state.version)
                if state is not None and version > state.version
                else ({EVERYTHING}, set())
            )
            if EVERYTHING in changed or state is None:
                with collector_paused():
                    fresh = await load_everything(session)
                self.build_seconds = time.perf_counter() - started
                if self._serving:
                    unfreeze()  # the state being replaced may be collected again
                self.state = fresh
                if self._serving:
                    freeze_survivors()
                log.info(
                    "directory index built",
                    extra={"people": len(fresh.entries), "seconds": round(self.build_seconds, 2)},
                )
                return
            reference = await load_reference(session, version) if REFERENCE in changed else None
            people = changed - {REFERENCE}
            loaded = await load_people(session, state, people)
            # A link or unlink: only the accounts of those people, not their whole entry.
            accounts = await load_accounts(session, only_accounts) if only_accounts else {}
        # Applied without awaiting: a lookup sees the state before or after, never halfway.
        if reference is not None:
            state.reference = reference
        for pid in loaded.gone:
            state.drop(pid)
        for entry in loaded.entries:
            state.put(entry)
        if people:
            state.set_accounts(people, loaded.accounts)
        if only_accounts:
            state.set_accounts(only_accounts, accounts)
        for pid, partners in loaded.known.items():
            if pid not in loaded.gone:
                state.set_acquaintances(pid, partners)
        state.version = version
        self.reloads += 1
