"""Mee-loop pairing with a seeded generator: cross-organisation, strangers first, no repeats."""

from __future__ import annotations

import random
from itertools import combinations

import pytest

from scheduler.pairing import Pair, Participant, pair_people, pairs_of


def people(count: int, organisations: int) -> list[Participant]:
    return [
        Participant(person_id=i, organisation_id=i % organisations) for i in range(1, count + 1)
    ]


def all_pairs(groups: tuple[tuple[int, ...], ...]) -> set[Pair]:
    found: set[Pair] = set()
    for group in groups:
        found |= pairs_of(group)
    return found


def test_everyone_is_paired_across_organisations() -> None:
    crowd = people(12, 3)
    org = {p.person_id: p.organisation_id for p in crowd}
    result = pair_people(crowd, set(), set(), random.Random(7))
    assert result.unmatched == ()
    assert sorted(pid for g in result.groups for pid in g) == list(range(1, 13))
    for group in result.groups:
        assert len({org[pid] for pid in group}) == len(group)


def test_an_odd_number_makes_exactly_one_trio() -> None:
    result = pair_people(people(9, 4), set(), set(), random.Random(3))
    sizes = sorted(len(g) for g in result.groups)
    assert sizes == [2, 2, 2, 3]
    assert result.unmatched == ()


def test_the_same_seed_gives_the_same_pairs() -> None:
    first = pair_people(people(10, 3), set(), set(), random.Random(42))
    again = pair_people(people(10, 3), set(), set(), random.Random(42))
    assert first.groups == again.groups


def test_pairs_from_recent_rounds_never_repeat() -> None:
    crowd = people(6, 6)
    seen: set[Pair] = set()
    rng = random.Random(11)
    # Six people from six organisations have fifteen possible pairs: five rounds of three.
    for _round in range(5):
        result = pair_people(crowd, set(), seen, rng)
        made = all_pairs(result.groups)
        assert not made & seen
        assert result.unmatched == ()
        seen |= made
    assert len(seen) == 15
    exhausted = pair_people(crowd, set(), seen, rng)
    assert exhausted.groups == ()
    assert exhausted.unmatched == (1, 2, 3, 4, 5, 6)  # told, never silently dropped


def test_strangers_are_preferred_over_people_who_know_each_other() -> None:
    crowd = people(4, 4)
    known = {frozenset((1, 2)), frozenset((3, 4))}
    for seed in range(20):
        result = pair_people(crowd, known, set(), random.Random(seed))
        assert not all_pairs(result.groups) & known


def test_one_organisation_alone_cannot_be_paired_and_is_reported() -> None:
    crowd = [Participant(1, 1), Participant(2, 1), Participant(3, 1), Participant(4, 2)]
    result = pair_people(crowd, set(), set(), random.Random(5))
    matched = {pid for g in result.groups for pid in g}
    assert 4 in matched
    assert set(result.unmatched) | matched == {1, 2, 3, 4}
    assert len(result.unmatched) == 2


def test_shared_curiosity_breaks_ties() -> None:
    crowd = [
        Participant(1, 1, curious_about=frozenset({"wonen"})),
        Participant(2, 2, works_on=frozenset({"wonen"})),
        Participant(3, 3),
        Participant(4, 4),
    ]
    for seed in range(10):
        result = pair_people(crowd, set(), set(), random.Random(seed))
        assert (1, 2) in result.groups


def test_a_person_listed_twice_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="only once"):
        pair_people([Participant(1, 1), Participant(1, 2)], set(), set(), random.Random(1))


def test_trio_only_with_people_from_three_organisations() -> None:
    crowd = [Participant(1, 1), Participant(2, 2), Participant(3, 1)]
    result = pair_people(crowd, set(), set(), random.Random(2))
    # 1 and 3 share an organisation, so no trio is possible: one pair and one told.
    assert len(result.groups) == 1 and len(result.unmatched) == 1
    assert all(len({1, 3} & set(g)) < 2 for g in result.groups)
    assert not any(set(c) <= set(result.groups[0]) for c in combinations((1, 3), 2))
