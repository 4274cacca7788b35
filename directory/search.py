"""/wie: the few people to call about a social problem, best first.

Ranking, in order of weight: how well a person's themes match the question; whether
they can be called right now; whether they work in the wijk asked about (or the
asker's wijken); whether they already know the asker. Someone who is away is
replaced by their stand-in. When nobody matches, the oliemannetje of the closest
domain is named, with the reason, never "niet ons domein".

Candidates are chosen in SQL (people holding one of the understood themes, scored
by theme weight and wijk, limited to a pool); reachability and acquaintance are
scored in Python on that pool only, and full rows are loaded for the winners only.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, String, and_, case, cast, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import N_
from directory.matching import closest_themes, normalise, understand_themes
from directory.models import Acquaintance, Person, Theme, Wijk, person_themes, person_wijken
from directory.reachability import is_absent, reachable_now
from directory.themes import DOMAINS

# confirm_reminders_sent at or above this: two reminders went unanswered; hidden from /wie.
DROPPED = 3
# How many candidates SQL hands to the ranking in Python.
POOL = 200
WEIGHT_REACHABLE = 0.5
WEIGHT_WIJK = 0.2
WEIGHT_WHOLE_TOWN = 0.1
WEIGHT_ASKER_WIJK = 0.1
WEIGHT_KNOWS = 0.1
PENALTY_ABSENT = 0.2

NO_THEME = N_(
    "Ik weet niet zeker over welk thema je vraag gaat. {name} is oliemannetje voor {domain} "
    "en weet de weg: bel gerust."
)
NOBODY_FOR_THEME = N_(
    "Voor {themes} staat nog niemand op de sociale kaart. {name} is oliemannetje voor "
    "{domain}, het domein dat er het dichtst bij ligt, en helpt je verder."
)
NO_THEME_REGISSEUR = N_(
    "Ik weet niet zeker over welk thema je vraag gaat. {name} is procesregisseur en helpt je "
    "de juiste persoon te vinden."
)
NOBODY_REGISSEUR = N_(
    "Voor {themes} staat nog niemand op de sociale kaart. {name} is procesregisseur en helpt "
    "je de juiste persoon te vinden."
)
NOBODY_AT_ALL = N_(
    "Ik vond niemand die hierbij past, en er staat nog geen oliemannetje op de sociale kaart. "
    "Kijk bij /themas welke thema's er zijn."
)

_WIJK_TAIL = re.compile(
    r"\b(?:in|bij|rond|around|near)\s+(?:de\s+|het\s+|wijk\s+|the\s+)?(?P<wijk>[^,;?!.]+?)\s*[?!.]*\s*$",
    re.IGNORECASE,
)


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


@dataclass
class _Candidate:
    """A light row from SQL, scored in Python."""

    person_id: int
    theme_score: float
    wijk_flag: int
    availability: list[list[int]]
    absent_from: datetime | None
    absent_until: datetime | None
    stand_in_id: int | None


async def load_themes(session: AsyncSession) -> list[Any]:
    """Light theme rows (id, key, names, domain, synonyms) for matching."""
    rows = await session.execute(
        select(
            Theme.id, Theme.key, Theme.name_nl, Theme.name_en, Theme.domain, Theme.synonyms
        ).order_by(Theme.id)
    )
    return list(rows.all())


def split_wijk(query: str, wijken: Sequence[str]) -> tuple[str, str | None]:
    """'schulden in Molenwijk' → ('schulden', 'Molenwijk') when Molenwijk is a known wijk."""
    found = _WIJK_TAIL.search(query)
    if not found:
        return query, None
    wanted = normalise(found.group("wijk"))
    for name in wijken:
        if normalise(name) == wanted:
            return query[: found.start()].strip(), name
    return query, None


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
) -> SearchResult:
    """The best people to call about `query` (free text, optionally ending 'in <wijk>')."""
    themes = await load_themes(session)
    wijk_rows = {name: wid for wid, name in await session.execute(select(Wijk.id, Wijk.name))}
    text, named = split_wijk(query, list(wijk_rows))
    if wijk is not None:
        named = next((n for n in wijk_rows if normalise(n) == normalise(wijk)), wijk)
    understood = understand_themes(text, themes)
    keys = tuple(k for k, _ in understood)
    if not understood:
        return await _fallback(session, themes, text, keys, named, exclude, now, timezone)
    by_key = {t.key: t for t in themes}
    weights = {by_key[k].id: score for k, score in understood}
    wijk_ids, explicit = await _wijk_preference(session, wijk_rows, named, asker_id)
    pool = await _candidates(session, weights, wijk_ids, exclude)
    if not pool:
        return await _fallback(session, themes, text, keys, named, exclude, now, timezone)
    known = await _acquaintances(session, asker_id) if asker_id is not None else set()
    total = sum(weights.values())
    stand_ins = await _stand_ins(session, pool, now, exclude)
    ranked: dict[int, tuple[float, int, int | None, bool]] = {}
    for cand in pool:
        theme_part = min(cand.theme_score / total, 1.0)
        wijk_part = _wijk_weight(cand.wijk_flag, explicit)
        who, substitute = cand.person_id, None
        reachable = reachable_now(cand, now, timezone)
        penalty = 0.0
        if is_absent(cand, now):
            stand_in = stand_ins.get(cand.stand_in_id or 0)
            if stand_in is not None:
                who, substitute = stand_in.person_id, cand.person_id
                reachable = reachable_now(stand_in, now, timezone)
            else:
                penalty = PENALTY_ABSENT
        knows = who in known
        score = (
            theme_part
            + (WEIGHT_REACHABLE if reachable else 0.0)
            + wijk_part
            + (WEIGHT_KNOWS if knows else 0.0)
            - penalty
        )
        if who not in ranked or ranked[who][0] < score:
            ranked[who] = (round(score, 4), cand.person_id, substitute, reachable)
    best = sorted(ranked.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
    people = await _load_people(
        session, {pid for pid, _ in best} | {v[2] for _, v in best if v[2] is not None}
    )
    query_keys = set(keys)
    matches = []
    for pid, (score, source_id, substitute, reachable) in best:
        source = people[source_id] if source_id in people else people[pid]
        matched = tuple(k for k in keys if k in {t.key for t in source.themes} & query_keys)
        matches.append(
            Match(
                person=people[pid],
                score=score,
                matched_themes=matched,
                reachable_now=reachable,
                substitute_for=people[substitute] if substitute is not None else None,
                knows_asker=pid in known,
            )
        )
    return SearchResult(matches=tuple(matches), themes=keys, wijk=named)


def _wijk_weight(flag: int, explicit: bool) -> float:
    if flag == 2:
        return WEIGHT_WIJK if explicit else WEIGHT_ASKER_WIJK
    if flag == 1 and explicit:
        return WEIGHT_WHOLE_TOWN
    return 0.0


async def _wijk_preference(
    session: AsyncSession, wijk_rows: Mapping[str, int], named: str | None, asker_id: int | None
) -> tuple[list[int], bool]:
    """The wijk ids to prefer: the one asked about, else the asker's own wijken."""
    if named is not None:
        return ([wijk_rows[named]] if named in wijk_rows else []), True
    if asker_id is None:
        return [], False
    own = await session.scalars(
        select(person_wijken.c.wijk_id).where(person_wijken.c.person_id == asker_id)
    )
    return list(own), False


async def _candidates(
    session: AsyncSession,
    weights: Mapping[int, float],
    wijk_ids: list[int],
    exclude: Collection[int],
) -> list[_Candidate]:
    """People holding an understood theme, best theme score (then wijk) first, at most POOL."""
    score = case(*((person_themes.c.theme_id == tid, w) for tid, w in weights.items()), else_=0.0)
    agg = (
        select(person_themes.c.person_id.label("pid"), func.sum(score).label("tscore"))
        .where(person_themes.c.theme_id.in_(list(weights)))
        .group_by(person_themes.c.person_id)
        .subquery()
    )
    if wijk_ids:
        in_wijk = exists().where(
            person_wijken.c.person_id == agg.c.pid, person_wijken.c.wijk_id.in_(wijk_ids)
        )
        anywhere = ~exists().where(person_wijken.c.person_id == agg.c.pid)
        flag: Any = case((in_wijk, 2), (anywhere, 1), else_=0)
    else:
        flag = literal(0)
    wijk_flag = flag.label("wijk_flag")
    conditions = [Person.active.is_(True), Person.confirm_reminders_sent < DROPPED]
    if exclude:
        conditions.append(Person.id.notin_(list(exclude)))
    rows = await session.execute(
        select(
            Person.id,
            agg.c.tscore,
            wijk_flag,
            Person.availability,
            Person.absent_from,
            Person.absent_until,
            Person.stand_in_id,
        )
        .join(agg, agg.c.pid == Person.id)
        .where(and_(*conditions))
        .order_by(agg.c.tscore.desc(), wijk_flag.desc(), Person.id)
        .limit(POOL)
    )
    return [
        _Candidate(
            person_id=r[0],
            theme_score=float(r[1]),
            wijk_flag=int(r[2] or 0),
            availability=r[3] or [],
            absent_from=r[4],
            absent_until=r[5],
            stand_in_id=r[6],
        )
        for r in rows
    ]


async def _stand_ins(
    session: AsyncSession, pool: list[_Candidate], now: datetime, exclude: Collection[int]
) -> dict[int, _Candidate]:
    """Light rows of the stand-ins of absent candidates (who are active and not away)."""
    wanted = {c.stand_in_id for c in pool if c.stand_in_id and is_absent(c, now)}
    wanted -= set(exclude)
    if not wanted:
        return {}
    rows = await session.execute(
        select(
            Person.id,
            Person.availability,
            Person.absent_from,
            Person.absent_until,
            Person.stand_in_id,
        ).where(Person.id.in_(list(wanted)), Person.active.is_(True))
    )
    found = {r[0]: _Candidate(r[0], 0.0, 0, r[1] or [], r[2], r[3], r[4]) for r in rows}
    return {pid: c for pid, c in found.items() if not is_absent(c, now)}


async def _acquaintances(session: AsyncSession, person_id: int) -> set[int]:
    """Everyone the person already knows."""
    rows = await session.execute(
        select(Acquaintance.person_a, Acquaintance.person_b).where(
            or_(Acquaintance.person_a == person_id, Acquaintance.person_b == person_id)
        )
    )
    return {b if a == person_id else a for a, b in rows}


async def _load_people(session: AsyncSession, ids: Collection[int]) -> dict[int, Person]:
    if not ids:
        return {}
    rows = await session.scalars(select(Person).where(Person.id.in_(list(ids))))
    return {p.id: p for p in rows}


async def _fallback(
    session: AsyncSession,
    themes: Sequence[Row[Any]],
    text: str,
    keys: tuple[str, ...],
    wijk: str | None,
    exclude: Collection[int],
    now: datetime,
    timezone: str,
) -> SearchResult:
    """Nobody matched: name the oliemannetje of the closest domain, and say why."""
    guess = keys[0] if keys else next(iter(closest_themes(text, themes, limit=1)), None)
    domain = next((t.domain for t in themes if t.key == guess), None)
    person = await oliemannetje_for(session, domain or "", exclude=exclude)
    regisseur = False
    if person is None:
        person = await _with_role(session, "procesregisseur", exclude)
        regisseur = person is not None
    if person is None:
        return SearchResult((), keys, wijk, None, NOBODY_AT_ALL, {})
    person_domain = domain or _main_domain(person) or ""
    if regisseur:
        reason = NOBODY_REGISSEUR if keys else NO_THEME_REGISSEUR
    else:
        reason = NOBODY_FOR_THEME if keys else NO_THEME
    match = Match(
        person=person,
        score=0.0,
        matched_themes=(),
        reachable_now=reachable_now(person, now, timezone),
    )
    if is_absent(person, now) and person.stand_in_id is not None:
        stand_in = (await _load_people(session, [person.stand_in_id])).get(person.stand_in_id)
        if stand_in is not None and stand_in.active and not is_absent(stand_in, now):
            match = Match(
                person=stand_in,
                score=0.0,
                matched_themes=(),
                reachable_now=reachable_now(stand_in, now, timezone),
                substitute_for=person,
            )
    values = {"name": person.name, "domain": person_domain}
    return SearchResult((), keys, wijk, match, reason, values)


def _main_domain(person: Person) -> str | None:
    counts: dict[str, int] = {}
    for theme in person.themes:
        counts[theme.domain] = counts.get(theme.domain, 0) + 1
    return max(counts, key=lambda d: (counts[d], d)) if counts else None


async def _with_role(
    session: AsyncSession, role: str, exclude: Collection[int] = ()
) -> Person | None:
    """The first active person with a special role (roles are a short JSON list)."""
    people = await _people_with_role(session, role, exclude)
    return people[0] if people else None


async def _people_with_role(
    session: AsyncSession, role: str, exclude: Collection[int] = ()
) -> list[Person]:
    query = (
        select(Person)
        .where(Person.active.is_(True), cast(Person.roles, String).like(f'%"{role}"%'))
        .order_by(Person.id)
    )
    if exclude:
        query = query.where(Person.id.notin_(list(exclude)))
    return [p for p in await session.scalars(query) if p.has_role(role)]


async def oliemannetje_for(
    session: AsyncSession, domain_or_theme_key: str, *, exclude: Collection[int] = ()
) -> Person | None:
    """The oliemannetje of a domain (Jeugd, Wmo, Participatie, Opvang) or of a theme's domain.

    An oliemannetje's domain is where most of their themes lie; with none for the domain,
    any oliemannetje will do (they know each other and pass the question on).
    """
    domain = domain_or_theme_key if domain_or_theme_key in DOMAINS else None
    if domain is None and domain_or_theme_key:
        domain = await session.scalar(select(Theme.domain).where(Theme.key == domain_or_theme_key))
    people = await _people_with_role(session, "oliemannetje", exclude)
    if not people:
        return None

    def fit(person: Person) -> tuple[int, int]:
        in_domain = sum(1 for t in person.themes if t.domain == domain)
        return (-in_domain, person.id)

    return sorted(people, key=fit)[0]
