"""The index's ranking equals scoring everyone, on directories too big for the SQL tiers.

The SQL path samples at most 30 people per tier, so it is exact only in a municipality
-sized directory (tests/integration/directory/test_search.py compares the two there).
Here thousands of random people are ranked by the index and by brute force: every holder
of the question's themes turned into a pool candidate and ranked by the SQL path's own
ranking code (SqlDirectory._rank), with stand-ins looked up in memory.
"""

from __future__ import annotations

import random
from collections.abc import Collection
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from directory.candidates import DROPPED, MAX_THEMES, MAX_WEIGHTS, Candidate
from directory.index.entries import (
    Entry,
    IndexReference,
    OrganisationRow,
    WijkRow,
)
from directory.index.kept import KeptRankings
from directory.index.ranking import rank
from directory.index.schedules import ScheduleTimes
from directory.index.state import State
from directory.reachability import is_absent
from directory.reference import Reference, ThemeRow
from directory.sql_source import SqlDirectory

SCHEDULES: tuple[tuple[tuple[int, int, int], ...], ...] = (
    (),
    tuple((d, 540, 1020) for d in range(5)),
    ((2, 540, 1020),),
    tuple((d, 510, 750) for d in range(5)),
    tuple((d, 1140, 1380) for d in range(7)),
    ((0, 600, 660), (3, 840, 900)),
)
MOMENTS = (
    datetime(2026, 11, 24, 9, 0, tzinfo=UTC),  # Tuesday 10:00 in Amsterdam
    datetime(2026, 11, 23, 22, 0, tzinfo=UTC),  # Monday 23:00
    datetime(2026, 11, 28, 12, 0, tzinfo=UTC),  # Saturday 13:00
    datetime(2026, 12, 25, 9, 0, tzinfo=UTC),  # Christmas: a public holiday
    datetime(2026, 11, 25, 15, 59, tzinfo=UTC),  # Wednesday 16:59
)
THEMES = 9
WIJKEN = 6


def _reference() -> IndexReference:
    themes = tuple(
        ThemeRow(t, f"t{t}", f"Thema {t}", f"Theme {t}", ("Wmo", "Jeugd")[t % 2], ())
        for t in range(1, THEMES + 1)
    )
    wijken = {w: WijkRow(w, f"Wijk {w}") for w in range(1, WIJKEN + 1)}
    understood = Reference(
        (0,), themes, {t.key: t for t in themes}, {w.name: w.id for w in wijken.values()}
    )
    return IndexReference(
        understood, {t.id: t for t in themes}, wijken, {1: OrganisationRow(1, "Org")}
    )


def _directory(rng: random.Random, people: int) -> State:
    """Built at once (as at start) or person by person in random order (as changes come)."""
    state = State(reference=_reference())
    entries: list[Entry] = []
    base = datetime(2026, 11, 24, tzinfo=UTC)
    weights = [1 / (rank + 1) for rank in range(THEMES)]
    for pid in range(1, people + 1):
        themes = tuple(sorted(set(rng.choices(range(1, THEMES + 1), weights, k=rng.randint(1, 4)))))
        wijken = tuple(sorted(rng.sample(range(1, WIJKEN + 1), rng.choice((0, 0, 1, 1, 2, 3)))))
        phone = None if rng.random() < 0.06 else f"+3161234{pid:04d}"
        absent_from = absent_until = None
        roll = rng.random()
        if roll < 0.08:  # away now, back later (or open-ended)
            absent_from = base - timedelta(days=rng.randint(1, 20))
            absent_until = None if rng.random() < 0.3 else base + timedelta(days=rng.randint(1, 40))
        elif roll < 0.1:  # away later, or back already
            absent_from = base + timedelta(days=rng.randint(3, 9))
            absent_until = base + timedelta(days=rng.randint(10, 15))
        elif roll < 0.11:
            absent_from, absent_until = base - timedelta(days=9), base - timedelta(days=2)
        windows = rng.choice(SCHEDULES)
        entries.append(
            Entry(
                id=pid,
                name=f"Persoon {pid}",
                organisation_id=1,
                department="",
                role_title="",
                phone=phone,
                email=None,
                language=None,
                availability=windows,
                roles=(),
                absent_from=absent_from,
                absent_until=absent_until,
                stand_in_id=rng.randint(1, people) if rng.random() < 0.3 else None,
                is_admin=False,
                active=rng.random() > 0.03,
                confirm_reminders_sent=DROPPED if rng.random() < 0.03 else 0,
                theme_ids=themes,
                wijk_ids=wijken,
                schedule=state.schedule_of(phone, windows),
            )
        )
    if rng.random() < 0.5:
        state.extend(entries)
    else:
        rng.shuffle(entries)
        for entry in entries:
            state.put(entry)
    for _ in range(people * 3):
        a, b = rng.sample(range(1, people + 1), 2)
        state.acquaintances.setdefault(a, set()).add(b)
        state.acquaintances.setdefault(b, set()).add(a)
    return state


class _BruteForce(SqlDirectory):
    """The SQL path's ranking over a pool of every candidate, stand-ins from memory."""

    def __init__(self, state: State) -> None:
        super().__init__(None)  # type: ignore[arg-type]
        self.state = state

    async def _stand_ins(
        self, pool: list[Candidate], now: datetime, exclude: Collection[int], asker_id: int | None
    ) -> dict[int, Candidate]:
        wanted = {c.stand_in_id for c in pool if c.stand_in_id and is_absent(c, now)} - set(exclude)
        known = self.state.acquaintances.get(asker_id, set()) if asker_id is not None else set()
        found: dict[int, Candidate] = {}
        for pid in wanted:
            entry = self.state.entries.get(pid)
            if entry is None or not entry.active or is_absent(entry, now):
                continue
            found[pid] = _candidate(entry, 0.0, 0, pid in known)
        return found


def _candidate(entry: Entry, theme_score: float, flag: int, knows: bool) -> Candidate:
    return Candidate(
        entry.id,
        theme_score,
        flag,
        knows,
        [list(w) for w in entry.availability],
        entry.absent_from,
        entry.absent_until,
        entry.stand_in_id,
        entry.phone is not None,
    )


async def _everyone(state: State, query: dict[str, Any]) -> list[Any]:
    weights: dict[int, float] = query["weights"]
    ordered = sorted(weights, key=lambda t: -weights[t])[:MAX_WEIGHTS]
    strongest = set(ordered[:MAX_THEMES])
    asker = query["asker_id"]
    if query["prefer"]:
        prefer: set[int] = set(query["prefer"])
    elif query["prefer_asker_wijken"] and asker:
        prefer = set(state.entries[asker].wijk_ids)
    else:
        prefer = set()
    wijk_kind = bool(query["prefer"]) or (query["prefer_asker_wijken"] and bool(asker))
    known = state.acquaintances.get(asker, set())
    pool = []
    for entry in state.entries.values():
        if not entry.searchable or entry.id in query["exclude"]:
            continue
        if not strongest & set(entry.theme_ids):
            continue
        theme_score = sum(weights[t] for t in ordered if t in entry.theme_ids)
        flag = 0
        if wijk_kind:
            flag = 2 if prefer & set(entry.wijk_ids) else (1 if not entry.wijk_ids else 0)
        pool.append(_candidate(entry, theme_score, flag, entry.id in known))
    ranked = await _BruteForce(state)._rank(
        pool,
        sum(weights.values()),
        query["explicit"] and bool(query["prefer"]),
        query["now"],
        "Europe/Amsterdam",
        asker,
        query["exclude"],
    )
    return ranked[: query["limit"]]


def _query(rng: random.Random, state: State) -> dict[str, Any]:
    themes = rng.sample(range(1, THEMES + 1), rng.choice((1, 1, 2, 2, 3, 4, 6, 7)))
    weights = {t: round(rng.uniform(0.65, 1.0), 3) for t in themes}
    if rng.random() < 0.3:
        weights[themes[0]] = weights[themes[-1]]  # equal weights happen (two exact names)
    asker = rng.choice((None, *rng.sample(sorted(state.entries), 5)))
    prefer = rng.choice((None, None, [rng.randint(1, WIJKEN)], [1, 2]))
    exclude = {asker} if asker is not None else set()
    if rng.random() < 0.2:
        exclude |= set(rng.sample(sorted(state.entries), 20))
    return {
        "weights": weights,
        "prefer": prefer,
        "explicit": prefer is not None,
        "asker_id": asker,
        "exclude": exclude,
        "prefer_asker_wijken": prefer is None,
        "now": rng.choice(MOMENTS),
        "limit": rng.choice((5, 5, 40)),
    }


@pytest.mark.parametrize("seed", range(6))
async def test_the_index_ranks_exactly_like_scoring_everyone(seed: int) -> None:
    rng = random.Random(seed)
    state = _directory(rng, 1500)
    times = ScheduleTimes()
    for _ in range(40):
        query = _query(rng, state)
        expected = await _everyone(state, query)
        found = rank(state, times, timezone="Europe/Amsterdam", **query)
        assert found == expected, query


@pytest.mark.parametrize("seed", range(3))
async def test_rankings_kept_between_lookups_rank_exactly_like_scoring_everyone(
    seed: int,
) -> None:
    rng = random.Random(100 + seed)
    state = _directory(rng, 1500)
    times, kept = ScheduleTimes(), KeptRankings()

    async def same_both_ways(asked: dict[str, Any]) -> list[Any]:
        expected = await _everyone(state, asked)
        found = rank(state, times, timezone="Europe/Amsterdam", kept=kept, **asked)
        assert found == expected, asked
        return found

    for _ in range(12):
        query = _query(rng, state)
        # Other askers, longer and shorter lists: the kept ranking is read further, replayed.
        for asker in (query["asker_id"], *rng.sample(sorted(state.entries), 3)):
            for limit in (5, 40, 5):
                exclude = {asker} if asker is not None else set()
                found = await same_both_ways(
                    {**query, "asker_id": asker, "exclude": exclude, "limit": limit}
                )
        # A write to someone just found (the version moves with it), the same question again.
        if found:
            entry = state.entries[found[0].person_id]
            others = [t for t in range(1, THEMES + 1) if t not in query["weights"]]
            state.put(replace(entry, theme_ids=tuple(sorted(rng.sample(others, 2)))))
            state.version += 1
            await same_both_ways(query)
        # A minute later (call windows open and close on the minute).
        await same_both_ways({**query, "now": query["now"] + timedelta(minutes=1)})
