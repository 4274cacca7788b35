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
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from directory.candidates import DROPPED
from directory.fallback import holds_role
from directory.matching import normalise
from directory.models import Person, person_wijken
from directory.people import load_people
from directory.place import read_place
from directory.reachability import CallMoments, is_absent, reachable_now
from directory.reference import Reference, reference
from directory.search import Match, SearchResult

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
# Enough rows to rank: people with a special role are few.
POOL = 200


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
    """The role the query asks for and its holders, best first; None when it names no role."""
    ref = ref or await reference(session)
    place = read_place(query, list(ref.wijken), ref.themes)
    text, wijk = place.text, place.wijk
    role = role_asked(text)
    if role is None:
        return None
    rows = await session.execute(
        select(Person.id)
        .where(*holds_role(role), Person.confirm_reminders_sent < DROPPED)
        .order_by(Person.id)
        .limit(POOL)
    )
    ids = [pid for (pid,) in rows if pid not in exclude]
    in_wijk: set[int] = set()
    if wijk is not None and ids:
        in_wijk = set(
            await session.scalars(
                select(person_wijken.c.person_id).where(
                    person_wijken.c.person_id.in_(ids),
                    person_wijken.c.wijk_id == ref.wijken[wijk],
                )
            )
        )
    people = await load_people(session, ids)
    moments = CallMoments(now, timezone)

    def rank(person: Person) -> tuple[bool, bool, bool, bool, float, int]:
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
