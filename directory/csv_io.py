"""Import and export the directory as CSV (shared/formats/directory-csv.md).

`import_csv` reads the whole file first; by default nothing is written when any row
is invalid, and every invalid row is reported with its line number and reason.
Importing the same file twice changes nothing. With a ``Sync`` the file is the whole staff
list of its organisations (or of the ones named): active people of those organisations
missing from it leave, through a hook the caller gives (``handlers.departures``), in the
same transaction; ``dry_run`` shows what would happen and writes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import record
from core.db import UnitOfWorkFactory
from core.i18n import Translator
from core.memory import collector_paused
from directory.availability import format_availability
from directory.csv_format import COLUMNS, RowError, parse_csv
from directory.importer import apply_rows
from directory.models import (
    Account,
    Organisation,
    Person,
    Theme,
    Wijk,
    person_themes,
    person_wijken,
)

# Imports that create or change at least this many people refresh the planner statistics.
ANALYZE_AFTER = 1000
# Called with the ids of the people a sync finds missing, before the import commits.
LeaveHook = Callable[[AsyncSession, list[int]], Awaitable[None]]


@dataclass(frozen=True)
class Sync:
    """Treat the file as the complete staff list: of these organisations, or (empty) of every
    organisation the file names."""

    organisations: tuple[str, ...] = ()


class SyncError(ValueError):
    """A sync that cannot be done as asked (the message is Dutch, for the command line)."""


@dataclass
class ImportReport:
    """What an import did, and every problem it found (by line)."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    new_organisations: list[str] = field(default_factory=list)
    new_wijken: list[str] = field(default_factory=list)
    imported: bool = False
    # A sync: the people who leave (name, organisation), and whether this was only a preview.
    leavers: list[tuple[str, str]] = field(default_factory=list)
    synced: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        """True when every row was valid."""
        return not self.errors

    @property
    def invalid_lines(self) -> list[int]:
        """Lines with at least one error."""
        return sorted({e.line for e in self.errors})

    def error_lines(self, tr: Translator | None = None) -> list[str]:
        """'regel 14: telefoon "06-1234" is geen geldig nummer', one per problem, by line."""
        tr = tr or Translator()
        return [
            tr.gettext(
                "regel {line}: {problem}", line=e.line, problem=tr.gettext(e.msgid, **e.values)
            )
            for e in sorted(self.errors, key=lambda e: e.line)
        ]

    def summary(self, tr: Translator | None = None) -> str:
        """The report as text (Dutch unless a translator says otherwise)."""
        tr = tr or Translator()
        lines = self.error_lines(tr)
        bad = len(self.invalid_lines)
        if self.errors and not self.imported:
            lines.append(
                tr.ngettext(
                    "Er is niets geïmporteerd: {n} regel heeft een fout. Verbeter die, of "
                    "importeer alleen de goede regels met --skip-invalid.",
                    "Er is niets geïmporteerd: {n} regels hebben een fout. Verbeter ze, of "
                    "importeer alleen de goede regels met --skip-invalid.",
                    bad,
                )
            )
            return "\n".join(lines)
        if self.errors:
            lines.append(
                tr.ngettext(
                    "{n} regel met een fout overgeslagen.",
                    "{n} regels met een fout overgeslagen.",
                    bad,
                )
            )
        lines.append(
            tr.ngettext(
                "{total} regel gelezen: {created} nieuw, {updated} bijgewerkt, "
                "{unchanged} ongewijzigd.",
                "{total} regels gelezen: {created} nieuw, {updated} bijgewerkt, "
                "{unchanged} ongewijzigd.",
                self.total,
                total=self.total,
                created=self.created,
                updated=self.updated,
                unchanged=self.unchanged,
            )
        )
        if self.new_organisations:
            lines.append(
                tr.gettext("Nieuwe organisaties: {names}.", names=", ".join(self.new_organisations))
            )
        if self.new_themes:
            lines.append(
                tr.gettext(
                    "Nieuwe thema's (niet in de themalijst): {names}.",
                    names=", ".join(self.new_themes),
                )
            )
        if self.new_wijken:
            lines.append(tr.gettext("Nieuwe wijken: {names}.", names=", ".join(self.new_wijken)))
        if self.synced:
            lines.append(self._leaver_lines(tr))
        if self.dry_run:
            lines.insert(0, tr.gettext("Voorbeeld: er is nog niets veranderd."))
        return "\n".join(lines)

    def _leaver_lines(self, tr: Translator) -> str:
        scope = ", ".join(self.synced)
        if not self.leavers:
            return tr.gettext("Niemand van {organisations} vertrekt.", organisations=scope)
        names = "\n".join(f"  - {name} ({organisation})" for name, organisation in self.leavers)
        if self.dry_run:
            head = tr.gettext(
                "Niet meer in het bestand, dus vertrekken per vandaag ({n}, zonder opvolger):",
                n=len(self.leavers),
            )
        else:
            head = tr.gettext("Vertrokken per vandaag ({n}, zonder opvolger):", n=len(self.leavers))
        return f"{head}\n{names}"


async def import_csv(
    uow_factory: UnitOfWorkFactory,
    text: str,
    *,
    now: datetime,
    skip_invalid: bool = False,
    admins: Collection[str] = (),
    actor: str = "system",
    sync: Sync | None = None,
    on_leave: LeaveHook | None = None,
    dry_run: bool = False,
) -> ImportReport:
    """Import a directory CSV in one transaction; see the module docstring for the rules."""
    with collector_paused():
        return await _import(
            uow_factory,
            text,
            now=now,
            skip_invalid=skip_invalid,
            admins=admins,
            actor=actor,
            sync=sync,
            on_leave=on_leave,
            dry_run=dry_run,
        )


async def _import(
    uow_factory: UnitOfWorkFactory,
    text: str,
    *,
    now: datetime,
    skip_invalid: bool,
    admins: Collection[str],
    actor: str,
    sync: Sync | None,
    on_leave: LeaveHook | None,
    dry_run: bool,
) -> ImportReport:
    parsed = parse_csv(text)
    report = ImportReport(total=parsed.total, errors=list(parsed.errors), dry_run=dry_run)
    header_broken = any(e.line == 1 for e in parsed.errors)
    if header_broken or (parsed.errors and not skip_invalid):
        return report
    if sync is not None and parsed.errors:
        # A row that could not be read would look like someone who left.
        raise SyncError(
            "Met --sync importeer ik alleen een bestand zonder fouten: verbeter eerst de regels "
            "hierboven."
        )
    async with uow_factory() as uow:
        # A preview never locks the directory's tables (directory.set_aside).
        applied = await apply_rows(
            uow.session, parsed.rows, now=now, admins=admins, actor=actor, exclusive=not dry_run
        )
        report.errors.extend(applied.errors)
        if applied.errors and (not skip_invalid or sync is not None):
            return report
        if sync is not None:
            organisations = {row.organisation for row in parsed.rows}
            leaving = await _missing(uow.session, sync, organisations, applied.people, report)
            if leaving and on_leave is not None and not dry_run:
                await on_leave(uow.session, leaving)
        report.created, report.updated, report.unchanged = (
            applied.created,
            applied.updated,
            applied.unchanged,
        )
        report.new_themes = applied.new_themes
        report.new_organisations = applied.new_organisations
        report.new_wijken = applied.new_wijken
        record(
            uow.session,
            at=now,
            actor=actor,
            action="directory.imported",
            object_type="directory",
            object_id=f"{report.created}+{report.updated}",
            result="ok" if report.ok else "partial",
            origin="csv",
        )
        if dry_run:
            return report  # the unit of work rolls back
        await uow.commit()
        report.imported = True
    if report.created + report.updated >= ANALYZE_AFTER:
        await _refresh_statistics(uow_factory)
    return report


async def _missing(
    session: AsyncSession,
    sync: Sync,
    in_file: set[str],
    kept: set[int],
    report: ImportReport,
) -> list[int]:
    """Active people of the synced organisations whom the file does not name."""
    known = {
        name.lower(): (oid, name)
        for oid, name in await session.execute(select(Organisation.id, Organisation.name))
    }
    wanted = sync.organisations or tuple(sorted(in_file))
    scope: dict[int, str] = {}
    for name in wanted:
        found = known.get(name.strip().lower())
        if found is None:
            raise SyncError(
                f'De organisatie "{name}" staat niet in de sociale kaart of in het bestand.'
            )
        scope[found[0]] = found[1]
    report.synced = sorted(scope.values())
    rows = await session.execute(
        select(Person.id, Person.name, Person.organisation_id)
        .where(
            Person.organisation_id.in_(list(scope)),
            Person.active.is_(True),
            Person.left_at.is_(None),
        )
        .order_by(func.lower(Person.name), Person.id)
    )
    leaving = [(pid, name, org) for pid, name, org in rows if pid not in kept]
    report.leavers = [(name, scope[org]) for _pid, name, org in leaving]
    return [pid for pid, _name, _org in leaving]


async def _refresh_statistics(uow_factory: UnitOfWorkFactory) -> None:
    """After a bulk load PostgreSQL plans /wie with stale row counts until autovacuum catches
    up (seconds to minutes); fresh statistics now keep the first lookups fast. SQLite's
    planner needs none for these queries."""
    if uow_factory.dialect != "postgresql":
        return
    async with uow_factory() as uow:
        await uow.session.execute(
            text("ANALYZE people, person_themes, person_wijken, accounts, organisations, wijken")
        )
        await uow.commit()


async def export_csv(uow_factory: UnitOfWorkFactory) -> str:
    """Every active person as CSV with the Dutch header; importing it back changes nothing."""
    async with uow_factory() as uow:
        session = uow.session
        themes = dict((await session.execute(select(Theme.id, Theme.name_nl))).all())
        wijken = dict((await session.execute(select(Wijk.id, Wijk.name))).all())
        orgs = dict((await session.execute(select(Organisation.id, Organisation.name))).all())
        themes_of: dict[int, list[str]] = {}
        for pid, tid in await session.execute(select(person_themes)):
            themes_of.setdefault(pid, []).append(themes[tid])
        wijken_of: dict[int, list[str]] = {}
        for pid, wid in await session.execute(select(person_wijken)):
            wijken_of.setdefault(pid, []).append(wijken[wid])
        slack: dict[int, str] = {}
        telegram: dict[int, str] = {}
        teams: dict[int, str] = {}
        for pid, platform, external, username in await session.execute(
            select(Account.person_id, Account.platform, Account.external_id, Account.username)
        ):
            if platform == "slack":
                slack.setdefault(pid, external.upper())
            elif platform == "teams":
                teams.setdefault(pid, external)
            elif platform == "telegram":
                telegram.setdefault(
                    pid, external if external.isdigit() else f"@{username or external.lstrip('@')}"
                )
        people = await session.execute(
            select(
                Person.id,
                Person.name,
                Person.organisation_id,
                Person.department,
                Person.role_title,
                Person.phone,
                Person.email,
                Person.availability,
                Person.roles,
            )
            .where(Person.active.is_(True))
            .order_by(Person.name, Person.id)
        )
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(list(COLUMNS))
        for pid, name, org, department, role, phone, email, availability, roles in people:
            writer.writerow(
                [
                    name,
                    orgs[org],
                    department,
                    role,
                    phone or "",
                    email or "",
                    ";".join(sorted(themes_of.get(pid, []))),
                    ";".join(sorted(wijken_of.get(pid, []))),
                    format_availability(availability or []),
                    ";".join(roles or []),
                    slack.get(pid, ""),
                    telegram.get(pid, ""),
                    teams.get(pid, ""),
                ]
            )
        return out.getvalue()
