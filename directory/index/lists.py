"""The sorted candidate lists that let a lookup rank 100,000 people by reading a few dozen.

Every searchable person without an absence is in, per theme they hold and per schedule
class (one id per distinct set of call windows; people without a phone form their own
class): the list of all holders, one list per wijk they cover, the list of holders who
cover the whole municipality (no wijken), and one list per pair of their themes; and
once per triple of their themes, whatever their schedule. People with an absence (it
may start or end at any moment) are kept apart per theme and looked at one by one.
All lists are sorted by person id, so the people of one class come out in the order
that breaks ties.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from itertools import combinations

from directory.index.entries import Entry

ByClass = dict[int, list[int]]


def insert_sorted(ids: list[int], person_id: int) -> None:
    if not ids or ids[-1] < person_id:
        ids.append(person_id)  # building: ids arrive in order
        return
    at = bisect_left(ids, person_id)
    if at == len(ids) or ids[at] != person_id:
        ids.insert(at, person_id)


def remove_sorted(ids: list[int], person_id: int) -> None:
    at = bisect_left(ids, person_id)
    if at < len(ids) and ids[at] == person_id:
        del ids[at]


class CandidateLists:
    """All lists of one index; changed person by person as the directory changes."""

    def __init__(self) -> None:
        self.holders: defaultdict[int, ByClass] = defaultdict(dict)
        self.in_wijk: defaultdict[tuple[int, int], ByClass] = defaultdict(dict)
        self.town: defaultdict[int, ByClass] = defaultdict(dict)
        self.pairs: defaultdict[tuple[int, int], ByClass] = defaultdict(dict)
        self.triples: defaultdict[tuple[int, int, int], list[int]] = defaultdict(list)
        self.away: defaultdict[int, list[int]] = defaultdict(list)

    def add(self, entry: Entry) -> None:
        """Put a person in every list they belong in."""
        if not entry.searchable or not entry.theme_ids:
            return
        pid, themes = entry.id, entry.theme_ids  # sorted by the loader
        if not entry.regular:
            for theme in themes:
                insert_sorted(self.away[theme], pid)
            return
        klass, wijken = entry.schedule, entry.wijk_ids
        holders, in_wijk, town, pairs = self.holders, self.in_wijk, self.town, self.pairs
        for theme in themes:
            insert_sorted(_of(holders[theme], klass), pid)
            for wijk in wijken:
                insert_sorted(_of(in_wijk[(theme, wijk)], klass), pid)
            if not wijken:
                insert_sorted(_of(town[theme], klass), pid)
        if len(themes) > 1:
            for pair in combinations(themes, 2):
                insert_sorted(_of(pairs[pair], klass), pid)
        if len(themes) > 2:
            for triple in combinations(themes, 3):
                insert_sorted(self.triples[triple], pid)

    def extend(self, entries: Iterable[Entry]) -> None:
        """Add many people at once whose ids are all higher than any listed (a build)."""
        holders, in_wijk, town, pairs, triples, away = (
            self.holders,
            self.in_wijk,
            self.town,
            self.pairs,
            self.triples,
            self.away,
        )
        for entry in entries:
            if not entry.searchable or not entry.theme_ids:
                continue
            pid, themes = entry.id, entry.theme_ids
            if not entry.regular:
                for theme in themes:
                    away[theme].append(pid)
                continue
            klass, wijken = entry.schedule, entry.wijk_ids
            for theme in themes:
                ids = holders[theme].get(klass)
                if ids is None:
                    ids = holders[theme][klass] = []
                ids.append(pid)
                for wijk in wijken:
                    local = in_wijk[(theme, wijk)]
                    ids = local.get(klass)
                    if ids is None:
                        ids = local[klass] = []
                    ids.append(pid)
                if not wijken:
                    whole = town[theme]
                    ids = whole.get(klass)
                    if ids is None:
                        ids = whole[klass] = []
                    ids.append(pid)
            if len(themes) > 1:
                for pair in combinations(themes, 2):
                    both = pairs[pair]
                    ids = both.get(klass)
                    if ids is None:
                        ids = both[klass] = []
                    ids.append(pid)
                if len(themes) > 2:
                    for triple in combinations(themes, 3):
                        triples[triple].append(pid)

    def remove(self, entry: Entry) -> None:
        """Take a person (as they were) out of every list."""
        for ids in self._lists_of(entry):
            remove_sorted(ids, entry.id)

    def _lists_of(self, entry: Entry) -> Iterable[list[int]]:
        if not entry.searchable or not entry.theme_ids:
            return
        themes = entry.theme_ids
        if not entry.regular:
            for theme in themes:
                yield self.away[theme]
            return
        klass = entry.schedule
        for theme in themes:
            yield _of(self.holders[theme], klass)
            for wijk in entry.wijk_ids:
                yield _of(self.in_wijk[(theme, wijk)], klass)
            if not entry.wijk_ids:
                yield _of(self.town[theme], klass)
        for pair in combinations(themes, 2):
            yield _of(self.pairs[pair], klass)
        for triple in combinations(themes, 3):
            yield self.triples[triple]


def _of(lists: ByClass, klass: int) -> list[int]:
    found = lists.get(klass)
    if found is None:
        found = lists[klass] = []
    return found


def size(lists: ByClass | None, klass: int) -> int:
    """How many ids one class of a list holds."""
    if lists is None:
        return 0
    found = lists.get(klass)
    return len(found) if found is not None else 0
