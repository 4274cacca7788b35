"""Report sections about the network itself: connections, knelpunten, directory freshness
and theme coverage. Counts and names of themes and wijken; never names of people."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from directory.models import Acquaintance, Person, Theme, Wijk, person_themes, person_wijken
from directory.reachability import is_absent
from reports.figures import ConnectionFigures, DirectoryFigures, KnelpuntFigures

KNELPUNT_TABLES = ("knelpunten", "knelpunt_supports")


async def connection_figures(
    session: AsyncSession, start: datetime, end: datetime
) -> ConnectionFigures:
    """Acquaintances recorded in [start, end); cross-organisation when the two work apart."""
    a, b = aliased(Person), aliased(Person)
    rows = (
        await session.execute(
            select(a.organisation_id, b.organisation_id)
            .select_from(Acquaintance)
            .join(a, a.id == Acquaintance.person_a)
            .join(b, b.id == Acquaintance.person_b)
            .where(Acquaintance.since >= start, Acquaintance.since < end)
        )
    ).all()
    return ConnectionFigures(
        new=len(rows), cross_organisation=sum(1 for org_a, org_b in rows if org_a != org_b)
    )


async def knelpunt_figures(
    session: AsyncSession, start: datetime, end: datetime
) -> KnelpuntFigures:
    """Opened and closed in [start, end), open at the end, and 'ik ook' added in the month."""
    from knelpunten.models import Knelpunt, KnelpuntSupport

    def closed(status: str) -> Select[Any]:
        return select(func.count()).where(
            Knelpunt.status == status, Knelpunt.closed_at >= start, Knelpunt.closed_at < end
        )

    async def count(query: Select[Any]) -> int:
        return int(await session.scalar(query) or 0)

    return KnelpuntFigures(
        opened=await count(
            select(func.count()).where(Knelpunt.created_at >= start, Knelpunt.created_at < end)
        ),
        solved=await count(closed("opgelost")),
        structural=await count(closed("structureel")),
        unchangeable=await count(closed("niet_aan_te_passen")),
        open_at_end=await count(
            select(func.count()).where(
                Knelpunt.created_at < end,
                (Knelpunt.closed_at.is_(None)) | (Knelpunt.closed_at >= end),
            )
        ),
        me_too=await count(
            select(func.count()).where(KnelpuntSupport.at >= start, KnelpuntSupport.at < end)
        ),
    )


@dataclass(frozen=True)
class _Entry:
    """The columns of a person that reachability needs (no ORM objects: thousands of rows)."""

    id: int
    phone: str | None
    absent_from: datetime | None
    absent_until: datetime | None
    stand_in_id: int | None
    last_confirmed_at: datetime
    availability: list[list[int]] = field(default_factory=list)


async def directory_figures(
    session: AsyncSession, at: datetime, freshness_days: int, *, read_on: date | None = None
) -> DirectoryFigures:
    """Freshness and coverage as of `at`: who is active, stale, and which themes and wijken
    have nobody reachable (active, with a phone, not away or away with a stand-in)."""
    rows = await session.execute(
        select(
            Person.id,
            Person.phone,
            Person.absent_from,
            Person.absent_until,
            Person.stand_in_id,
            Person.last_confirmed_at,
        ).where(Person.active.is_(True))
    )
    people = {row.id: _Entry(*row) for row in rows}
    stale_before = at - timedelta(days=freshness_days)

    def reachable(person: _Entry) -> bool:
        if not person.phone:
            return False
        if not is_absent(person, at):
            return True
        stand_in = people.get(person.stand_in_id or 0)
        return stand_in is not None and bool(stand_in.phone) and not is_absent(stand_in, at)

    covering = {p.id for p in people.values() if reachable(p)}
    theme_links = await session.execute(select(person_themes.c.person_id, person_themes.c.theme_id))
    wijk_links = await session.execute(select(person_wijken.c.person_id, person_wijken.c.wijk_id))
    covered_themes = {theme for person, theme in theme_links.all() if person in covering}
    covered_wijken = {wijk for person, wijk in wijk_links.all() if person in covering}
    themes = list(await session.scalars(select(Theme).order_by(Theme.name_nl)))
    wijken = list(await session.scalars(select(Wijk).order_by(Wijk.name)))
    uncovered = [t for t in themes if t.id not in covered_themes]
    return DirectoryFigures(
        active_people=len(people),
        stale=sum(1 for p in people.values() if p.last_confirmed_at < stale_before),
        themes_total=len(themes),
        themes_uncovered=tuple(t.key for t in uncovered),
        wijken_total=len(wijken),
        wijken_uncovered=tuple(w.name for w in wijken if w.id not in covered_wijken),
        theme_names={t.key: (t.name_nl, t.name_en) for t in uncovered},
        read_on=read_on,
    )
