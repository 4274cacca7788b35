"""Bulk helpers for the import: the existing directory in a few queries, fast inserts."""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from sqlalchemy import String, cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from directory.models import Account, Organisation, Person, Wijk, person_themes, person_wijken


class ExistingDirectory:
    """The existing directory, loaded in a few bulk queries."""

    async def load(self, session: AsyncSession) -> None:
        """Read organisations, wijken, people and their themes, wijken and accounts."""
        orgs = await session.execute(select(Organisation.id, Organisation.name))
        self.orgs = {name.lower(): oid for oid, name in orgs}
        self.org_names = {oid: name for name, oid in self.orgs.items()}
        wijken = await session.execute(select(Wijk.id, Wijk.name))
        self.wijken = {name.lower(): wid for wid, name in wijken}
        cols = (
            Person.id,
            Person.name,
            Person.organisation_id,
            Person.department,
            Person.role_title,
            Person.phone,
            Person.email,
            cast(Person.availability, String).label("availability"),
            cast(Person.roles, String).label("roles"),
            Person.is_admin,
            Person.active,
        )
        keys = [c.key for c in cols]
        # Call windows and roles are compared, never changed: each distinct JSON text is
        # decoded once (a large directory has a few dozen of them).
        decoded: dict[str | None, Any] = {None: None}
        self.people: dict[int, dict[str, Any]] = {}
        self.by_key: dict[tuple[str, str], int] = {}
        for values in (await session.execute(select(*cols).order_by(Person.id))).all():
            person = dict(zip(keys, values, strict=True))
            for column in ("availability", "roles"):
                stored = person[column]
                if stored not in decoded:
                    decoded[stored] = json.loads(stored)
                person[column] = decoded[stored]
            self.people[person["id"]] = person
            org = self.org_names.get(person["organisation_id"], "")
            for key in (
                ("email", (person["email"] or "").lower()),
                ("telefoon", person["phone"] or ""),
                ("naam", f"{person['name'].lower()}\x00{org}"),
            ):
                if key[1]:
                    self.by_key.setdefault(key, person["id"])
        self.themes_of = await _grouped(session, select(person_themes))
        self.wijken_of = await _grouped(session, select(person_wijken))
        self.accounts: dict[tuple[str, str], int] = {}
        self.usernames: dict[str, int] = {}
        self.has_console: set[int] = set()
        rows = await session.execute(
            select(Account.person_id, Account.platform, Account.external_id, Account.username)
        )
        for pid, platform, external, username in rows.all():
            self.accounts[(platform, external)] = pid
            if platform == "console":
                self.has_console.add(pid)
            if platform == "telegram" and username:
                self.usernames[username.lower()] = pid

    @property
    def rows(self) -> int:
        """People, their themes, wijken and accounts: the rows a large import adds to."""
        links = sum(map(len, self.themes_of.values())) + sum(map(len, self.wijken_of.values()))
        return len(self.people) + links + len(self.accounts)


async def _grouped(session: AsyncSession, statement: Any) -> dict[int, set[int]]:
    """(person id, other id) rows as the set of other ids per person."""
    grouped: defaultdict[int, set[int]] = defaultdict(set)
    for pid, other in (await session.execute(statement)).all():
        grouped[pid].add(other)
    return dict(grouped)


async def insert_with_ids(
    session: AsyncSession, model: Any, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many rows and return their new ids, in order, with few round trips (each row
    dict gets its "id").

    The ids are handed out first: on PostgreSQL from the table's own sequence (one query
    for all of them), on SQLite after the highest id, which is safe because SQLite has one
    writer and this transaction holds the write lock from its first write, taken before
    reading the highest id. Then the rows go in with `write_rows`.
    """
    if not rows:
        return []
    table = model.__table__
    if session.get_bind().dialect.name == "postgresql":
        reserved = await session.execute(
            text(
                f"SELECT nextval(pg_get_serial_sequence('{table.name}', 'id')) "
                "FROM generate_series(1, :count)"
            ),
            {"count": len(rows)},
        )
        ids = sorted(int(i) for (i,) in reserved)
    else:
        await session.execute(text(f"UPDATE {table.name} SET id = id WHERE 1 = 0"))
        start = await session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0
        ids = list(range(start + 1, start + 1 + len(rows)))
    for row, i in zip(rows, ids, strict=True):
        row["id"] = i
    await write_rows(session, table, rows)
    return ids


async def write_rows(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    """INSERT many rows of a table at the driver's speed: COPY on PostgreSQL, executemany on
    SQLite.

    Columns a row leaves out get the column's Python-side default, as an ORM insert would
    give them, and every value goes through its column type's own bind processor (aware
    UTC times, JSON), so the rows are stored exactly as SQLAlchemy would store them; only
    the per-row statement machinery is skipped. These writes bypass the session's hooks:
    the caller notes them (directory.versioning).
    """
    if not rows:
        return
    seen = dict.fromkeys(rows[0])
    first = rows[0].keys()
    for row in rows:
        if row.keys() != first:
            seen.update(dict.fromkeys(row))
    defaults = {column.name: _default(column) for column in table.c if column.default is not None}
    seen.update(dict.fromkeys(defaults))
    names = list(seen)
    connection = await session.connection()
    dialect = connection.dialect
    columns = [_column(rows, name, defaults.get(name), table, dialect) for name in names]
    records = list(zip(*columns, strict=True))
    if dialect.name == "postgresql":
        # COPY runs on the driver's connection: make sure the transaction has begun there.
        await connection.exec_driver_sql("SELECT 1")
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None and driver.is_in_transaction()
        await driver.copy_records_to_table(table.name, records=records, columns=names)
        return
    marks = ", ".join("?" for _ in names)
    await connection.exec_driver_sql(
        f"INSERT INTO {table.name} ({', '.join(names)}) VALUES ({marks})", records
    )


def _column(
    rows: list[dict[str, Any]], name: str, default: Any, table: Any, dialect: Any
) -> list[Any]:
    """One column's stored values; a value repeated as the same object is converted once."""
    values = [row.get(name, default) for row in rows]
    process = table.c[name].type.bind_processor(dialect)
    if process is None:
        return values
    done: dict[int, Any] = {}
    stored: list[Any] = []
    for value in values:
        if value is None:
            stored.append(None)
            continue
        key = id(value)
        if key not in done:
            done[key] = process(value)
        stored.append(done[key])
    return stored


def _default(column: Any) -> Any:
    """A column's Python-side default value (callables such as `list` are called)."""
    default = column.default
    if default.is_scalar:
        return default.arg
    if default.is_callable:
        return default.arg(None)
    return None
