"""A dialoogtafel works best with a mixed table: different organisations, roles and experience.

The proposal picks people for the theme one at a time: people who work on the table's theme
before anyone else, and among them each time the one who adds most that is not at the table
yet (a new organisation first, then a new role). It seats an ervaringsdeskundige when the
directory lists one, but one who works on another theme only at a table of two or more.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.models import Person, Theme, person_themes

EXPERIENCE = "ervaringsdeskundige"


@dataclass(frozen=True)
class Candidate:
    """Someone who could join the table."""

    person_id: int
    name: str
    organisation: str
    role: str
    roles: tuple[str, ...] = ()
    on_theme: bool = True

    @property
    def kind(self) -> str:
        """The role that counts for the mix: a special role first, else the job title."""
        if EXPERIENCE in self.roles:
            return EXPERIENCE
        return self.role or (self.roles[0] if self.roles else "")


@dataclass(frozen=True)
class Mix:
    """Who is at the table, counted by organisation and by role."""

    organisations: tuple[tuple[str, int], ...]
    roles: tuple[tuple[str, int], ...]
    people: int


def propose(candidates: Sequence[Candidate], size: int, rng: random.Random) -> list[Candidate]:
    """Up to `size` people: those on the table's theme first, as mixed as they allow (ties
    broken by `rng`), with an ervaringsdeskundige among them."""
    pool = list(candidates)
    rng.shuffle(pool)
    chosen: list[Candidate] = []
    experienced = [c for c in pool if EXPERIENCE in c.roles]
    if experienced and size > 0:
        first = max(experienced, key=lambda c: c.on_theme)
        # One who works on another theme takes a seat only beside someone on the theme
        # (a table of one is for the theme), unless nobody else works on it.
        others_on_theme = any(c.on_theme for c in pool if c is not first)
        if first.on_theme or size > 1 or not others_on_theme:
            chosen.append(first)
            pool.remove(first)
    while pool and len(chosen) < size:
        best = max(pool, key=lambda c: (c.on_theme, _gain(c, chosen)))
        chosen.append(best)
        pool.remove(best)
    return chosen


def _gain(candidate: Candidate, table: Sequence[Candidate]) -> int:
    organisations = {c.organisation for c in table}
    kinds = {c.kind for c in table}
    gain = 4 if candidate.organisation not in organisations else 0
    gain += 2 if candidate.kind not in kinds else 0
    return gain


def mix_of(people: Iterable[Candidate]) -> Mix:
    """Count a table by organisation and role, largest groups first."""
    seated = list(people)
    organisations = Counter(c.organisation for c in seated)
    roles = Counter(c.kind for c in seated if c.kind)
    return Mix(
        tuple(sorted(organisations.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple(sorted(roles.items(), key=lambda kv: (-kv[1], kv[0]))),
        len(seated),
    )


def candidate_of(person: Person, theme_keys: Iterable[str] = ()) -> Candidate:
    """A directory person as a candidate."""
    keys = set(theme_keys)
    return Candidate(
        person_id=person.id,
        name=person.name,
        organisation=person.organisation.name,
        role=person.role_title or "",
        roles=tuple(person.roles or ()),
        on_theme=not keys or any(t.key in keys for t in person.themes),
    )


async def candidates(
    session: AsyncSession, theme_keys: Sequence[str], exclude: Iterable[int] = ()
) -> list[Candidate]:
    """Active people working on the themes, plus every ervaringsdeskundige."""
    skip = set(exclude)
    query = select(Person).where(Person.active.is_(True))
    people = list(await session.scalars(query.order_by(Person.id)))
    on_theme: set[int] = set()
    if theme_keys:
        on_theme = set(
            await session.scalars(
                select(person_themes.c.person_id)
                .join(Theme, Theme.id == person_themes.c.theme_id)
                .where(Theme.key.in_(list(theme_keys)))
            )
        )
    found = []
    for person in people:
        if person.id in skip:
            continue
        if theme_keys and person.id not in on_theme and not person.has_role(EXPERIENCE):
            continue
        found.append(candidate_of(person, theme_keys))
    return found
