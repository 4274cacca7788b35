"""/wie in memory: exactly the order of the SQL path, found by reading a few short lists.

A person's score depends only on which of the question's themes they hold (their
*mask*), their schedule class (reachable now, or from which moment; no phone), their
wijk category (in the wijk asked about, whole municipality, elsewhere) and whether the
asker knows them. Everyone sharing a mask, a class and a category shares the score and
the moment that breaks ties, so such a *cell* lists its people by id, which is the last
tie-break. Cells are visited best first and their people read from the shortest list
that must contain them (``directory.index.lists``) until enough people are found.
People with an absence or known to the asker are scored one by one, as the SQL path
does, and merged in.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations

from directory.candidates import MAX_THEMES, MAX_WEIGHTS
from directory.index.entries import NO_PHONE, Entry
from directory.index.kept import KeptRankings
from directory.index.schedules import ScheduleTimes
from directory.index.state import State
from directory.reachability import CallMoments, is_absent, local_now, reachable_at
from directory.scoring import (
    ELSEWHERE,
    IN_WIJK,
    PENALTY_ABSENT,
    PENALTY_NO_PHONE,
    WEIGHT_REACHABLE,
    WHOLE_TOWN,
    Ranked,
    score,
    wijk_weight,
)

Key = tuple[float, float, int, int]  # -score, call moment (0: now), who, candidate


@dataclass(frozen=True)
class _Cell:
    mask: int
    klass: int
    category: int
    score: float
    moment: float


def rank(
    state: State,
    times: ScheduleTimes,
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
    kept: KeptRankings | None = None,
) -> list[Ranked]:
    """The best `limit` people for these theme weights (theme id → weight); `kept`: work
    shared with other lookups of the same index version and minute."""
    if not weights or limit <= 0:
        return []
    return _Lookup(
        state,
        times,
        weights,
        prefer,
        explicit,
        asker_id,
        exclude,
        prefer_asker_wijken,
        now,
        timezone,
        kept,
    ).best(limit)


class _Lookup:
    """Everything one lookup works out once."""

    def __init__(
        self,
        state: State,
        times: ScheduleTimes,
        weights: Mapping[int, float],
        prefer: Sequence[int] | None,
        explicit: bool,
        asker_id: int | None,
        exclude: Collection[int],
        prefer_asker_wijken: bool,
        now: datetime,
        timezone: str,
        kept: KeptRankings | None = None,
    ) -> None:
        self.state, self.times, self.now, self.timezone = state, times, now, timezone
        self.kept = kept
        self.minute = int(now.timestamp() // 60)
        self.weights_key = tuple(weights.items())
        ordered = sorted(weights, key=lambda tid: -weights[tid])[:MAX_WEIGHTS]
        self.ordered = ordered
        self.weight = {tid: float(weights[tid]) for tid in ordered}
        self.total = sum(weights.values())
        self.bit = {tid: 1 << i for i, tid in enumerate(ordered)}
        self.pool_bits = sum(self.bit[tid] for tid in ordered[:MAX_THEMES])
        asker = state.entries.get(asker_id) if asker_id is not None else None
        if prefer:
            self.kind, self.prefer = "list", frozenset(prefer)
        elif prefer_asker_wijken and asker_id:
            self.kind, self.prefer = "asker", frozenset(asker.wijk_ids if asker else ())
        else:
            self.kind, self.prefer = "none", frozenset()
        self.explicit = explicit and bool(prefer)
        self.known = state.acquaintances.get(asker_id, set()) if asker_id is not None else set()
        self.exclude = frozenset(exclude)
        # Scored one by one (known) or not at all (excluded): never read from a cell.
        self.skip = self.exclude | self.known
        self.at = local_now(now, timezone)
        self.moments = CallMoments(now, timezone)

    # -- scoring one person, as directory.search._rank does -----------------------------

    def mask(self, entry: Entry) -> int:
        bits = 0
        for tid in entry.theme_ids:
            bits |= self.bit.get(tid, 0)
        return bits

    def theme_part(self, mask: int) -> float:
        held = sum(self.weight[tid] for tid in self.ordered if mask & self.bit[tid])
        return min(held / self.total, 1.0)

    def category(self, entry: Entry) -> int:
        if self.kind == "none":
            return ELSEWHERE
        if not self.prefer.isdisjoint(entry.wijk_ids):
            return IN_WIJK
        if not entry.wijk_ids and self.kind == "list":
            return WHOLE_TOWN
        return ELSEWHERE

    def flag(self, entry: Entry) -> int:
        """The SQL path's wijk flag (whole town counts only where a wijk was asked)."""
        if self.kind == "none":
            return ELSEWHERE
        if not self.prefer.isdisjoint(entry.wijk_ids):
            return IN_WIJK
        return WHOLE_TOWN if not entry.wijk_ids else ELSEWHERE

    def _stand_in(self, entry: Entry) -> Entry | None:
        sid = entry.stand_in_id
        if not sid or sid in self.exclude:
            return None
        found = self.state.entries.get(sid)
        if found is None or not found.active or is_absent(found, self.now):
            return None
        return found

    def one(self, cand: Entry) -> tuple[Key, Ranked]:
        """Score one candidate (absent, or known to the asker) the way the SQL path does."""
        who, substitute, knows = cand.id, None, cand.id in self.known
        callable_, shown = cand.phone is not None, cand
        reachable = reachable_at(cand, self.at)
        penalty = 0.0
        if is_absent(cand, self.now):
            stand_in = self._stand_in(cand)
            if stand_in is not None:
                who, substitute, knows = stand_in.id, cand.id, stand_in.id in self.known
                reachable, callable_ = reachable_at(stand_in, self.at), stand_in.phone is not None
                shown = stand_in
            else:
                penalty = PENALTY_ABSENT
        if not callable_:
            reachable, penalty = False, penalty + PENALTY_NO_PHONE
        value = score(
            self.theme_part(self.mask(cand)),
            reachable,
            wijk_weight(self.flag(cand), self.explicit),
            knows,
            penalty,
        )
        moment = 0.0
        if not reachable:
            found = self.moments.of(shown) if callable_ else None
            moment = found.timestamp() if found is not None else math.inf
        return (-value, moment, who, cand.id), Ranked(value, who, substitute, reachable, knows)

    def one_by_one(self) -> list[tuple[Key, Ranked]]:
        """Absent candidates and those the asker knows, scored, best first."""
        ids: set[int] = set()
        lists = self.state.lists
        for tid in self.ordered[:MAX_THEMES]:
            ids.update(lists.away.get(tid, ()))
        for pid in self.known:
            entry = self.state.entries.get(pid)
            if entry is not None and entry.searchable and self.mask(entry) & self.pool_bits:
                ids.add(pid)
        found = [self.one(self.state.entries[pid]) for pid in ids - self.exclude]
        return sorted(found, key=lambda pair: pair[0])

    # -- everyone else, cell by cell ----------------------------------------------------

    def _classes(self) -> list[tuple[float, float, int, float]]:
        """(reachable bonus, penalty, schedule class, moment), best first."""
        found: list[tuple[float, float, int, float]] = []
        for klass, windows in enumerate(self.state.schedules):
            if self.times.reachable(windows, self.at):
                found.append((WEIGHT_REACHABLE, 0.0, klass, 0.0))
            else:
                moment = self.times.next_moment(windows, self.now, self.timezone)
                found.append((0.0, 0.0, klass, moment.timestamp() if moment else math.inf))
        found.append((0.0, PENALTY_NO_PHONE, NO_PHONE, math.inf))
        return found

    def _categories(self) -> list[tuple[int, float]]:
        cats: tuple[int, ...]
        if self.kind == "list":
            cats = (IN_WIJK, WHOLE_TOWN, ELSEWHERE)
        elif self.kind == "asker":
            cats = (IN_WIJK, ELSEWHERE)
        else:
            cats = (ELSEWHERE,)
        return [(c, wijk_weight(c, self.explicit)) for c in cats]

    def cells(self) -> Iterator[_Cell]:
        """Every (mask, class, category), best score first, then earliest moment (the same
        for everyone asking this, so shared while the version and the minute hold)."""
        if self.kept is None:
            return self._cells()
        key = ("cells", self.weights_key, self.kind, self.explicit, self.timezone)
        return iter(self.kept.replay(self.state, self.minute, key, self._cells, cells=True))

    def _cells(self) -> Iterator[_Cell]:
        masks = [m for m in range(1, 1 << len(self.ordered)) if m & self.pool_bits]
        parts = sorted(((self.theme_part(m), m) for m in masks), key=lambda p: -p[0])
        rows = sorted(
            (
                (reach + bonus - penalty, moment, klass, cat, reach, bonus, penalty)
                for reach, penalty, klass, moment in self._classes()
                for cat, bonus in self._categories()
            ),
            key=lambda row: (-row[0], row[1]),
        )
        heap: list[tuple[float, float, int, int]] = []

        def push(i: int, j: int) -> None:
            if j < len(rows):
                part = parts[i][0]
                _b, moment, _k, _c, reach, bonus, penalty = rows[j]
                value = score(part, reach > 0, bonus, False, penalty)
                heapq.heappush(heap, (-value, moment, i, j))

        for i in range(len(parts)):
            push(i, 0)
        while heap:
            negative, moment, i, j = heapq.heappop(heap)
            _b, _m, klass, cat, _r, _bonus, _p = rows[j]
            yield _Cell(parts[i][1], klass, cat, -negative, moment)
            push(i, j + 1)

    def _source(self, cell: _Cell) -> tuple[Sequence[int], bool, bool] | None:
        """The shortest list holding everyone of the cell: (ids, check category, check class)."""
        lists, klass = self.state.lists, cell.klass
        themes = sorted(tid for tid in self.ordered if cell.mask & self.bit[tid])
        best: tuple[int, Sequence[int], bool, bool] | None = None

        def offer(ids: Sequence[int] | None, category: bool, schedule: bool = False) -> bool:
            nonlocal best
            length = len(ids) if ids is not None else 0
            if best is None or length < best[0]:
                best = (length, ids or (), category, schedule)
            return length == 0

        for tid in themes:
            if cell.category == IN_WIJK:
                parts = [lists.in_wijk.get((tid, w), {}).get(klass, ()) for w in self.prefer]
                merged: Sequence[int] = (
                    parts[0] if len(parts) == 1 else sorted(set().union(*parts)) if parts else ()
                )
                empty = offer(merged, False)
            elif cell.category == WHOLE_TOWN:
                empty = offer(lists.town.get(tid, {}).get(klass), False)
            else:
                empty = offer(lists.holders.get(tid, {}).get(klass), self.kind != "none")
            if empty:
                return None
        for pair in combinations(themes, 2):
            if offer(lists.pairs.get(pair, {}).get(klass), self.kind != "none"):
                return None
        for triple in combinations(themes, 3):
            if offer(lists.triples.get(triple), self.kind != "none", True):
                return None
        assert best is not None
        return best[1], best[2], best[3]

    def members(self, cell: _Cell, skip: frozenset[int]) -> Iterator[int]:
        """The people of one cell, by id, but for `skip`."""
        found = self._source(cell)
        if found is None:
            return
        ids, check_category, check_class = found
        entries = self.state.entries
        for pid in ids:
            if pid in skip:
                continue
            entry = entries[pid]
            if self.mask(entry) != cell.mask:
                continue
            if check_class and (entry.schedule != cell.klass or not entry.regular):
                continue
            if check_category and self.category(entry) != cell.category:
                continue
            yield pid

    def regular(self) -> Iterator[tuple[Key, Ranked]]:
        """Everyone without an absence and not known to the asker, best first (read from a
        ranking shared by everyone asking this with the same wijk preference, if kept)."""
        if self.kept is None:
            return self._regular(self.skip)
        key = ("people", self.weights_key, self.kind, self.prefer, self.explicit, self.timezone)
        shared = self.kept.replay(self.state, self.minute, key, lambda: self._regular(frozenset()))
        skip = self.skip
        if not skip:
            return iter(shared)
        return (pair for pair in shared if pair[1].person_id not in skip)

    def _regular(self, skip: frozenset[int]) -> Iterator[tuple[Key, Ranked]]:
        cells = self.cells()
        pending = next(cells, None)
        while pending is not None:
            group = [pending]
            pending = next(cells, None)
            while pending is not None and (pending.score, pending.moment) == (
                group[0].score,
                group[0].moment,
            ):
                group.append(pending)
                pending = next(cells, None)
            head = group[0]
            reachable = head.moment == 0.0
            streams = [self.members(cell, skip) for cell in group]
            ids = streams[0] if len(streams) == 1 else heapq.merge(*streams)
            for pid in ids:
                key = (-head.score, head.moment, pid, pid)
                yield key, Ranked(head.score, pid, None, reachable, False)

    def best(self, limit: int) -> list[Ranked]:
        """Both kinds merged; each person once, at their best."""
        shown: set[int] = set()
        found: list[Ranked] = []
        apart = self.one_by_one()
        merged = (
            heapq.merge(apart, self.regular(), key=lambda pair: pair[0])
            if apart
            else self.regular()  # nobody away or known: nothing to merge in
        )
        for _key, ranked in merged:
            if ranked.person_id in shown:
                continue
            shown.add(ranked.person_id)
            found.append(ranked)
            if len(found) == limit:
                break
        return found
