"""The theme catalog: a TOML file shipped with the project, editable per municipality."""

from __future__ import annotations

import hashlib
import sys
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory import kept
from directory.models import Theme

CATALOG = Path(__file__).resolve().parent / "data" / "themes.toml"
DOMAINS = ("Jeugd", "Wmo", "Participatie", "Opvang")


@dataclass(frozen=True)
class CatalogTheme:
    """One theme as written in the catalog file."""

    key: str
    nl: str
    en: str
    domain: str
    synonyms: tuple[str, ...]
    related: tuple[str, ...]
    hints: tuple[str, ...] = ()


class CatalogError(ValueError):
    """The catalog file is wrong; the message names the theme and the problem."""


@cache
def load_catalog(path: Path = CATALOG) -> tuple[CatalogTheme, ...]:
    """Read and check the catalog file."""
    raw = parsed_toml(path.read_text(encoding="utf-8"))
    themes: list[CatalogTheme] = []
    for entry in raw.get("theme", []):
        try:
            theme = CatalogTheme(
                key=str(entry["key"]).strip().lower(),
                nl=str(entry["nl"]),
                en=str(entry["en"]),
                domain=str(entry["domain"]),
                synonyms=tuple(str(s).strip().lower() for s in entry.get("synonyms", [])),
                related=tuple(str(r) for r in entry.get("related", [])),
                hints=tuple(str(h).strip().lower() for h in entry.get("hints", [])),
            )
        except KeyError as error:
            raise CatalogError(f"{path}: theme {entry!r} misses {error}") from error
        if theme.domain not in DOMAINS:
            raise CatalogError(f"{path}: theme {theme.key!r} has unknown domain {theme.domain!r}")
        themes.append(theme)
    keys = [t.key for t in themes]
    if len(keys) != len(set(keys)):
        raise CatalogError(f"{path}: duplicate theme keys")
    for theme in themes:
        unknown = set(theme.related) - set(keys)
        if unknown:
            raise CatalogError(f"{path}: theme {theme.key!r} relates to unknown {sorted(unknown)}")
    return tuple(themes)


def parsed_toml(text: str) -> dict[str, Any]:
    """The catalog's TOML as data; kept on disk by its text (`directory.kept`), since every
    start reads it and `tomllib` takes 0.012 s over the shipped catalog."""
    name = hashlib.sha256(f"{sys.version}\n{text}".encode()).hexdigest()[:32]
    return kept.load_or_make(
        "theme-catalog", name, lambda: tomllib.loads(text), to_state=dict, from_state=dict
    )


async def sync_catalog(session: AsyncSession, path: Path = CATALOG) -> int:
    """Create or update catalog themes; themes made by imports stay. Returns the changes."""
    existing = {t.key: t for t in await session.scalars(select(Theme))}
    changes = 0
    for entry in load_catalog(path):
        row = existing.get(entry.key)
        values = {
            "name_nl": entry.nl,
            "name_en": entry.en,
            "domain": entry.domain,
            "synonyms": list(entry.synonyms),
            "related": list(entry.related),
            "hints": list(entry.hints),
            "from_catalog": True,
        }
        if row is None:
            session.add(Theme(key=entry.key, **values))
            changes += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(row, key, value)
            changes += 1
    return changes
