"""Reading the directory into an index: everything at start, or only the people that changed.

Plain column reads, one statement per table, no ORM objects: 100,000 people load in
seconds. Call windows and role lists arrive as their JSON text and are decoded once per
distinct text, so the few schedules of a large directory are shared by everyone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, cast, func, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from directory.index.entries import Entry, IndexReference, OrganisationRow, WijkRow, account_key
from directory.index.state import State
from directory.models import (
    Account,
    Acquaintance,
    Organisation,
    Person,
    person_themes,
    person_wijken,
)
from directory.reference import Reference, read_rows
from directory.versioning import current_version

COLUMNS = (
    Person.id,
    Person.name,
    Person.organisation_id,
    Person.department,
    Person.role_title,
    Person.phone,
    Person.email,
    Person.language,
    cast(Person.availability, String),
    cast(Person.roles, String),
    Person.absent_from,
    Person.absent_until,
    Person.stand_in_id,
    Person.is_admin,
    Person.active,
    Person.confirm_reminders_sent,
)
# Ids per IN (...) when reloading changed people.
CHUNK = 500
# People per slice of ids when loading everything.
SLICE = 10_000


async def load_reference(session: AsyncSession, version: int) -> IndexReference:
    """Themes (with learned synonyms), wijken and organisations, read as directory.reference
    reads them, so the index understands questions exactly as the SQL path does."""
    themes, wijken = await read_rows(session)
    organisations = {
        oid: OrganisationRow(oid, name)
        for oid, name in await session.execute(select(Organisation.id, Organisation.name))
    }
    understood = Reference(
        version=(-1, version), themes=themes, by_key={t.key: t for t in themes}, wijken=wijken
    )
    return IndexReference(
        reference=understood,
        themes={t.id: t for t in themes},
        wijken={wid: WijkRow(wid, name) for name, wid in wijken.items()},
        organisations=organisations,
    )


async def load_everything(session: AsyncSession) -> State:
    """A whole index, as of the version read first; read in slices of people by id, so only
    one slice of rows is in memory besides the index itself."""
    version = await current_version(session)
    state = State(reference=await load_reference(session, version), version=version)
    low, high = (await session.execute(select(func.min(Person.id), func.max(Person.id)))).one()
    for start in range(low or 0, (high or -1) + 1, SLICE):
        end = start + SLICE - 1
        found = await _load(
            session,
            state,
            Person.id.between(start, end),
            lambda column, a=start, b=end: column.between(a, b),  # type: ignore[misc]
        )
        state.extend(found.entries)
        state.add_accounts(found.accounts)
    known: defaultdict[int, set[int]] = defaultdict(set)
    for a, b in await session.execute(select(Acquaintance.person_a, Acquaintance.person_b)):
        known[a].add(b)
        known[b].add(a)
    state.acquaintances = dict(known)
    return state


@dataclass
class Loaded:
    """People read from the database: entries, account keys, who they know, who is gone."""

    entries: list[Entry] = field(default_factory=list)
    accounts: dict[str, int] = field(default_factory=dict)
    known: dict[int, set[int]] = field(default_factory=dict)
    gone: set[int] = field(default_factory=set)


async def load_people(session: AsyncSession, state: State, ids: Collection[int]) -> Loaded:
    """These people as they are now (those no longer there in `gone`), and whom they know."""
    loaded = Loaded(known={pid: set() for pid in ids})
    for chunk in _chunks(sorted(ids)):
        found = await _load(
            session,
            state,
            Person.id.in_(chunk),
            lambda column, wanted=chunk: column.in_(wanted),  # type: ignore[misc]
        )
        loaded.entries.extend(found.entries)
        loaded.accounts.update(found.accounts)
        pairs = await session.execute(
            select(Acquaintance.person_a, Acquaintance.person_b).where(
                or_(Acquaintance.person_a.in_(chunk), Acquaintance.person_b.in_(chunk))
            )
        )
        for a, b in pairs:
            if a in loaded.known:
                loaded.known[a].add(b)
            if b in loaded.known:
                loaded.known[b].add(a)
    loaded.gone = set(ids) - {e.id for e in loaded.entries}
    return loaded


async def load_accounts(session: AsyncSession, ids: Collection[int]) -> dict[str, int]:
    """The accounts of these people as they are now (key → person): after a link or an
    unlink nothing else of theirs needs reading."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(ids)):
        rows = await session.execute(
            select(Account.person_id, Account.platform, Account.external_id).where(
                Account.person_id.in_(chunk)
            )
        )
        for pid, platform, external in rows:
            found[account_key(platform, external)] = pid
    return found


async def _load(
    session: AsyncSession, state: State, people: Any, of: Callable[[Any], Any]
) -> Loaded:
    """People matching `people`, with themes, wijken and accounts (`of` filters a person_id)."""
    themes = await _grouped(
        session, person_themes.c.person_id, person_themes.c.theme_id, of(person_themes.c.person_id)
    )
    wijken = await _grouped(
        session, person_wijken.c.person_id, person_wijken.c.wijk_id, of(person_wijken.c.person_id)
    )
    found = Loaded()
    accounts = select(Account.person_id, Account.platform, Account.external_id)
    for pid, platform, external in await session.execute(accounts.where(of(Account.person_id))):
        found.accounts[account_key(platform, external)] = pid
    rows = await session.execute(select(*COLUMNS).where(people).order_by(Person.id))
    found.entries = [
        _entry(state, row, themes.get(row[0], ()), wijken.get(row[0], ())) for row in rows
    ]
    return found


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


async def _grouped(
    session: AsyncSession, person: Any, other: Any, where: Any
) -> dict[int, tuple[int, ...]]:
    """The sorted other ids (themes, wijken) of each person in a link table."""
    if session.get_bind().dialect.name == "postgresql":
        # PostgreSQL groups and sorts: a row per person instead of one per link, about half
        # the CPU of grouping in Python at 100,000 people.
        ids = func.array_agg(aggregate_order_by(other, other))
        statement = select(person, ids).where(where).group_by(person)
        return {pid: tuple(found) for pid, found in (await session.execute(statement)).all()}
    grouped: dict[int, list[int]] = {}
    rows = await session.execute(select(person, other).where(where).order_by(person, other))
    for pid, one in rows.all():
        found = grouped.get(pid)
        if found is None:
            grouped[pid] = [one]
        else:
            found.append(one)
    return {pid: tuple(values) for pid, values in grouped.items()}


def _entry(state: State, row: Any, themes: tuple[int, ...], wijken: tuple[int, ...]) -> Entry:
    (pid, name, org, department, role_title, phone, email, language) = row[:8]
    (availability, roles, absent_from, absent_until, stand_in, admin, active, reminders) = row[8:]
    windows = state.windows(availability)
    role_list = state.role_list(roles)
    phone = phone or None
    return Entry(
        id=pid,
        name=name,
        organisation_id=org,
        department=state.text(department or ""),
        role_title=state.text(role_title or ""),
        phone=phone,
        email=email,
        language=language,
        availability=windows,
        roles=role_list,
        absent_from=absent_from,
        absent_until=absent_until,
        stand_in_id=stand_in,
        is_admin=bool(admin),
        active=bool(active),
        confirm_reminders_sent=int(reminders or 0),
        theme_ids=state.ids(themes),
        wijk_ids=state.ids(wijken),
        schedule=state.schedule_of(phone, windows),
    )
