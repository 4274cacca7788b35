"""/wie: the few people to call about a social problem, best first.

Ranking, in order of weight (directory.scoring): how well a person's themes match the
question; whether they can be called right now; whether they work in the wijk asked
about (or the asker's wijken); whether they already know the asker. Among people equal
on all of that, whoever can be called sooner comes first (at night: 08:30 tomorrow before
Wednesday), then the lower id. Someone who is away is replaced by their stand-in. When
nobody matches, the oliemannetje of the closest domain is named, with the reason, never
"niet ons domein".

Understanding the question (the wijk, then weighted themes) happens here, once, for
every *source* of the directory: the in-memory index (directory.index) or the database
(directory.sql_source, the reference). A source turns weighted themes, a wijk and an
asker into ranked people.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import ContactCard
from directory.candidates import DROPPED
from directory.fallback import oliemannetje_for
from directory.matching import normalise
from directory.person_view import PersonView
from directory.place import Place
from directory.reachability import reachable_now
from directory.reference import Reference, ThemeRow, reference
from directory.scoring import Ranked
from directory.sql_source import SqlDirectory
from directory.understanding import Understanding, understand

__all__ = [
    "DROPPED",
    "Match",
    "SearchResult",
    "Source",
    "find_people",
    "oliemannetje_for",
    "search_people",
]


@dataclass(frozen=True)
class Match:
    """One person to call, with why they rank where they do."""

    person: PersonView  # with organisation, themes, wijken
    score: float
    matched_themes: tuple[str, ...]  # theme keys that matched
    reachable_now: bool
    substitute_for: PersonView | None = None  # set when `person` stands in for an absent match
    knows_asker: bool = False


@dataclass(frozen=True)
class SearchResult:
    """The ranked people for a question, what was understood, and a fallback when empty."""

    matches: tuple[Match, ...]
    themes: tuple[str, ...]  # theme keys understood from the query
    wijk: str | None
    fallback: Match | None = None  # oliemannetje (or other fallback person) when nothing matched
    fallback_reason: str = ""  # untranslated Dutch msgid explaining why
    # Values for fallback_reason: name, domain; the caller adds {themes} in its own language.
    fallback_values: Mapping[str, str] = field(default_factory=dict)
    # Dutch and English names of the understood theme keys.
    theme_names: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    # 'in Xyzwijk' that names no known wijk (the answer then covers the whole municipality),
    # with the known wijken that look most like it.
    unknown_wijk: str | None = None
    wijk_hints: tuple[str, ...] = ()


class Source(Protocol):
    """Where search reads the directory: the in-memory index, or the database."""

    async def reference(self) -> Reference:
        """Every theme and wijk."""
        ...

    async def rank(
        self,
        weights: Mapping[int, float],
        *,
        prefer: Sequence[int] | None,
        explicit: bool,
        asker_id: int | None,
        exclude: Collection[int],
        prefer_asker_wijken: bool,
        now: datetime,
        timezone: str,
        limit: int,
    ) -> list[Ranked]:
        """The best `limit` people for theme weights (theme id → weight), a wijk, an asker."""
        ...

    async def people(self, ids: Collection[int]) -> Mapping[int, PersonView]:
        """People by id, with organisation, themes and wijken."""
        ...

    def card(
        self,
        person: PersonView,
        now: datetime,
        tr: Translator,
        *,
        show_contact: bool,
        note: str = "",
    ) -> ContactCard:
        """`directory.cards.contact_card` for a person this source gave (it may reuse one)."""
        ...

    async def fallback(
        self, ref: Reference, text: str, keys: tuple[str, ...], exclude: Collection[int]
    ) -> tuple[PersonView | None, str, dict[str, str]]:
        """The person to name when nobody matched, the reason (msgid) and its values."""
        ...

    async def stand_in_if_away(self, person: PersonView, now: datetime) -> PersonView | None:
        """The stand-in to name instead of an absent person."""
        ...

    async def role_holders(self, role: str) -> list[int]:
        """Active, not dropped holders of a special role, by id."""
        ...

    async def covering(self, ids: Collection[int], wijk_id: int) -> set[int]:
        """Which of these people work in the wijk."""
        ...


async def load_themes(session: AsyncSession) -> tuple[ThemeRow, ...]:
    """Every theme (id, key, names, domain, synonyms), from the per-database cache."""
    return (await reference(session)).themes


async def find_people(
    session: AsyncSession,
    query: str,
    *,
    now: datetime,
    timezone: str = "Europe/Amsterdam",
    asker_id: int | None = None,
    wijk: str | None = None,
    limit: int = 5,
    exclude: Collection[int] = (),
    ref: Reference | None = None,
    understood: Understanding | None = None,
) -> SearchResult:
    """search_people on the database (the SQL path)."""
    return await search_people(
        SqlDirectory(session),
        query,
        now=now,
        timezone=timezone,
        asker_id=asker_id,
        wijk=wijk,
        limit=limit,
        exclude=exclude,
        ref=ref,
        understood=understood,
    )


async def search_people(
    source: Source,
    query: str,
    *,
    now: datetime,
    timezone: str = "Europe/Amsterdam",
    asker_id: int | None = None,
    wijk: str | None = None,
    limit: int = 5,
    exclude: Collection[int] = (),
    ref: Reference | None = None,
    understood: Understanding | None = None,
) -> SearchResult:
    """The best people to call about `query` (free text, optionally ending 'in <wijk>');
    `ref` saves the themes-and-wijken check when the caller has just made it, and
    `understood` the understanding step (weighted themes and place) when it has that."""
    ref = ref or await source.reference()
    if understood is None:
        understood = understand(query, ref, ask_back=False)
    place = understood.place
    text, named = place.text, place.wijk
    if wijk is not None:
        named = next((n for n in ref.wijken if normalise(n) == normalise(wijk)), wijk)
        place = Place(text, named)
    themes = [(k, score) for k, score in understood.themes if k in ref.by_key]
    keys = tuple(k for k, _ in themes)
    weights = {ref.by_key[k].id: score for k, score in themes}
    prefer = [ref.wijken[named]] if named in ref.wijken else None
    best: list[Ranked] = []
    if weights:
        best = await source.rank(
            weights,
            prefer=prefer,
            explicit=named is not None,
            asker_id=asker_id,
            exclude=exclude,
            # No wijk asked: prefer people working where the asker works.
            prefer_asker_wijken=named is None,
            now=now,
            timezone=timezone,
            limit=limit,
        )
    if not best:
        found = await _fallback(source, ref, text, keys, named, exclude, now, timezone)
        return replace(found, unknown_wijk=place.unknown, wijk_hints=place.hints)
    people = await source.people(
        {b.person_id for b in best} | {b.substitute_for for b in best if b.substitute_for}
    )
    matches = []
    for row in best:
        absent = people[row.substitute_for] if row.substitute_for is not None else None
        held = {t.key for t in (absent or people[row.person_id]).themes}
        matches.append(
            Match(
                person=people[row.person_id],
                score=row.score,
                matched_themes=tuple(k for k in keys if k in held),
                reachable_now=row.reachable,
                substitute_for=absent,
                knows_asker=row.knows,
            )
        )
    return SearchResult(
        matches=tuple(matches),
        themes=keys,
        wijk=named,
        theme_names=theme_names(ref, keys),
        unknown_wijk=place.unknown,
        wijk_hints=place.hints,
    )


def theme_names(ref: Reference, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
    """Dutch and English names of theme keys."""
    return {k: (ref.by_key[k].name_nl, ref.by_key[k].name_en) for k in keys if k in ref.by_key}


async def _fallback(
    source: Source,
    ref: Reference,
    text: str,
    keys: tuple[str, ...],
    wijk: str | None,
    exclude: Collection[int],
    now: datetime,
    timezone: str,
) -> SearchResult:
    """Nobody matched: name the oliemannetje of the closest domain (or their stand-in)."""
    person, reason, values = await source.fallback(ref, text, keys, exclude)
    names = theme_names(ref, keys)
    if person is None:
        return SearchResult((), keys, wijk, None, reason, values, names)
    stand_in = await source.stand_in_if_away(person, now)
    shown = stand_in or person
    match = Match(
        person=shown,
        score=0.0,
        matched_themes=(),
        reachable_now=reachable_now(shown, now, timezone),
        substitute_for=person if stand_in is not None else None,
    )
    return SearchResult((), keys, wijk, match, reason, values, names)
