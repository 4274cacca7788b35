"""Where the sociale kaart has holes: a theme × wijk matrix of people who can be called.

For the coordinators' Dekking page and its CSV. A cell counts the active people on that
theme who cover the wijk (no wijken means the whole municipality, as in /wie), have a phone
number, and are not away — or are away with a stand-in who can be called. Beside it: entries
not confirmed within the freshness period, people without a phone number, and themes nobody
works on. This is about the map's quality, never a ranking of people.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.models import Person, Theme, Wijk
from directory.reachability import is_absent

# A cell with this many people or fewer is thin: one holiday and nobody answers.
THIN = 1


@dataclass(frozen=True)
class ThemeRow:
    """One theme of the catalog, with its names and domain."""

    key: str
    name_nl: str
    name_en: str
    domain: str

    def name(self, language: str) -> str:
        """The name in the reader's language."""
        return self.name_en if language == "en" and self.name_en else self.name_nl


@dataclass(frozen=True)
class Entry:
    """A directory entry named in a quality list (not confirmed, no phone)."""

    person_id: int
    name: str
    organisation: str
    last_confirmed_at: datetime


@dataclass(frozen=True)
class Coverage:
    """The matrix and the lists, as of one moment."""

    at: datetime
    themes: tuple[ThemeRow, ...]
    wijken: tuple[str, ...]
    # (theme key, wijk name) → people who can be called for it there.
    cells: dict[tuple[str, str], int]
    not_confirmed: tuple[Entry, ...]
    without_phone: tuple[Entry, ...]
    # Themes no active person works on at all.
    nobody: tuple[ThemeRow, ...]
    freshness_days: int

    def count(self, theme: str, wijk: str) -> int:
        """People to call for a theme in a wijk."""
        return self.cells.get((theme, wijk), 0)

    def level(self, theme: str, wijk: str) -> str:
        """'empty', 'thin' or 'ok' for a cell."""
        n = self.count(theme, wijk)
        return "empty" if n == 0 else "thin" if n <= THIN else "ok"

    @property
    def empty_cells(self) -> int:
        """Cells where nobody can be called."""
        return sum(1 for t in self.themes for w in self.wijken if self.count(t.key, w) == 0)

    @property
    def thin_cells(self) -> int:
        """Cells with only one person to call."""
        return sum(1 for t in self.themes for w in self.wijken if 0 < self.count(t.key, w) <= THIN)


async def coverage(session: AsyncSession, at: datetime, freshness_days: int) -> Coverage:
    """The coverage of the directory as it is at `at`."""
    people = list(await session.scalars(select(Person).where(Person.active.is_(True))))
    by_id = {p.id: p for p in people}
    themes = tuple(
        ThemeRow(t.key, t.name_nl, t.name_en, t.domain)
        for t in await session.scalars(select(Theme).order_by(Theme.domain, Theme.name_nl))
    )
    wijken = tuple(await session.scalars(select(Wijk.name).order_by(Wijk.name)))

    def callable_(person: Person) -> bool:
        if not person.phone:
            return False
        if not is_absent(person, at):
            return True
        stand_in = by_id.get(person.stand_in_id or 0)
        return stand_in is not None and bool(stand_in.phone) and not is_absent(stand_in, at)

    cells: dict[tuple[str, str], int] = {}
    worked_on: set[str] = set()
    for person in people:
        keys = [t.key for t in person.themes]
        worked_on.update(keys)
        if not callable_(person):
            continue
        covered = [w.name for w in person.wijken] or list(wijken)
        for key in keys:
            for wijk in covered:
                cells[(key, wijk)] = cells.get((key, wijk), 0) + 1
    stale_before = at - timedelta(days=freshness_days)

    def entry(person: Person) -> Entry:
        return Entry(person.id, person.name, person.organisation.name, person.last_confirmed_at)

    by_name = sorted(people, key=lambda p: p.name)
    return Coverage(
        at=at,
        themes=themes,
        wijken=wijken,
        cells=cells,
        not_confirmed=tuple(entry(p) for p in by_name if p.last_confirmed_at < stale_before),
        without_phone=tuple(entry(p) for p in by_name if not p.phone),
        nobody=tuple(t for t in themes if t.key not in worked_on),
        freshness_days=freshness_days,
    )


CSV_HEADER = ("section", "domain", "theme", "wijk", "people", "name", "organisation")


def to_csv(found: Coverage, language: str = "nl") -> str:
    """The same as the page: every cell, then themes nobody works on, then the two lists."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for theme in found.themes:
        for wijk in found.wijken:
            name = theme.name(language)
            writer.writerow(
                ("cell", theme.domain, name, wijk, found.count(theme.key, wijk), "", "")
            )
    for theme in found.nobody:
        writer.writerow(
            ("theme_nobody_works_on", theme.domain, theme.name(language), "", 0, "", "")
        )
    for item in found.not_confirmed:
        writer.writerow(("not_confirmed", "", "", "", "", item.name, item.organisation))
    for item in found.without_phone:
        writer.writerow(("without_phone", "", "", "", "", item.name, item.organisation))
    return buffer.getvalue()
