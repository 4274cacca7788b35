"""Themes and wijken for search, cached per database and checked with one cheap query.

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


@dataclass(frozen=True)
class ThemeRow:
    """What search needs of a theme (hashable, safe to share between sessions)."""

    id: int
    key: str
    name_nl: str
    name_en: str
    domain: str
    synonyms: tuple[str, ...]


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
                Theme.key, Theme.name_nl, Theme.name_en, Theme.domain, cast(Theme.synonyms, String)
            )
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
    themes = tuple(
        ThemeRow(r.id, r.key, r.name_nl, r.name_en, r.domain, tuple(r.synonyms or ()))
        for r in await session.execute(
            select(
                Theme.id, Theme.key, Theme.name_nl, Theme.name_en, Theme.domain, Theme.synonyms
            ).order_by(Theme.id)
        )
    )
    wijken = {name: wid for wid, name in await session.execute(select(Wijk.id, Wijk.name))}
    fresh = Reference(version, themes, {t.key: t for t in themes}, wijken)
    _CACHE[engine] = fresh
    return fresh
