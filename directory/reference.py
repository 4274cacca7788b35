"""Themes and wijken for search, cached per database and checked with one cheap query.

A theme's synonyms here include the words people chose it for when /wie asked back
(directory.models_learned), unless an admin rejected them.

Every /wie needs all themes (to understand the question) and all wijken (to find
"in Molenwijk"). They change rarely (an import, a new wijk through /ik), so each
lookup only asks the database for a fingerprint (counts, highest ids, total text
length) and reloads the rows when it differs. The cache is keyed weakly by engine,
so separate databases (tests, several apps) never see each other's rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.models import Theme, Wijk
from directory.models_learned import REJECTED, LearnedSynonym


@dataclass(frozen=True)
class ThemeRow:
    """What search needs of a theme (hashable, safe to share between sessions)."""

    id: int
    key: str
    name_nl: str
    name_en: str
    domain: str
    synonyms: tuple[str, ...]  # the catalog's, then words people chose it for (learned)
    hints: tuple[str, ...] = ()
    related: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """All themes and wijken of one database at one version."""

    version: tuple[int, ...]
    themes: tuple[ThemeRow, ...]
    by_key: dict[str, ThemeRow]
    wijken: dict[str, int]  # name → id


_CACHE: WeakKeyDictionary[Any, Reference] = WeakKeyDictionary()


@cache
def _fingerprint() -> Any:
    def total(*columns: Any) -> Any:
        return func.coalesce(
            func.sum(sum((func.length(c) for c in columns[1:]), func.length(columns[0]))), 0
        )

    return select(
        select(func.count(Theme.id)).scalar_subquery(),
        select(func.coalesce(func.max(Theme.id), 0)).scalar_subquery(),
        select(
            total(
                Theme.key,
                Theme.name_nl,
                Theme.name_en,
                Theme.domain,
                cast(Theme.synonyms, String),
                cast(Theme.hints, String),
                cast(Theme.related, String),
            )
        ).scalar_subquery(),
        # Learned synonyms: a new one, or a status change (the statuses differ in length).
        select(func.count(LearnedSynonym.id)).scalar_subquery(),
        select(
            total(LearnedSynonym.words, LearnedSynonym.theme_key, LearnedSynonym.status)
        ).scalar_subquery(),
        select(func.count(Wijk.id)).scalar_subquery(),
        select(func.coalesce(func.max(Wijk.id), 0)).scalar_subquery(),
        select(total(Wijk.name)).scalar_subquery(),
    )


async def reference(session: AsyncSession) -> Reference:
    """The current themes and wijken (from the cache when nothing changed)."""
    engine = session.get_bind()
    version = tuple(int(v) for v in (await session.execute(_fingerprint())).one())
    cached = _CACHE.get(engine)
    if cached is not None and cached.version == version:
        return cached
    themes, wijken = await read_rows(session)
    fresh = Reference(version, themes, {t.key: t for t in themes}, wijken)
    _CACHE[engine] = fresh
    return fresh


async def read_rows(session: AsyncSession) -> tuple[tuple[ThemeRow, ...], dict[str, int]]:
    """Every theme (with its learned synonyms) by id, and every wijk (name → id) by id."""
    learned: dict[str, list[str]] = {}
    for words, key in await session.execute(
        select(LearnedSynonym.words, LearnedSynonym.theme_key)
        .where(LearnedSynonym.status != REJECTED)
        .order_by(LearnedSynonym.id)
    ):
        learned.setdefault(key, []).append(words)
    themes = tuple(
        ThemeRow(
            r.id,
            r.key,
            r.name_nl,
            r.name_en,
            r.domain,
            (*(r.synonyms or ()), *learned.get(r.key, ())),
            tuple(r.hints or ()),
            tuple(r.related or ()),
        )
        for r in await session.execute(
            select(
                Theme.id,
                Theme.key,
                Theme.name_nl,
                Theme.name_en,
                Theme.domain,
                Theme.synonyms,
                Theme.hints,
                Theme.related,
            ).order_by(Theme.id)
        )
    )
    wijken = {
        name: wid
        for wid, name in await session.execute(select(Wijk.id, Wijk.name).order_by(Wijk.id))
    }
    return themes, wijken
