"""Pairing for mee-loop-dagen: across organisations, strangers first, never a pair twice.

Hard rules: people in a group work at different organisations, and no two of them were
paired within the remembered history. Preferences: people who do not know each other yet,
then a shared interest (one is curious about a theme the other works on). An odd number
makes one trio. Whoever no rule allows to be matched is returned as unmatched, so the caller
tells them rather than leaving them out silently. Randomness comes from the caller's
``random.Random``, so a seeded generator gives the same pairs every time.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations

Pair = frozenset[int]


@dataclass(frozen=True)
class Participant:
    """Someone taking part this round."""

    person_id: int
    organisation_id: int
    curious_about: frozenset[str] = frozenset()
    works_on: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Pairing:
    """The groups of a round (pairs, and trios where needed) and who could not be matched."""

    groups: tuple[tuple[int, ...], ...]
    unmatched: tuple[int, ...] = ()
    score: tuple[int, ...] = field(default=(), compare=False)


def pairs_of(group: Iterable[int]) -> set[Pair]:
    """Every pair inside a group (three pairs in a trio)."""
    return {frozenset(p) for p in combinations(sorted(group), 2)}


class _Rules:
    def __init__(self, people: Sequence[Participant], known: set[Pair], recent: set[Pair]) -> None:
        self.by_id = {p.person_id: p for p in people}
        self.known = known
        self.recent = recent

    def allowed(self, a: int, b: int) -> bool:
        pa, pb = self.by_id[a], self.by_id[b]
        return (
            a != b
            and pa.organisation_id != pb.organisation_id
            and frozenset((a, b)) not in self.recent
        )

    def fits(self, person: int, group: Sequence[int]) -> bool:
        return all(self.allowed(person, other) for other in group)

    def score(self, a: int, b: int) -> int:
        pa, pb = self.by_id[a], self.by_id[b]
        value = 10 if frozenset((a, b)) not in self.known else 0
        value += 2 * bool(pa.curious_about & pb.works_on) + 2 * bool(pb.curious_about & pa.works_on)
        return value

    def group_score(self, group: Sequence[int]) -> int:
        return sum(self.score(a, b) for a, b in combinations(group, 2))


def pair_people(
    people: Sequence[Participant],
    known: set[Pair],
    recent: set[Pair],
    rng: random.Random,
    attempts: int | None = None,
) -> Pairing:
    """The best of several randomised greedy matchings (fewest left out, fewest trios, best fit)."""
    if len({p.person_id for p in people}) != len(people):
        raise ValueError("each participant may appear only once")
    rules = _Rules(people, known, recent)
    ids = [p.person_id for p in people]
    # Many attempts for a small group, fewer for a big one: a round stays well under a second.
    tries = (
        attempts if attempts is not None else max(3, min(200, 2_000_000 // max(len(ids), 1) ** 2))
    )
    best: Pairing | None = None
    for _ in range(tries):
        candidate = _attempt(ids, rules, rng)
        if best is None or candidate.score > best.score:
            best = candidate
    assert best is not None
    return best


def _attempt(ids: Sequence[int], rules: _Rules, rng: random.Random) -> Pairing:
    order = list(ids)
    rng.shuffle(order)
    degree = {a: sum(rules.allowed(a, b) for b in ids) for a in ids}
    # The hardest to match go first; the shuffle breaks ties differently every attempt.
    order.sort(key=lambda a: degree[a])
    free = set(order)
    groups: list[list[int]] = []
    for person in order:
        if person not in free:
            continue
        options = [b for b in order if b in free and rules.allowed(person, b)]
        if not options:
            continue
        partner = max(options, key=lambda b: (rules.score(person, b), -degree[b], rng.random()))
        groups.append([person, partner])
        free -= {person, partner}
    left = [p for p in order if p in free]
    left = _swap_in(left, groups, rules)
    unmatched: list[int] = []
    for person in left:
        homes = [g for g in groups if len(g) == 2 and rules.fits(person, g)]
        if not homes:
            homes = [g for g in groups if len(g) == 3 and rules.fits(person, g)]
        if not homes:
            unmatched.append(person)
            continue
        home = max(homes, key=lambda g: (rules.group_score([*g, person]), rng.random()))
        home.append(person)
    trios = sum(len(g) > 2 for g in groups)
    quality = sum(rules.group_score(g) for g in groups)
    return Pairing(
        groups=tuple(tuple(sorted(g)) for g in groups),
        unmatched=tuple(sorted(unmatched)),
        score=(-len(unmatched), -trios, quality),
    )


def _swap_in(left: list[int], groups: list[list[int]], rules: _Rules) -> list[int]:
    """Match two left-over people by breaking one pair: (a b) + x, y → (x a) + (b y)."""
    remaining = list(left)
    changed = True
    while changed and len(remaining) >= 2:
        changed = False
        for x, y in combinations(list(remaining), 2):
            for group in groups:
                if len(group) != 2:
                    continue
                a, b = group
                for first, second in ((a, b), (b, a)):
                    if rules.allowed(x, first) and rules.allowed(second, y):
                        group[:] = [x, first]
                        groups.append([second, y])
                        remaining.remove(x)
                        remaining.remove(y)
                        changed = True
                        break
                if changed:
                    break
            if changed:
                break
    return remaining
