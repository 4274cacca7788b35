"""Import and export the directory as CSV (shared/formats/directory-csv.md).

`import_csv` reads the whole file first; by default nothing is written when any row
is invalid, and every invalid row is reported with its line number and reason.
Importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, text

from core.audit import record
from core.db import UnitOfWorkFactory
from core.i18n import Translator
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
        return "\n".join(lines)


async def import_csv(
    uow_factory: UnitOfWorkFactory,
    text: str,
    *,
    now: datetime,
    skip_invalid: bool = False,
    admins: Collection[str] = (),
    actor: str = "system",
) -> ImportReport:
    """Import a directory CSV in one transaction; see the module docstring for the rules."""
    parsed = parse_csv(text)
    report = ImportReport(total=parsed.total, errors=list(parsed.errors))
    header_broken = any(e.line == 1 for e in parsed.errors)
    if header_broken or (parsed.errors and not skip_invalid):
        return report
    async with uow_factory() as uow:
        applied = await apply_rows(uow.session, parsed.rows, now=now, admins=admins, actor=actor)
        report.errors.extend(applied.errors)
        if applied.errors and not skip_invalid:
            return report
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
        await uow.commit()
        report.imported = True
    if report.created + report.updated >= ANALYZE_AFTER:
        await _refresh_statistics(uow_factory)
    return report


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
