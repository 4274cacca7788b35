"""Mee-loop-dagen: who takes part, the rounds, and what became of each introduction."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from core.db import insert_ignoring_conflict, names_a_row
from directory.identity import record_acquaintance
from directory.models import Acquaintance, Person
from scheduler.models_meelopen import MeeloopGroup, MeeloopParticipant, MeeloopRound
from scheduler.pairing import Pair, Participant, pair_people, pairs_of

# Rounds count from this Monday 09:00 local time; round n starts n × round_weeks later.
EPOCH = datetime(2024, 1, 1, 9, 0)
OUTCOMES = ("gelukt", "gepland", "niet")


def round_number(now: datetime, round_weeks: int, timezone: str) -> int:
    """The round a moment falls in."""
    local = utc(now).astimezone(ZoneInfo(timezone)).replace(tzinfo=None)
    return int((local - EPOCH) // timedelta(weeks=round_weeks))


def round_start(number: int, round_weeks: int, timezone: str) -> datetime:
    """When a round starts (aware UTC)."""
    local = EPOCH + number * timedelta(weeks=round_weeks)
    return utc(local.replace(tzinfo=ZoneInfo(timezone)))


async def participant(session: AsyncSession, person_id: int) -> MeeloopParticipant | None:
    """Someone's mee-loop settings."""
    return await session.get(MeeloopParticipant, person_id)


async def opt_in(
    session: AsyncSession, person_id: int, every_rounds: int, themes: list[str], now: datetime
) -> MeeloopParticipant:
    """Take part (again), with how often and what you are curious about."""
    row = await participant(session, person_id)
    if row is None:
        row = MeeloopParticipant(person_id=person_id, joined_at=now, last_round=None)
        session.add(row)
    row.active, row.every_rounds, row.themes = True, every_rounds, themes
    row.paused_until, row.updated_at = None, now
    await session.flush()
    return row


async def opt_out(session: AsyncSession, person_id: int, now: datetime) -> bool:
    """Stop taking part; False when you were not taking part."""
    row = await participant(session, person_id)
    if row is None or not row.active:
        return False
    row.active, row.updated_at = False, now
    return True


async def pause(session: AsyncSession, person_id: int, until: datetime, now: datetime) -> bool:
    """Skip rounds until a moment; False when you were not taking part."""
    row = await participant(session, person_id)
    if row is None or not row.active:
        return False
    row.paused_until, row.updated_at = until, now
    return True


async def claim_round(session: AsyncSession, number: int, now: datetime) -> bool:
    """Take a round; only one process (and one pass) ever gets True for a number."""
    # A read first: most passes find the round done and need no write at all.
    if await session.get(MeeloopRound, number) is not None:
        return False
    values = {"number": number, "started_at": now, "participants": 0, "unmatched": []}
    return await insert_ignoring_conflict(session, MeeloopRound, values) == 1


async def eligible(session: AsyncSession, number: int, now: datetime) -> list[Participant]:
    """Everyone who takes part this round: active, not paused, and their turn again."""
    rows = await session.execute(
        select(MeeloopParticipant, Person)
        .join(Person, Person.id == MeeloopParticipant.person_id)
        .where(MeeloopParticipant.active.is_(True), Person.active.is_(True))
        .order_by(Person.id)
    )
    found = []
    for row, person in rows:
        if row.paused_until is not None and utc(row.paused_until) > now:
            continue
        if row.last_round is not None and number - row.last_round < row.every_rounds:
            continue
        found.append(
            Participant(
                person_id=person.id,
                organisation_id=person.organisation_id,
                curious_about=frozenset(row.themes or ()),
                works_on=frozenset(t.key for t in person.themes),
            )
        )
    return found


async def recent_pairs(session: AsyncSession, number: int, rounds: int) -> set[Pair]:
    """Pairs made in the last `rounds` rounds (they must not repeat)."""
    groups = await session.scalars(
        select(MeeloopGroup.members).where(
            MeeloopGroup.round_number > number - rounds, MeeloopGroup.round_number < number
        )
    )
    found: set[Pair] = set()
    for members in groups:
        found |= pairs_of(members)
    return found


async def known_pairs(session: AsyncSession, ids: list[int]) -> set[Pair]:
    """Pairs among these people who already know each other."""
    rows = await session.execute(
        select(Acquaintance.person_a, Acquaintance.person_b).where(
            Acquaintance.person_a.in_(ids), Acquaintance.person_b.in_(ids)
        )
    )
    return {frozenset((a, b)) for a, b in rows}


@dataclass(frozen=True)
class RoundResult:
    """The groups a round made and who could not be matched."""

    number: int
    groups: tuple[MeeloopGroup, ...]
    unmatched: tuple[int, ...]


async def run_round(
    session: AsyncSession,
    number: int,
    now: datetime,
    rng: random.Random,
    *,
    history_rounds: int,
    followup_after: timedelta,
) -> RoundResult:
    """Pair everyone eligible for a claimed round and store the groups."""
    people = await eligible(session, number, now)
    ids = [p.person_id for p in people]
    pairing = pair_people(
        people,
        await known_pairs(session, ids),
        await recent_pairs(session, number, history_rounds),
        rng,
    )
    groups = []
    for members in pairing.groups:
        group = MeeloopGroup(
            round_number=number, members=list(members), followup_due_at=now + followup_after
        )
        session.add(group)
        groups.append(group)
    matched = [pid for g in pairing.groups for pid in g]
    if matched:
        await session.execute(
            update(MeeloopParticipant)
            .where(MeeloopParticipant.person_id.in_(matched))
            .values(last_round=number)
        )
    await session.execute(
        update(MeeloopRound)
        .where(MeeloopRound.number == number)
        .values(participants=len(ids), unmatched=list(pairing.unmatched))
    )
    await session.flush()
    return RoundResult(number, tuple(groups), pairing.unmatched)


async def due_followups(
    session: AsyncSession, now: datetime, limit: int = 100
) -> list[MeeloopGroup]:
    """Groups whose 'is het gelukt?' question is due."""
    return list(
        await session.scalars(
            select(MeeloopGroup)
            .where(MeeloopGroup.followup_sent_at.is_(None), MeeloopGroup.followup_due_at <= now)
            .order_by(MeeloopGroup.id)
            .limit(limit)
        )
    )


async def claim_followup(session: AsyncSession, group_id: int, now: datetime) -> bool:
    """Take a follow-up; True exactly once per group."""
    result = await session.execute(
        update(MeeloopGroup)
        .where(MeeloopGroup.id == group_id, MeeloopGroup.followup_sent_at.is_(None))
        .values(followup_sent_at=now)
    )
    return (result.rowcount or 0) == 1  # type: ignore[attr-defined]


async def record_outcome(
    session: AsyncSession, group_id: int, person_id: int, outcome: str, now: datetime
) -> MeeloopGroup | None:
    """Store what became of a walk-along; a day that happened makes the group acquaintances."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {OUTCOMES}")
    group = await session.get(MeeloopGroup, group_id) if names_a_row(group_id) else None
    if group is None or person_id not in group.members:
        return None
    group.outcome, group.outcome_at = outcome, now
    if outcome == "gelukt":
        for pair in pairs_of(group.members):
            a, b = sorted(pair)
            await record_acquaintance(session, a, b, "meeloopdag", now)
    return group
