"""/wie vertrouwenspersoon: people with a special role, reachable ones first.

A role is not a theme: "/wie vertrouwenspersoon" or "/wie oliemannetje in Noord" asks
for the people who hold that role, so they are listed instead of a theme search that
would find nobody and fall back.
"""

from __future__ import annotations

import math
from collections.abc import Collection
from datetime import datetime

from rapidfuzz import fuzz, process
from sqlalchemy.ext.asyncio import AsyncSession

from directory.matching import normalise
from directory.person_view import PersonView
from directory.place import Place, read_place
from directory.reachability import CallMoments, is_absent, reachable_now
from directory.reference import Reference
from directory.search import Match, SearchResult, Source
from directory.sql_source import SqlDirectory

# What people type for each special role, Dutch and English (normalised).
ROLE_WORDS = {
    "oliemannetje": "oliemannetje",
    "oliemannetjes": "oliemannetje",
    "red tape fixer": "oliemannetje",
    "red tape cutter": "oliemannetje",
    "procesregisseur": "procesregisseur",
    "procesregisseurs": "procesregisseur",
    "regisseur": "procesregisseur",
    "process coordinator": "procesregisseur",
    "vertrouwenspersoon": "vertrouwenspersoon",
    "vertrouwenspersonen": "vertrouwenspersoon",
    "confidential adviser": "vertrouwenspersoon",
    "confidential advisor": "vertrouwenspersoon",
    "ervaringsdeskundige": "ervaringsdeskundige",
    "ervaringsdeskundigen": "ervaringsdeskundige",
    "expert by experience": "ervaringsdeskundige",
    "experts by experience": "ervaringsdeskundige",
    "bestuurlijk": "bestuurlijk",
    "bestuurlijk contact": "bestuurlijk",
    "wethouder": "bestuurlijk",
    "raadslid": "bestuurlijk",
    "alderman": "bestuurlijk",
    "council member": "bestuurlijk",
}
# Typos are fine ("vertrouwenspersson"), but only close to a whole role word.
ROLE_CUTOFF = 88


def role_asked(text: str) -> str | None:
    """The special role a question names on its own ('een vertrouwenspersoon?'), else None."""
    words = [w for w in normalise(text).split() if w not in ("een", "de", "het", "a", "an")]
    wanted = " ".join(words)
    if not wanted:
        return None
    if wanted in ROLE_WORDS:
        return ROLE_WORDS[wanted]
    best = process.extractOne(wanted, list(ROLE_WORDS), scorer=fuzz.ratio, score_cutoff=ROLE_CUTOFF)
    return ROLE_WORDS[best[0]] if best is not None else None


async def find_role_holders(
    session: AsyncSession,
    query: str,
    *,
    now: datetime,
    timezone: str = "Europe/Amsterdam",
    limit: int = 5,
    exclude: Collection[int] = (),
    ref: Reference | None = None,
) -> tuple[str, SearchResult] | None:
    """role_holders on the database (the SQL path)."""
    return await role_holders(
        SqlDirectory(session),
        query,
        now=now,
        timezone=timezone,
        limit=limit,
        exclude=exclude,
        ref=ref,
    )


async def role_holders(
    source: Source,
    query: str,
    *,
    now: datetime,
    timezone: str = "Europe/Amsterdam",
    limit: int = 5,
    exclude: Collection[int] = (),
    ref: Reference | None = None,
    place: Place | None = None,
) -> tuple[str, SearchResult] | None:
    """The role the query asks for and its holders, best first; None when it names no role.
    `place` saves reading the wijk again when the caller has just read it (`read_place`)."""
    ref = ref or await source.reference()
    if place is None:
        place = read_place(query, list(ref.wijken), ref.themes)
    text, wijk = place.text, place.wijk
    role = role_asked(text)
    if role is None:
        return None
    ids = [pid for pid in await source.role_holders(role) if pid not in exclude]
    in_wijk = await source.covering(ids, ref.wijken[wijk]) if wijk is not None else set()
    people = await source.people(ids)
    moments = CallMoments(now, timezone)

    def rank(person: PersonView) -> tuple[bool, bool, bool, bool, float, int]:
        reachable = reachable_now(person, now, timezone)
        moment = None if reachable else moments.of(person)
        return (
            person.phone is None,
            is_absent(person, now),
            not reachable,
            person.id not in in_wijk,
            # Nobody reachable now: whoever can be called sooner first, as in the theme search.
            moment.timestamp() if moment is not None else (0.0 if reachable else math.inf),
            person.id,
        )

    best = sorted(people.values(), key=rank)[:limit]
    matches = tuple(
        Match(person=p, score=0.0, matched_themes=(), reachable_now=reachable_now(p, now, timezone))
        for p in best
    )
    return role, SearchResult(
        matches=matches, themes=(), wijk=wijk, unknown_wijk=place.unknown, wijk_hints=place.hints
    )
