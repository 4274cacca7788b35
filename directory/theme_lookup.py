"""Naming a theme in a CSV cell or a /ik edit: by key, name or synonym; new ones are created."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.lengths import stored_length
from directory.matching import closest_themes, normalise, understand_themes
from directory.models import Theme

# A cell that is only this sure of one theme (a typo of its name) counts as that theme.
TYPO_SCORE = 0.9


class ThemeResolver:
    """Resolves theme names for one transaction; creates unknown themes (from_catalog False)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}
        self.names: dict[str, str] = {}
        self.synonyms: dict[str, list[str]] = {}
        self.rows: list[Theme] = []
        self._cache: dict[str, list[int]] = {}

    async def load(self, session: AsyncSession) -> None:
        """Read every theme once."""
        self.rows = list(await session.scalars(select(Theme).order_by(Theme.id)))
        for theme in self.rows:
            self.ids[theme.key] = theme.id
            for name in (theme.key, theme.key.replace("_", " "), theme.name_nl, theme.name_en):
                self.names.setdefault(normalise(name), theme.key)
            for synonym in theme.synonyms or ():
                self.synonyms.setdefault(normalise(synonym), []).append(theme.key)

    def known(self, cell: str) -> list[str]:
        """Theme keys for a cell without creating anything; [] when unknown."""
        text = normalise(cell)
        if not text:
            return []
        if text in self.names:
            return [self.names[text]]
        if text in self.synonyms:
            return list(dict.fromkeys(self.synonyms[text]))
        understood = understand_themes(cell, self.rows)
        if understood and understood[0][1] >= TYPO_SCORE:
            top = understood[0][1]
            best = [key for key, score in understood if score >= top - 0.01]
            if len(best) == 1:
                return best
        return []

    def suggestions(self, cell: str) -> list[str]:
        """Close theme keys for a 'did you mean'."""
        return closest_themes(cell, self.rows, limit=3)

    async def resolve(
        self, session: AsyncSession, cells: tuple[str, ...], new: list[str]
    ) -> list[int]:
        """Theme ids for the cells of one row; unknown themes are created and added to `new`."""
        ids: list[int] = []
        for cell in cells:
            cached = self._cache.get(cell)
            if cached is None:
                cached = [self.ids[k] for k in self.known(cell)] or [
                    await self._create(session, cell, new)
                ]
                self._cache[cell] = cached
            ids.extend(cached)
        return list(dict.fromkeys(ids))

    async def _create(self, session: AsyncSession, cell: str, new: list[str]) -> int:
        name = " ".join(cell.split())
        key = self._free_key(normalise(name).replace(" ", "_") or "thema")
        guess = next(iter(closest_themes(name, self.rows, limit=1)), None)
        domain = next((t.domain for t in self.rows if t.key == guess), "Wmo")
        theme_id = await session.scalar(
            insert(Theme)
            .values(
                key=key,
                name_nl=name,
                name_en=name,
                domain=domain,
                synonyms=[],
                related=[],
                from_catalog=False,
            )
            .returning(Theme.id)
        )
        assert theme_id is not None
        self.ids[key] = theme_id
        self.names[normalise(name)] = key
        new.append(name)
        return theme_id

    def _free_key(self, wanted: str) -> str:
        """The key cut to what themes.key holds, numbered when another theme has it (two long
        names can start alike)."""
        limit = stored_length(Theme.__table__.c.key)
        key = wanted[:limit]
        number = 2
        while key in self.ids:
            suffix = f"_{number}"
            key = wanted[: limit - len(suffix)] + suffix
            number += 1
        return key
