"""Bulk helpers for the import: the existing directory in a few queries, inserts with ids."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, insert, select, text
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
            Person.availability,
            Person.roles,
            Person.is_admin,
            Person.active,
        )
        self.people: dict[int, dict[str, Any]] = {}
        self.by_key: dict[tuple[str, str], int] = {}
        for values in await session.execute(select(*cols).order_by(Person.id)):
            person = dict(zip([c.key for c in cols], values, strict=True))
            self.people[person["id"]] = person
            org = self.org_names.get(person["organisation_id"], "")
            for key in (
                ("email", (person["email"] or "").lower()),
                ("telefoon", person["phone"] or ""),
                ("naam", f"{person['name'].lower()}\x00{org}"),
            ):
                if key[1]:
                    self.by_key.setdefault(key, person["id"])
        self.themes_of: dict[int, set[int]] = {}
        for pid, tid in await session.execute(select(person_themes)):
            self.themes_of.setdefault(pid, set()).add(tid)
        self.wijken_of: dict[int, set[int]] = {}
        for pid, wid in await session.execute(select(person_wijken)):
            self.wijken_of.setdefault(pid, set()).add(wid)
        self.accounts: dict[tuple[str, str], int] = {}
        self.usernames: dict[str, int] = {}
        self.has_console: set[int] = set()
        rows = await session.execute(
            select(Account.person_id, Account.platform, Account.external_id, Account.username)
        )
        for pid, platform, external, username in rows:
            self.accounts[(platform, external)] = pid
            if platform == "console":
                self.has_console.add(pid)
            if platform == "telegram" and username:
                self.usernames[username.lower()] = pid


async def insert_with_ids(
    session: AsyncSession, model: Any, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert many rows and return their new ids, in order, with few round trips.

    PostgreSQL returns ids in parameter order from batched INSERT … RETURNING. SQLite can
    only do that one row at a time (100,000 round trips), so there the ids are handed out
    here: SQLite has one writer, and this transaction holds the write lock from its first
    write, taken before reading the highest id.
    """
    if not rows:
        return []
    if session.get_bind().dialect.name != "sqlite":
        result = await session.execute(
            insert(model).returning(model.id, sort_by_parameter_order=True), rows
        )
        return list(result.scalars())
    table = model.__table__.name
    await session.execute(text(f"UPDATE {table} SET id = id WHERE 1 = 0"))
    start = await session.scalar(select(func.coalesce(func.max(model.id), 0))) or 0
    ids = list(range(start + 1, start + 1 + len(rows)))
    await session.execute(
        insert(model), [{**row, "id": i} for row, i in zip(rows, ids, strict=True)]
    )
    return ids
