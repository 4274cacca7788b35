"""Every directory write raises the directory's version in its own transaction.

In-memory copies of the directory (``directory.index``) stay true by comparing their
version with ``directory_version`` and reloading the people ``directory_changes`` lists.
The writers do not have to remember this: ``track_changes`` hooks every ORM session of
the process. A flush notes which people changed (a Person row, their themes or wijken,
an account, an acquaintance); a bulk statement on a directory table notes the people
named in its ``directory_people`` execution option, or else "everything". Just before
the transaction commits, one upsert raises the version and one lists the people, so the
version is held locked only for the commit itself. A person whose accounts alone changed
(a link or unlink) is listed as such (``entry_version`` stays as it was), so the copies
reload only their accounts, not their whole entry. On PostgreSQL the same transaction
sends ``NOTIFY krokodil_directory``, delivered to every replica when it commits.

Changes made outside the bot's sessions (SQL typed by hand) are not seen until
``mark_everything`` runs or the process restarts.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import chain
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction
from sqlalchemy.orm.attributes import get_history

from directory.models_version import DirectoryChange, DirectoryVersion

# directory_changes.person_id values that stand for more than one person.
REFERENCE = 0  # themes, wijken or organisations
EVERYTHING = -1  # too many to list: reload the whole directory
# More people than this changed in one transaction: "everything" instead of a long list.
MANY = 500
CHANNEL = "krokodil_directory"
# Pass people ids with a bulk statement: .execution_options(directory_people=(12,)).
PEOPLE_OPTION = "directory_people"

_PENDING = "directory_changes"
_PENDING_ACCOUNTS = "directory_account_changes"
_BUMPED = "directory_version_bumped"
# Directory writes committed by this process; an index compares it with what it saw, so a
# change made here is looked up at once, without waiting for the NOTIFY to come back.
_committed = [0]
_PERSON_TABLES = frozenset(
    ("people", "person_themes", "person_wijken", "accounts", "acquaintances")
)
# Learned synonyms are part of the themes as search understands them (directory.reference).
_REFERENCE_TABLES = frozenset(("themes", "wijken", "organisations", "learned_synonyms"))


def track_changes() -> None:
    """Hook every ORM session of this process (once; later calls do nothing)."""
    if event.contains(Session, "after_flush", _after_flush):
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "do_orm_execute", _on_execute)
    event.listen(Session, "before_commit", _before_commit)
    event.listen(Session, "after_transaction_end", _after_transaction_end)
    event.listen(Session, "after_commit", _after_commit)


def committed_here() -> int:
    """How many directory changes this process has committed so far."""
    return _committed[0]


def note(session: AsyncSession | Session, people: Iterable[int]) -> None:
    """Count these people as changed in the session's transaction (for writes the hooks miss)."""
    sync = session.sync_session if isinstance(session, AsyncSession) else session
    _pending(sync).update(people)


def mark_everything(session: AsyncSession | Session) -> None:
    """Make every in-memory copy reload the whole directory when this transaction commits."""
    note(session, (EVERYTHING,))


async def current_version(session: AsyncSession) -> int:
    """The directory's version now (0 when the row is missing)."""
    found = await session.scalar(select(DirectoryVersion.version).where(DirectoryVersion.id == 1))
    return int(found or 0)


async def changed_since(session: AsyncSession, version: int) -> set[int]:
    """People changed after `version` (with REFERENCE and EVERYTHING as listed)."""
    entries, accounts = await changes_since(session, version)
    return entries | accounts


async def changes_since(session: AsyncSession, version: int) -> tuple[set[int], set[int]]:
    """Changed after `version`: the people whose entry changed (with REFERENCE and
    EVERYTHING as listed), and the others, whose accounts alone changed."""
    rows = await session.execute(
        select(DirectoryChange.person_id, DirectoryChange.entry_version).where(
            DirectoryChange.version > version
        )
    )
    entries: set[int] = set()
    accounts: set[int] = set()
    for pid, entry_version in rows:
        (entries if entry_version is not None and entry_version > version else accounts).add(pid)
    return entries, accounts


def _pending(session: Session) -> set[int]:
    found: set[int] = session.info.setdefault(_PENDING, set())
    return found


def _pending_accounts(session: Session) -> set[int]:
    """People whose accounts this transaction changed."""
    found: set[int] = session.info.setdefault(_PENDING_ACCOUNTS, set())
    return found


def _after_flush(session: Session, _context: Any) -> None:
    """Note the people (or reference rows) this flush wrote."""
    for obj in chain(session.new, session.dirty, session.deleted):
        table = getattr(obj, "__tablename__", None)
        if table not in _PERSON_TABLES and table not in _REFERENCE_TABLES:
            continue
        if obj in session.dirty and not session.is_modified(obj):
            continue
        pending = _pending_accounts(session) if table == "accounts" else _pending(session)
        pending.update(_people_of(table, obj))


def _people_of(table: str, obj: Any) -> set[int]:
    if table == "people":
        return {obj.id}
    if table == "accounts":
        # An account moved to someone else changes both people's identity.
        before = get_history(obj, "person_id").deleted or ()
        return {obj.person_id, *(p for p in before if p is not None)}
    if table == "acquaintances":
        return {obj.person_a, obj.person_b}
    return {REFERENCE}


def _on_execute(state: ORMExecuteState) -> None:
    """Note what a bulk INSERT, UPDATE or DELETE on a directory table changes."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    if table in _REFERENCE_TABLES:
        _pending(state.session).add(REFERENCE)
    elif table in _PERSON_TABLES:
        people = state.execution_options.get(PEOPLE_OPTION)
        if people is None:
            _pending(state.session).add(EVERYTHING)
        elif table == "accounts":
            _pending_accounts(state.session).update(people)
        else:
            _pending(state.session).update(people)


def _before_commit(session: Session) -> None:
    """Raise the version and list the changed people, last thing before COMMIT."""
    if session.in_nested_transaction():
        return  # a SAVEPOINT: the outer transaction raises the version once
    session.flush()
    pending = session.info.pop(_PENDING, None) or set()
    accounts = session.info.pop(_PENDING_ACCOUNTS, None) or set()
    if pending or accounts:
        bump(session.connection(), pending, accounts)
        session.info[_BUMPED] = True


def _after_commit(session: Session) -> None:
    if session.info.pop(_BUMPED, False):
        _committed[0] += 1


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_PENDING, None)  # rolled back: nothing changed
        session.info.pop(_PENDING_ACCOUNTS, None)
        session.info.pop(_BUMPED, None)


def bump(connection: Connection, people: set[int], accounts: Iterable[int] = ()) -> int:
    """Raise the version and note `people` at it (and, as changed in their accounts only,
    `accounts`); returns the new version."""
    postgresql = connection.dialect.name == "postgresql"
    insert = postgresql_insert if postgresql else sqlite_insert
    raise_version = insert(DirectoryVersion).values(id=1, version=1)
    version = int(
        connection.execute(
            raise_version.on_conflict_do_update(
                index_elements=[DirectoryVersion.id],
                set_={"version": DirectoryVersion.version + 1},
            ).returning(DirectoryVersion.version)
        ).scalar_one()
    )
    only_accounts = set(accounts) - people
    if EVERYTHING in people or len(people) + len(only_accounts) > MANY:
        people, only_accounts = {EVERYTHING}, set()
    listed = insert(DirectoryChange).values(
        [
            {
                "person_id": pid,
                "version": version,
                "entry_version": None if pid in only_accounts else version,
            }
            for pid in sorted(people | only_accounts)
        ]
    )
    connection.execute(
        listed.on_conflict_do_update(
            index_elements=[DirectoryChange.person_id],
            set_={
                "version": listed.excluded.version,
                # An accounts-only change keeps the version of the entry's last change.
                "entry_version": func.coalesce(
                    listed.excluded.entry_version, DirectoryChange.entry_version
                ),
            },
        )
    )
    if postgresql:
        connection.execute(select(func.pg_notify(CHANNEL, str(version))))
    return version
