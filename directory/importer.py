"""Applying parsed CSV rows to the directory: idempotent, in bulk, all or nothing.

A row is matched to an existing person by e-mail, else phone, else name and
organisation (shared/formats/directory-csv.md). Columns the file does not have are
left alone; columns it has are the truth, except that an empty e-mail cell never
removes an address and accounts are only ever added (people link accounts
themselves too). Everything is written with bulk statements so that 100,000 rows
fit well within a minute.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry
from core.i18n import N_
from directory.bulk import ExistingDirectory, insert_with_ids, write_rows
from directory.csv_format import ParsedRow, RowError
from directory.identity import console_handle
from directory.lengths import stored_length
from directory.models import (
    Account,
    Organisation,
    Person,
    Wijk,
    person_themes,
    person_wijken,
)
from directory.organisations import guess_kind
from directory.set_aside import set_aside, worth_it
from directory.theme_lookup import ThemeResolver
from directory.versioning import mark_everything

DUPLICATE = N_("dezelfde persoon als regel {other} (zelfde {key})")
ACCOUNT_TAKEN = N_("{platform} {value} hoort al bij iemand anders in de sociale kaart")
# Scalar columns the file controls: csv column → Person attribute.
FIELD_OF = {
    "naam": "name",
    "afdeling": "department",
    "functie": "role_title",
    "telefoon": "phone",
    "bereikbaar": "availability",
    "rollen": "roles",
}


@dataclass
class Applied:
    """What applying the rows did (or would do), and the rows it refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    new_wijken: list[str] = field(default_factory=list)
    # Everyone the file's valid rows stand for (matched or new): a sync keeps exactly these.
    people: set[int] = field(default_factory=set)


@dataclass
class _Plan:
    row: ParsedRow
    person_id: int | None
    accounts: list[tuple[str, str, str | None]]


async def apply_rows(
    session: AsyncSession,
    rows: list[ParsedRow],
    *,
    now: datetime,
    admins: Collection[str] = (),
    actor: str = "system",
    exclusive: bool = True,
) -> Applied:
    """Plan every row, refuse conflicting ones, then write the rest in bulk; a large write
    into PostgreSQL may lock the directory's tables to go faster (`exclusive`,
    directory.set_aside)."""
    result = Applied()
    existing = ExistingDirectory()
    await existing.load(session)
    resolver = ThemeResolver()
    await resolver.load(session)
    plans = _plan(rows, existing, result)
    plans = [p for p in plans if not any(e.line == p.row.line for e in result.errors)]
    org_ids = await _organisations(session, plans, existing, result)
    wijk_ids = await _wijken(session, plans, existing, result)
    admin_emails = {a.strip().lower() for a in admins}
    theme_rows: list[dict[str, int]] = []
    wijk_rows: list[dict[str, int]] = []
    account_rows: list[dict[str, Any]] = []
    audit_rows: list[dict[str, Any]] = []
    # A new person: the plan, the row's columns, their theme ids and wijk ids.
    new_people: list[tuple[_Plan, dict[str, Any], set[int], set[int]]] = []
    updates: list[dict[str, Any]] = []
    retheme: set[int] = set()
    rewijk: set[int] = set()
    shared: dict[tuple[Any, ...], Any] = {}
    for plan in plans:
        row = plan.row
        theme_ids = set(await resolver.resolve(session, row.themes, result.new_themes))
        wijken = {wijk_ids[w.lower()] for w in row.wijken}
        values = _desired(row, org_ids[row.organisation.lower()], admin_emails, shared)
        if plan.person_id is None:
            values.update(
                email=row.email,
                language=None,
                absent_from=None,
                absent_until=None,
                stand_in_id=None,
                active=True,
                last_confirmed_at=now,
                confirm_reminders_sent=0,
                last_confirm_reminder_at=None,
                created_at=now,
                updated_at=now,
            )
            new_people.append((plan, values, theme_ids, wijken))
            continue
        pid = plan.person_id
        result.people.add(pid)
        old = existing.people[pid]
        changed = {k: v for k, v in values.items() if old.get(k) != v}
        if changed.get("active") is True:
            # Someone who left is in the staff list again: back in the network, no departure.
            changed.update(left_at=None, leaving_on=None, successor_id=None)
        themes_changed = theme_ids != existing.themes_of.get(pid, set())
        wijken_changed = "wijken" in row.columns and wijken != existing.wijken_of.get(pid, set())
        if themes_changed:
            retheme.add(pid)
            theme_rows.extend({"person_id": pid, "theme_id": t} for t in theme_ids)
        if wijken_changed:
            rewijk.add(pid)
            wijk_rows.extend({"person_id": pid, "wijk_id": w} for w in wijken)
        account_rows.extend(_account_row(pid, a, now) for a in plan.accounts)
        if changed or themes_changed or wijken_changed or plan.accounts:
            updates.append({"id": pid, **changed, "updated_at": now})
            audit_rows.append(_audit(now, actor, "person.updated_by_import", pid))
            result.updated += 1
        else:
            result.unchanged += 1
    rows_to_write = len(theme_rows) + len(wijk_rows) + len(account_rows) + len(updates)
    for plan, _, themes, wijken in new_people:
        rows_to_write += 1 + len(themes) + len(wijken) + len(plan.accounts)
    dialect = session.get_bind().dialect.name
    wanted = exclusive and worth_it(dialect, rows_to_write, existing.rows)
    async with set_aside(session, wanted):
        if new_people:
            ids = await insert_with_ids(session, Person, [values for _, values, _, _ in new_people])
            result.people.update(ids)
            for (plan, _, themes, wijken), pid in zip(new_people, ids, strict=True):
                theme_rows.extend({"person_id": pid, "theme_id": t} for t in themes)
                wijk_rows.extend({"person_id": pid, "wijk_id": w} for w in wijken)
                account_rows.extend(_account_row(pid, a, now) for a in plan.accounts)
                audit_rows.append(_audit(now, actor, "person.imported", pid))
            result.created = len(new_people)
        if updates:
            await session.execute(update(Person), updates)
        if retheme:
            await session.execute(
                delete(person_themes).where(person_themes.c.person_id.in_(retheme))
            )
        if rewijk:
            await session.execute(
                delete(person_wijken).where(person_wijken.c.person_id.in_(rewijk))
            )
        await write_rows(session, person_themes, theme_rows)
        await write_rows(session, person_wijken, wijk_rows)
        await write_rows(session, Account.__table__, account_rows)
        await write_rows(session, AuditEntry.__table__, audit_rows)
    if result.created or result.updated or result.new_themes:
        # Bulk writes pass the session's hooks by: every in-memory copy reloads it all.
        mark_everything(session)
    return result


def _desired(
    row: ParsedRow, org_id: int, admins: set[str], shared: dict[tuple[Any, ...], Any]
) -> dict[str, Any]:
    """The Person columns this row sets; equal call windows and roles share one list, which
    the bulk writer then encodes once."""
    values: dict[str, Any] = {"organisation_id": org_id, "active": True}
    windows = shared.get(("windows", row.availability))
    if windows is None:
        windows = shared[("windows", row.availability)] = [list(w) for w in row.availability]
    roles = shared.get(("roles", row.roles))
    if roles is None:
        roles = shared[("roles", row.roles)] = list(row.roles)
    source = {
        "name": row.name,
        "department": row.department,
        "role_title": row.role_title,
        "phone": row.phone,
        "availability": windows,
        "roles": roles,
    }
    for column, attribute in FIELD_OF.items():
        if column in row.columns:
            values[attribute] = source[attribute]
    values.setdefault("name", row.name)
    if row.email and row.email in admins:
        values["is_admin"] = True
    return values


def _plan(rows: list[ParsedRow], existing: ExistingDirectory, result: Applied) -> list[_Plan]:
    """Match rows to people, catch duplicates and account conflicts."""
    seen: dict[tuple[str, str], int] = {}
    claimed: dict[tuple[str, str], int] = {}
    handles = {external for (platform, external) in existing.accounts if platform == "console"}
    plans: list[_Plan] = []
    for row in rows:
        key = row.identity()
        if key in seen:
            result.errors.append(RowError(row.line, DUPLICATE, {"other": seen[key], "key": key[0]}))
            continue
        seen[key] = row.line
        pid = existing.by_key.get(key)
        accounts: list[tuple[str, str, str | None]] = []
        conflict = False
        linked = (("slack", row.slack), ("telegram", row.telegram), ("teams", row.teams))
        for platform, value in linked:
            if not value:
                continue
            owner = existing.accounts.get((platform, value))
            if value.startswith("@"):
                owner = owner or existing.usernames.get(value[1:])
            other = claimed.get((platform, value))
            if (owner is not None and owner != pid) or other is not None:
                result.errors.append(
                    RowError(row.line, ACCOUNT_TAKEN, {"platform": platform, "value": value})
                )
                conflict = True
            elif owner is None:
                username = value[1:] if value.startswith("@") else None
                accounts.append((platform, value, username))
                claimed[(platform, value)] = row.line
        if conflict:
            continue
        if pid is None or pid not in existing.has_console:
            handle = _free_handle(console_handle(row.email, row.name), handles)
            handles.add(handle)
            accounts.append(("console", handle, None))
        plans.append(_Plan(row=row, person_id=pid, accounts=accounts))
    return plans


def _free_handle(handle: str, taken: set[str]) -> str:
    """The console handle, numbered when two people share an e-mail local part (the number
    replacing the handle's end when the account id would not hold it)."""
    if handle not in taken:
        return handle
    limit = stored_length(Account.__table__.c.external_id)
    number = 2
    while (numbered := f"{handle[: limit - len(str(number))]}{number}") in taken:
        number += 1
    return numbered


async def _organisations(
    session: AsyncSession, plans: list[_Plan], existing: ExistingDirectory, result: Applied
) -> dict[str, int]:
    names: dict[str, str] = {}
    for plan in plans:
        names.setdefault(plan.row.organisation.lower(), plan.row.organisation)
    missing = [name for low, name in names.items() if low not in existing.orgs]
    if missing:
        ids = await insert_with_ids(
            session, Organisation, [{"name": name, "kind": guess_kind(name)} for name in missing]
        )
        for name, oid in zip(missing, ids, strict=True):
            existing.orgs[name.lower()] = oid
        result.new_organisations.extend(missing)
    return existing.orgs


async def _wijken(
    session: AsyncSession, plans: list[_Plan], existing: ExistingDirectory, result: Applied
) -> dict[str, int]:
    names: dict[str, str] = {}
    for plan in plans:
        for wijk in plan.row.wijken:
            names.setdefault(wijk.lower(), wijk)
    missing = [name for low, name in names.items() if low not in existing.wijken]
    if missing:
        ids = await insert_with_ids(session, Wijk, [{"name": name} for name in missing])
        for name, wid in zip(missing, ids, strict=True):
            existing.wijken[name.lower()] = wid
        result.new_wijken.extend(missing)
    return existing.wijken


def _account_row(pid: int, account: tuple[str, str, str | None], now: datetime) -> dict[str, Any]:
    platform, external, username = account
    return {
        "person_id": pid,
        "platform": platform,
        "external_id": external.lower(),
        "username": username,
        "linked_at": now,
    }


def _audit(now: datetime, actor: str, action: str, pid: int) -> dict[str, Any]:
    return {
        "at": now,
        "actor": actor,
        "action": action,
        "object_type": "person",
        "object_id": str(pid),
        "result": "ok",
        "origin": "csv",
    }
