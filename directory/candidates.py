"""Choosing whom to rank, in SQL: a bounded pool of people holding the understood themes.

Aggregating every holder of a popular theme is too slow in a 100,000-person
directory (a common theme has tens of thousands of holders), so the pool is built
from small tiers that each stop after TIER_LIMIT rows and that indexes answer
directly: people holding the two strongest themes together; per theme, people in
the preferred wijken, people covering the whole municipality, people the asker
knows, and anyone. A second step in the same statement scores only the pooled
people: theme weight, wijk fit and acquaintance. In a directory the size of one
municipality every tier holds everyone, so the ranking there is exact.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    Float,
    Integer,
    and_,
    bindparam,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from directory.models import Acquaintance, Person, person_themes, person_wijken

# confirm_reminders_sent at or above this: two reminders went unanswered; hidden from /wie.
DROPPED = 3
TIER_LIMIT = 30
MAX_THEMES = 3
# Themes that count for the score (the tiers use the MAX_THEMES strongest).
MAX_WEIGHTS = 6


@dataclass
class Candidate:
    """One pooled person with what ranking needs."""

    person_id: int
    theme_score: float
    wijk_flag: int  # 2: works in a preferred wijk, 1: whole municipality, 0: elsewhere
    knows: bool
    availability: list[list[int]]
    absent_from: datetime | None
    absent_until: datetime | None
    stand_in_id: int | None
    # Someone without a phone number cannot be called: they come after everyone who can.
    has_phone: bool = True


def _bounded(query: Any, person_id: Any, exclude: bool) -> Any:
    """One tier: at most TIER_LIMIT people, found through indexes alone.

    Whether someone is active, dropped out or excluded is checked once on the pooled rows:
    fetching every scanned person's row here would cost more than the tier saves.
    """
    if exclude:
        query = query.where(person_id.notin_(bindparam("exclude", expanding=True)))
    return query.limit(TIER_LIMIT).subquery()


def _known_ids() -> Any:
    asker = bindparam("asker", type_=Integer)
    return union_all(
        select(Acquaintance.person_b).where(Acquaintance.person_a == asker),
        select(Acquaintance.person_a).where(Acquaintance.person_b == asker),
    )


def _in_preferred(wijk_of: Any, person_id: Any, prefer: str) -> Any:
    """A condition on a person_wijken row: its wijk is one asked about, or one of the asker's.

    The asker's wijken are joined row by row (a correlated probe of the primary key) rather
    than as IN (subquery), which PostgreSQL would otherwise hash over every person in them.
    """
    if prefer == "list":
        return wijk_of.c.wijk_id.in_(bindparam("prefer", expanding=True))
    asker_wijk = person_wijken.alias("asker_wijk")
    return exists().where(
        asker_wijk.c.person_id == bindparam("asker", type_=Integer),
        asker_wijk.c.wijk_id == wijk_of.c.wijk_id,
    )


@lru_cache(maxsize=256)
def _statement(
    themes: int, weights: int, prefer: str, explicit: bool, asker: bool, exclude: bool
) -> Any:
    """The pooled, scored candidate query for one shape of question; built once per shape.

    Building these constructs costs milliseconds; with bound parameters one statement
    per shape serves every question of that shape (SQLAlchemy then reuses its compiled form).
    """
    pt = person_themes
    wijken = prefer in ("list", "asker")
    tiers: list[Any] = []
    if themes >= 2:
        other = person_themes.alias("other_theme")
        both = (
            select(pt.c.person_id.label("pid"))
            .join(
                other,
                and_(other.c.person_id == pt.c.person_id, other.c.theme_id == bindparam("t1")),
            )
            .where(pt.c.theme_id == bindparam("t0"))
        )
        tiers.append(_bounded(both, pt.c.person_id, exclude))
    for index in range(themes):
        holders = select(pt.c.person_id.label("pid")).where(pt.c.theme_id == bindparam(f"t{index}"))
        if wijken:
            local = holders.join(person_wijken, person_wijken.c.person_id == pt.c.person_id).where(
                _in_preferred(person_wijken, pt.c.person_id, prefer)
            )
            tiers.append(_bounded(local, pt.c.person_id, exclude))
        if explicit:
            town = holders.where(~exists().where(person_wijken.c.person_id == pt.c.person_id))
            tiers.append(_bounded(town, pt.c.person_id, exclude))
        if asker:
            known = holders.where(pt.c.person_id.in_(_known_ids()))
            tiers.append(_bounded(known, pt.c.person_id, exclude))
        tiers.append(_bounded(holders, pt.c.person_id, exclude))
    pool = union_all(*(select(t.c.pid) for t in tiers))
    score = (
        select(
            func.sum(
                case(
                    *(
                        (pt.c.theme_id == bindparam(f"w{i}"), bindparam(f"v{i}", type_=Float))
                        for i in range(weights)
                    ),
                    else_=0.0,
                )
            )
        )
        .where(
            pt.c.person_id == Person.id,
            pt.c.theme_id.in_([bindparam(f"w{i}") for i in range(weights)]),
        )
        .scalar_subquery()
    )
    wijk_flag: Any = literal(0)
    if wijken:
        # A scalar subquery with LIMIT is probed per pooled person; PostgreSQL would turn an
        # EXISTS into a hash over everyone in those wijken.
        in_wijk = (
            select(literal(1))
            .select_from(person_wijken)
            .where(
                person_wijken.c.person_id == Person.id,
                _in_preferred(person_wijken, Person.id, prefer),
            )
            .limit(1)
            .scalar_subquery()
            .is_not(None)
        )
        anywhere = ~exists().where(person_wijken.c.person_id == Person.id)
        wijk_flag = case((in_wijk, 2), (anywhere, 1), else_=0)
    knows: Any = literal(False)
    if asker:
        asker_id = bindparam("asker", type_=Integer)
        knows = exists().where(
            or_(
                and_(Acquaintance.person_a == asker_id, Acquaintance.person_b == Person.id),
                and_(Acquaintance.person_b == asker_id, Acquaintance.person_a == Person.id),
            )
        )
    return select(
        Person.id,
        score,
        wijk_flag,
        knows,
        Person.availability,
        Person.absent_from,
        Person.absent_until,
        Person.stand_in_id,
        Person.phone.is_not(None),
    ).where(
        Person.id.in_(pool),
        Person.active.is_(True),
        Person.confirm_reminders_sent < DROPPED,
    )


async def candidates(
    session: AsyncSession,
    weights: Mapping[int, float],
    *,
    prefer: list[int] | None,
    explicit: bool,
    asker_id: int | None,
    exclude: Collection[int],
    prefer_asker_wijken: bool = False,
) -> list[Candidate]:
    """The pool for ranking, scored on theme weight, wijk and acquaintance (one statement).

    `prefer` lists the wijk ids asked about; without it, `prefer_asker_wijken` prefers
    the wijken of the asker.
    """
    ordered = sorted(weights, key=lambda tid: -weights[tid])[:MAX_WEIGHTS]
    strongest = ordered[:MAX_THEMES]
    kind = "list" if prefer else ("asker" if prefer_asker_wijken and asker_id else "none")
    statement = _statement(
        len(strongest),
        len(ordered),
        kind,
        explicit and bool(prefer),
        asker_id is not None,
        bool(exclude),
    )
    params: dict[str, Any] = {f"t{i}": tid for i, tid in enumerate(strongest)}
    for i, tid in enumerate(ordered):
        params[f"w{i}"], params[f"v{i}"] = tid, float(weights[tid])
    if kind == "list":
        params["prefer"] = list(prefer or ())
    if asker_id is not None:
        params["asker"] = asker_id
    if exclude:
        params["exclude"] = list(exclude)
    rows = await session.execute(statement, params)
    return [
        Candidate(
            person_id=r[0],
            theme_score=float(r[1] or 0.0),
            wijk_flag=int(r[2] or 0),
            knows=bool(r[3]),
            availability=r[4] or [],
            absent_from=r[5],
            absent_until=r[6],
            stand_in_id=r[7],
            has_phone=bool(r[8]),
        )
        for r in rows
    ]
