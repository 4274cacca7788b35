"""Finding a person by name ('/bel Joost de Wit', 'vervanger Joost'), forgiving typos."""

from __future__ import annotations

from collections.abc import Collection

from rapidfuzz import fuzz, process
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager, raiseload

from directory.matching import normalise
from directory.models import Person, Theme, Wijk, person_themes, person_wijken

# Below this rapidfuzz score a name is not the one meant.
NAME_CUTOFF = 75


async def find_by_name(
    session: AsyncSession, text: str, *, limit: int = 5, active_only: bool = True
) -> list[Person]:
    """People whose name (or e-mail) fits the text, best first; exact names win outright."""
    wanted = text.strip()
    if not wanted:
        return []
    base = select(Person.id, Person.name)
    if active_only:
        base = base.where(Person.active.is_(True))
    if "@" in wanted:
        ids = list(
            await session.scalars(
                select(Person.id).where(func.lower(Person.email) == wanted.lower())
            )
        )
        return await _load(session, ids)
    folded = normalise(wanted)
    words = sorted(folded.split(), key=len, reverse=True)
    if not words:
        return []  # only punctuation or control characters: no name to look for
    # SQL narrows by the longest word; typos and accents fall through to a full fuzzy pass.
    rows = list(
        await session.execute(base.where(func.lower(Person.name).like(f"%{words[0]}%")).limit(500))
    )
    choices = {pid: normalise(name) for pid, name in rows}
    exact = [pid for pid, name in choices.items() if name == folded]
    if exact:
        return await _load(session, exact[:limit])
    found = process.extract(
        folded, choices, scorer=fuzz.WRatio, score_cutoff=NAME_CUTOFF, limit=limit
    )
    if not found:
        everyone = {pid: normalise(name) for pid, name in await session.execute(base)}
        exact = [pid for pid, name in everyone.items() if name == folded]
        if exact:
            return await _load(session, exact[:limit])
        found = process.extract(
            folded, everyone, scorer=fuzz.ratio, score_cutoff=NAME_CUTOFF, limit=limit
        )
    if not found:
        return []
    best = found[0][1]
    # A clear winner is the one meant; otherwise show the close ones to choose from.
    ids = [pid for _name, score, pid in found if score >= best - 5]
    return await _load(session, ids)


async def _load(session: AsyncSession, ids: list[int]) -> list[Person]:
    people = await load_people(session, ids)
    return [people[i] for i in ids if i in people]


async def load_people(session: AsyncSession, ids: Collection[int]) -> dict[int, Person]:
    """People by id with organisation, themes and wijken, in one flat query (not accounts)."""
    if not ids:
        return {}
    rows = await session.scalars(
        select(Person)
        .outerjoin(person_themes, person_themes.c.person_id == Person.id)
        .outerjoin(Theme, Theme.id == person_themes.c.theme_id)
        .outerjoin(person_wijken, person_wijken.c.person_id == Person.id)
        .outerjoin(Wijk, Wijk.id == person_wijken.c.wijk_id)
        .where(Person.id.in_(list(ids)))
        .options(
            contains_eager(Person.themes),
            contains_eager(Person.wijken),
            raiseload(Person.accounts),
        )
    )
    return {p.id: p for p in rows.unique()}
