"""Storing and finding knelpunten, their 'ik ook' supporters, and who should hear about them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.db import names_a_row
from directory.models import Person, Theme, person_themes
from knelpunten.lifecycle import FINAL_STATUSES, HANDLER_ROLE, OPEN_STATUSES
from knelpunten.models import Knelpunt, KnelpuntSupport


@dataclass(frozen=True)
class OpenKnelpunt:
    """An open knelpunt with how many people ran into it (the reporter plus every 'ik ook')."""

    knelpunt: Knelpunt
    count: int


class KnelpuntRepository:
    """Knelpunten in one unit of work."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, knelpunt: Knelpunt) -> Knelpunt:
        """Store a new knelpunt and give it its number."""
        self.session.add(knelpunt)
        await self.session.flush()
        return knelpunt

    async def get(self, knelpunt_id: int, *, for_update: bool = False) -> Knelpunt | None:
        """One knelpunt; locked for the rest of the transaction on PostgreSQL when asked."""
        if not names_a_row(knelpunt_id):
            return None
        query = select(Knelpunt).where(Knelpunt.id == knelpunt_id)
        if for_update:
            query = query.with_for_update()
        return await self.session.scalar(query)

    async def supporters(self, knelpunt_id: int) -> list[int]:
        """People who said 'ik loop hier ook tegenaan', in order."""
        rows = await self.session.scalars(
            select(KnelpuntSupport.person_id)
            .where(KnelpuntSupport.knelpunt_id == knelpunt_id)
            .order_by(KnelpuntSupport.at, KnelpuntSupport.person_id)
        )
        return list(rows)

    async def supported_by(self, person_id: int) -> set[int]:
        """The knelpunten this person said 'ik loop hier ook tegenaan' to."""
        rows = await self.session.scalars(
            select(KnelpuntSupport.knelpunt_id).where(KnelpuntSupport.person_id == person_id)
        )
        return set(rows)

    async def add_support(self, knelpunt_id: int, person_id: int, now: datetime) -> bool:
        """Count this person once; False when they had already said so."""
        try:
            async with self.session.begin_nested():
                self.session.add(
                    KnelpuntSupport(knelpunt_id=knelpunt_id, person_id=person_id, at=now)
                )
                await self.session.flush()
        except IntegrityError:
            return False
        return True

    async def count(self, knelpunt_id: int) -> int:
        """How many people ran into it: the reporter plus the supporters."""
        supporters = await self.session.scalar(
            select(func.count())
            .select_from(KnelpuntSupport)
            .where(KnelpuntSupport.knelpunt_id == knelpunt_id)
        )
        return 1 + int(supporters or 0)

    async def open_ones(self) -> list[OpenKnelpunt]:
        """Every open knelpunt with its count, most often met first, then oldest first."""
        counts = (
            select(KnelpuntSupport.knelpunt_id, func.count().label("n"))
            .group_by(KnelpuntSupport.knelpunt_id)
            .subquery()
        )
        rows = await self.session.execute(
            select(Knelpunt, func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.knelpunt_id == Knelpunt.id)
            .where(Knelpunt.status.in_(OPEN_STATUSES))
        )
        found = [OpenKnelpunt(knelpunt=k, count=1 + int(n)) for k, n in rows.all()]
        return sorted(found, key=lambda o: (-o.count, o.knelpunt.id))

    async def oliemannetjes(self, domains: list[str], now: datetime) -> list[Person]:
        """Active oliemannetjes working on a theme of these domains; a stand-in for one away."""
        in_domain = (
            select(person_themes.c.person_id)
            .join(Theme, Theme.id == person_themes.c.theme_id)
            .where(Theme.domain.in_(domains))
        )
        people = await self.session.scalars(
            select(Person)
            .where(Person.id.in_(in_domain), Person.active.is_(True))
            .order_by(Person.id)
        )
        chosen: dict[int, Person] = {}
        for person in people:
            if not person.has_role(HANDLER_ROLE):
                continue
            chosen.setdefault(person.id, person)
            if _away(person, now) and person.stand_in_id is not None:
                stand_in = await self.session.get(Person, person.stand_in_id)
                if stand_in is not None and stand_in.active:
                    chosen.setdefault(stand_in.id, stand_in)
        return list(chosen.values())

    async def admins(self, emails: tuple[str, ...]) -> list[Person]:
        """Active admins (the flag, or an e-mail in the settings): the fallback recipients."""
        lowered = [e.lower() for e in emails]
        people = await self.session.scalars(
            select(Person)
            .where(
                Person.active.is_(True),
                Person.is_admin.is_(True) | func.lower(Person.email).in_(lowered),
            )
            .order_by(Person.id)
        )
        return list(people)

    async def past_retention(self, cutoff: datetime, limit: int = 200) -> list[Knelpunt]:
        """Closed knelpunten whose free text is older than the retention period."""
        rows = await self.session.scalars(
            select(Knelpunt)
            .where(
                Knelpunt.status.in_(FINAL_STATUSES),
                Knelpunt.closed_at < cutoff,
                Knelpunt.redacted_at.is_(None),
            )
            .order_by(Knelpunt.id)
            .limit(limit)
        )
        return list(rows)


def _away(person: Person, now: datetime) -> bool:
    if person.absent_from is None:
        return False
    return person.absent_from <= now and (person.absent_until is None or now < person.absent_until)
