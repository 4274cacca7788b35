"""When nobody matches: the oliemannetje of the closest domain (or a procesregisseur), and why.

Never "niet ons domein": there is always a person to call, with the reason in words.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from datetime import datetime
from typing import Any

from sqlalchemy import String, case, cast, func, literal_column, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import N_
from directory.matching import closest_themes
from directory.models import Person, Theme, person_themes
from directory.people import load_people
from directory.person_view import PersonView
from directory.reachability import is_absent
from directory.reference import Reference
from directory.themes import DOMAINS

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


def holds_role(role: str) -> list[Any]:
    """Active people with a special role (roles are a short JSON list)."""
    return [
        Person.active.is_(True),
        # Literally the predicate of the partial index ix_people_special_roles.
        cast(Person.roles, String) != literal_column("'[]'"),
        # The quotes make it exact: roles are JSON strings from a fixed list.
        cast(Person.roles, String).like(f'%"{role}"%'),
    ]


async def best_with_role(
    session: AsyncSession, role: str, domain: str | None, exclude: Collection[int] = ()
) -> Person | None:
    """The person with a role whose themes lie most in `domain` (ties: oldest entry)."""
    in_domain: Any = func.sum(case((Theme.domain == domain, 1), else_=0)) if domain else None
    query = (
        select(Person.id)
        .outerjoin(person_themes, person_themes.c.person_id == Person.id)
        .outerjoin(Theme, Theme.id == person_themes.c.theme_id)
        .where(*holds_role(role))
        .group_by(Person.id)
    )
    if exclude:
        query = query.where(Person.id.notin_(list(exclude)))
    order = (in_domain.desc(), Person.id) if in_domain is not None else (Person.id,)
    person_id = await session.scalar(query.order_by(*order).limit(1))
    if person_id is None:
        return None
    return (await load_people(session, [person_id])).get(person_id)


def main_domain(person: PersonView) -> str | None:
    """The domain most of a person's themes belong to."""
    counts: dict[str, int] = {}
    for theme in person.themes:
        counts[theme.domain] = counts.get(theme.domain, 0) + 1
    return max(counts, key=lambda d: (counts[d], d)) if counts else None


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
    return await best_with_role(session, "oliemannetje", domain, exclude)


# Finds the holder of a role whose themes lie most in a domain (None: any holder).
BestWithRole = Callable[[str, str | None], Awaitable[PersonView | None]]


def domain_named(ref: Reference, domain_or_theme_key: str) -> str | None:
    """A domain itself, or the domain of the theme with this key (as oliemannetje_for reads it)."""
    if domain_or_theme_key in DOMAINS:
        return domain_or_theme_key
    theme = ref.by_key.get(domain_or_theme_key) if domain_or_theme_key else None
    return theme.domain if theme is not None else None


async def choose_fallback(
    ref: Reference, text: str, keys: tuple[str, ...], best: BestWithRole
) -> tuple[PersonView | None, str, dict[str, str]]:
    """The person to name, the reason (msgid) and its values ({themes} is the caller's)."""
    guess = keys[0] if keys else next(iter(closest_themes(text, ref.themes, limit=1)), None)
    domain = ref.by_key[guess].domain if guess in ref.by_key else None
    person = await best("oliemannetje", domain_named(ref, domain or ""))
    if person is not None:
        reason = NOBODY_FOR_THEME if keys else NO_THEME
    else:
        person = await best("procesregisseur", domain)
        reason = NOBODY_REGISSEUR if keys else NO_THEME_REGISSEUR
    if person is None:
        return None, NOBODY_AT_ALL, {}
    return person, reason, {"name": person.name, "domain": domain or main_domain(person) or ""}


async def fallback_person(
    session: AsyncSession,
    ref: Reference,
    text: str,
    keys: tuple[str, ...],
    exclude: Collection[int],
) -> tuple[PersonView | None, str, dict[str, str]]:
    """choose_fallback on the database."""

    async def best(role: str, domain: str | None) -> PersonView | None:
        return await best_with_role(session, role, domain, exclude)

    return await choose_fallback(ref, text, keys, best)


async def stand_in_if_away(
    session: AsyncSession, person: PersonView, now: datetime
) -> Person | None:
    """The stand-in to name instead of an absent person (active and not away themselves)."""
    if not is_absent(person, now) or person.stand_in_id is None:
        return None
    stand_in = (await load_people(session, [person.stand_in_id])).get(person.stand_in_id)
    if stand_in is None or not stand_in.active or is_absent(stand_in, now):
        return None
    return stand_in
