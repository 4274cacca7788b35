"""/wie: the few people to call about a social problem, best first.

Ranking, in order of weight: how well a person's themes match the question; whether
they can be called right now; whether they work in the wijk asked about (or the
asker's wijken); whether they already know the asker. Among people equal on all of
that, whoever can be called sooner comes first (at night: 08:30 tomorrow before
Wednesday). Someone who is away is replaced by their stand-in. When nobody matches,
the oliemannetje of the closest domain is named, with the reason, never "niet ons domein".

SQL picks a bounded pool of candidates and scores theme, wijk and acquaintance
(directory.candidates); reachability is scored in Python on that pool only; full
rows are loaded for the winners only. Themes and wijken come from a per-database
cache (directory.reference), the theme matcher from a per-catalog cache.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.candidates import DROPPED, Candidate, candidates
from directory.fallback import fallback_person, oliemannetje_for, stand_in_if_away
from directory.matching import normalise
from directory.models import Acquaintance, Person
from directory.people import load_people
from directory.place import Place
from directory.reachability import (
    CallMoments,
    Reachable,
    is_absent,
    local_now,
    reachable_at,
    reachable_now,
)
from directory.reference import Reference, ThemeRow, reference
from directory.understanding import Understanding, understand

WEIGHT_REACHABLE = 0.5
WEIGHT_WIJK = 0.2
WEIGHT_WHOLE_TOWN = 0.1
WEIGHT_ASKER_WIJK = 0.1
WEIGHT_KNOWS = 0.1
PENALTY_ABSENT = 0.2
# More than every bonus together: whoever can be called comes before whoever cannot.
PENALTY_NO_PHONE = 2.0

__all__ = ["DROPPED", "Match", "SearchResult", "find_people", "oliemannetje_for"]


@dataclass(frozen=True)
class Match:
    """One person to call, with why they rank where they do."""

    person: Person  # loaded with organisation, themes, wijken
    score: float
    matched_themes: tuple[str, ...]  # theme keys that matched
    reachable_now: bool
    substitute_for: Person | None = None  # set when `person` stands in for an absent match
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
    """The best people to call about `query` (free text, optionally ending 'in <wijk>');
    `ref` saves the themes-and-wijken check when the caller has just made it, and
    `understood` the understanding step (weighted themes and place) when it has that."""
    ref = ref or await reference(session)
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
    pool: list[Candidate] = []
    if weights:
        pool = await candidates(
            session,
            weights,
            prefer=prefer,
            explicit=named is not None,
            asker_id=asker_id,
            exclude=exclude,
            # No wijk asked: prefer people working where the asker works.
            prefer_asker_wijken=named is None,
        )
    if not pool:
        found = await _fallback(session, ref, text, keys, named, exclude, now, timezone)
        return replace(found, unknown_wijk=place.unknown, wijk_hints=place.hints)
    ranked = await _rank(
        session, pool, sum(weights.values()), named is not None, now, timezone, asker_id, exclude
    )
    best = ranked[:limit]
    people = await load_people(
        session, {b[1] for b in best} | {b[2] for b in best if b[2] is not None}
    )
    matches = []
    for score, pid, substitute, reachable, knows in best:
        source = people[substitute] if substitute is not None else people[pid]
        held = {t.key for t in source.themes}
        matches.append(
            Match(
                person=people[pid],
                score=score,
                matched_themes=tuple(k for k in keys if k in held),
                reachable_now=reachable,
                substitute_for=people[substitute] if substitute is not None else None,
                knows_asker=knows,
            )
        )
    return SearchResult(
        matches=tuple(matches),
        themes=keys,
        wijk=named,
        theme_names=_names(ref, keys),
        unknown_wijk=place.unknown,
        wijk_hints=place.hints,
    )


async def _rank(
    session: AsyncSession,
    pool: list[Candidate],
    total: float,
    explicit: bool,
    now: datetime,
    timezone: str,
    asker_id: int | None,
    exclude: Collection[int],
) -> list[tuple[float, int, int | None, bool, bool]]:
    """(score, person to show, absent person they replace, reachable, knows), best first."""
    stand_ins = await _stand_ins(session, pool, now, exclude, asker_id)
    at = local_now(now, timezone)
    ranked: dict[int, tuple[float, int, int | None, bool, bool]] = {}
    # Whose call windows decide when the shown person can be called (None: no phone).
    schedule: dict[int, Reachable | None] = {}
    for cand in pool:
        who, substitute, knows, callable_ = cand.person_id, None, cand.knows, cand.has_phone
        shown: Reachable = cand
        reachable = reachable_at(cand, at)
        penalty = 0.0
        if is_absent(cand, now):
            stand_in = stand_ins.get(cand.stand_in_id or 0)
            if stand_in is not None:
                who, substitute, knows = stand_in.person_id, cand.person_id, stand_in.knows
                reachable, callable_ = reachable_at(stand_in, at), stand_in.has_phone
                shown = stand_in
            else:
                penalty = PENALTY_ABSENT
        if not callable_:
            reachable, penalty = False, penalty + PENALTY_NO_PHONE
        score = round(
            min(cand.theme_score / total, 1.0)
            + (WEIGHT_REACHABLE if reachable else 0.0)
            + _wijk_weight(cand.wijk_flag, explicit)
            + (WEIGHT_KNOWS if knows else 0.0)
            - penalty,
            4,
        )
        if who not in ranked or ranked[who][0] < score:
            ranked[who] = (score, who, substitute, reachable, knows)
            schedule[who] = shown if callable_ else None
    moments = CallMoments(now, timezone)

    def order(row: tuple[float, int, int | None, bool, bool]) -> tuple[float, float, int]:
        score, who, _, reachable, _ = row
        if reachable:
            return (-score, 0.0, who)
        person = schedule[who]
        moment = moments.of(person) if person is not None else None
        return (-score, moment.timestamp() if moment is not None else math.inf, who)

    return sorted(ranked.values(), key=order)


def _names(ref: Reference, keys: Sequence[str]) -> dict[str, tuple[str, str]]:
    return {k: (ref.by_key[k].name_nl, ref.by_key[k].name_en) for k in keys if k in ref.by_key}


def _wijk_weight(flag: int, explicit: bool) -> float:
    if flag == 2:
        return WEIGHT_WIJK if explicit else WEIGHT_ASKER_WIJK
    if flag == 1 and explicit:
        return WEIGHT_WHOLE_TOWN
    return 0.0


async def _stand_ins(
    session: AsyncSession,
    pool: list[Candidate],
    now: datetime,
    exclude: Collection[int],
    asker_id: int | None,
) -> dict[int, Candidate]:
    """Light rows of the stand-ins of absent candidates (active, not away themselves)."""
    wanted = {c.stand_in_id for c in pool if c.stand_in_id and is_absent(c, now)} - set(exclude)
    if not wanted:
        return {}
    rows = await session.execute(
        select(
            Person.id,
            Person.availability,
            Person.absent_from,
            Person.absent_until,
            Person.phone.is_not(None),
        ).where(Person.id.in_(list(wanted)), Person.active.is_(True))
    )
    known = await _acquaintances(session, asker_id) if asker_id is not None else set()
    found = {
        r[0]: Candidate(r[0], 0.0, 0, r[0] in known, r[1] or [], r[2], r[3], None, bool(r[4]))
        for r in rows
    }
    return {pid: c for pid, c in found.items() if not is_absent(c, now)}


async def _acquaintances(session: AsyncSession, person_id: int) -> set[int]:
    """Everyone the person already knows."""
    rows = await session.execute(
        select(Acquaintance.person_a, Acquaintance.person_b).where(
            (Acquaintance.person_a == person_id) | (Acquaintance.person_b == person_id)
        )
    )
    return {b if a == person_id else a for a, b in rows}


async def _fallback(
    session: AsyncSession,
    ref: Reference,
    text: str,
    keys: tuple[str, ...],
    wijk: str | None,
    exclude: Collection[int],
    now: datetime,
    timezone: str,
) -> SearchResult:
    """Nobody matched: name the oliemannetje of the closest domain (or their stand-in)."""
    person, reason, values = await fallback_person(session, ref, text, keys, exclude)
    names = _names(ref, keys)
    if person is None:
        return SearchResult((), keys, wijk, None, reason, values, names)
    stand_in = await stand_in_if_away(session, person, now)
    shown = stand_in or person
    match = Match(
        person=shown,
        score=0.0,
        matched_themes=(),
        reachable_now=reachable_now(shown, now, timezone),
        substitute_for=person if stand_in is not None else None,
    )
    return SearchResult((), keys, wijk, match, reason, values, names)
