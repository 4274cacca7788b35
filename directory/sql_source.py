"""The SQL path: /wie answered from the database alone, the reference the index is held to.

`SqlDirectory` gives ``directory.search`` what it needs (themes and wijken, a ranking,
people, the fallback) straight from one session: a bounded pool of candidates scored in
SQL (directory.candidates), reachability and stand-ins in Python, full rows for the
winners only. The in-memory index (directory.index) answers the same questions and must
rank the same people in the same order; tests hold it to this.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import ContactCard
from directory.candidates import DROPPED, Candidate, candidates
from directory.cards import contact_card
from directory.fallback import fallback_person, holds_role, stand_in_if_away
from directory.models import Acquaintance, Person, person_wijken
from directory.people import load_people
from directory.person_view import PersonView
from directory.reachability import CallMoments, Reachable, is_absent, local_now, reachable_at
from directory.reference import Reference, reference
from directory.scoring import PENALTY_ABSENT, PENALTY_NO_PHONE, Ranked, score, wijk_weight

# Enough rows to rank: people with a special role are few.
ROLE_POOL = 200


class SqlDirectory:
    """The directory as one session sees it."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def reference(self) -> Reference:
        """Themes and wijken (cached per database behind a one-query fingerprint)."""
        return await reference(self.session)

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
        """The best `limit` people for these theme weights (theme id → weight)."""
        pool = await candidates(
            self.session,
            weights,
            prefer=list(prefer) if prefer else None,
            explicit=explicit,
            asker_id=asker_id,
            exclude=exclude,
            prefer_asker_wijken=prefer_asker_wijken,
        )
        if not pool:
            return []
        ranked = await self._rank(
            pool, sum(weights.values()), explicit, now, timezone, asker_id, exclude
        )
        return ranked[:limit]

    async def people(self, ids: Collection[int]) -> Mapping[int, PersonView]:
        """People by id, with organisation, themes and wijken."""
        return await load_people(self.session, ids)

    def card(
        self,
        person: PersonView,
        now: datetime,
        tr: Translator,
        *,
        show_contact: bool,
        note: str = "",
    ) -> ContactCard:
        """A person's contact card (made anew every time)."""
        return contact_card(person, now, tr, show_contact=show_contact, note=note)

    async def fallback(
        self, ref: Reference, text: str, keys: tuple[str, ...], exclude: Collection[int]
    ) -> tuple[PersonView | None, str, dict[str, str]]:
        """The oliemannetje (or procesregisseur) to name when nobody matched, and why."""
        return await fallback_person(self.session, ref, text, keys, exclude)

    async def stand_in_if_away(self, person: PersonView, now: datetime) -> PersonView | None:
        """The stand-in to name instead of an absent person."""
        return await stand_in_if_away(self.session, person, now)

    async def role_holders(self, role: str) -> list[int]:
        """Active, not dropped people holding a special role, by id (at most ROLE_POOL)."""
        rows = await self.session.scalars(
            select(Person.id)
            .where(*holds_role(role), Person.confirm_reminders_sent < DROPPED)
            .order_by(Person.id)
            .limit(ROLE_POOL)
        )
        return list(rows)

    async def covering(self, ids: Collection[int], wijk_id: int) -> set[int]:
        """Which of these people work in the wijk."""
        if not ids:
            return set()
        rows = await self.session.scalars(
            select(person_wijken.c.person_id).where(
                person_wijken.c.person_id.in_(list(ids)), person_wijken.c.wijk_id == wijk_id
            )
        )
        return set(rows)

    async def _rank(
        self,
        pool: list[Candidate],
        total: float,
        explicit: bool,
        now: datetime,
        timezone: str,
        asker_id: int | None,
        exclude: Collection[int],
    ) -> list[Ranked]:
        """Everyone in the pool scored and ranked, best first."""
        stand_ins = await self._stand_ins(pool, now, exclude, asker_id)
        at = local_now(now, timezone)
        ranked: dict[int, Ranked] = {}
        # Whose call windows decide when the shown person can be called (None: no phone).
        schedule: dict[int, Reachable | None] = {}
        # By id: of two equal scores for one person, the lower candidate id is kept.
        for cand in sorted(pool, key=lambda c: c.person_id):
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
            value = score(
                min(cand.theme_score / total, 1.0),
                reachable,
                wijk_weight(cand.wijk_flag, explicit),
                knows,
                penalty,
            )
            if who not in ranked or ranked[who].score < value:
                ranked[who] = Ranked(value, who, substitute, reachable, knows)
                schedule[who] = shown if callable_ else None
        moments = CallMoments(now, timezone)

        def order(row: Ranked) -> tuple[float, float, int]:
            if row.reachable:
                return (-row.score, 0.0, row.person_id)
            person = schedule[row.person_id]
            moment = moments.of(person) if person is not None else None
            return (
                -row.score,
                moment.timestamp() if moment is not None else math.inf,
                row.person_id,
            )

        return sorted(ranked.values(), key=order)

    async def _stand_ins(
        self,
        pool: list[Candidate],
        now: datetime,
        exclude: Collection[int],
        asker_id: int | None,
    ) -> dict[int, Candidate]:
        """Light rows of the stand-ins of absent candidates (active, not away themselves)."""
        wanted = {c.stand_in_id for c in pool if c.stand_in_id and is_absent(c, now)} - set(exclude)
        if not wanted:
            return {}
        rows = await self.session.execute(
            select(
                Person.id,
                Person.availability,
                Person.absent_from,
                Person.absent_until,
                Person.phone.is_not(None),
            ).where(Person.id.in_(list(wanted)), Person.active.is_(True))
        )
        known = await self._acquaintances(asker_id) if asker_id is not None else set()
        found = {
            r[0]: Candidate(r[0], 0.0, 0, r[0] in known, r[1] or [], r[2], r[3], None, bool(r[4]))
            for r in rows
        }
        return {pid: c for pid, c in found.items() if not is_absent(c, now)}

    async def _acquaintances(self, person_id: int) -> set[int]:
        """Everyone the person already knows."""
        rows = await self.session.execute(
            select(Acquaintance.person_a, Acquaintance.person_b).where(
                (Acquaintance.person_a == person_id) | (Acquaintance.person_b == person_id)
            )
        )
        return {b if a == person_id else a for a, b in rows}
