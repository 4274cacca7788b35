"""How /wie weighs what it knows of a person; the SQL path and the index both score with this.

In order of weight: how well a person's themes match the question; whether they can be
called right now; whether they work in the wijk asked about (or the asker's wijken);
whether they already know the asker. Someone away without a stand-in loses a little,
someone without a phone number more than every bonus together.
"""

from __future__ import annotations

from dataclasses import dataclass

WEIGHT_REACHABLE = 0.5
WEIGHT_WIJK = 0.2
WEIGHT_WHOLE_TOWN = 0.1
WEIGHT_ASKER_WIJK = 0.1
WEIGHT_KNOWS = 0.1
PENALTY_ABSENT = 0.2
# More than every bonus together: whoever can be called comes before whoever cannot.
PENALTY_NO_PHONE = 2.0

# wijk flags: 2 works in a preferred wijk, 1 covers the whole municipality, 0 elsewhere.
IN_WIJK, WHOLE_TOWN, ELSEWHERE = 2, 1, 0


def wijk_weight(flag: int, explicit: bool) -> float:
    """The bonus for a wijk flag; `explicit`: the asker named the wijk."""
    if flag == IN_WIJK:
        return WEIGHT_WIJK if explicit else WEIGHT_ASKER_WIJK
    if flag == WHOLE_TOWN and explicit:
        return WEIGHT_WHOLE_TOWN
    return 0.0


def score(
    theme_part: float, reachable: bool, wijk_bonus: float, knows: bool, penalty: float
) -> float:
    """The ranking score, always summed in this order and rounded, so both paths agree."""
    return round(
        theme_part
        + (WEIGHT_REACHABLE if reachable else 0.0)
        + wijk_bonus
        + (WEIGHT_KNOWS if knows else 0.0)
        - penalty,
        4,
    )


@dataclass(frozen=True)
class Ranked:
    """One person to show, as a ranking found them (best first in a list of these)."""

    score: float
    person_id: int
    substitute_for: int | None  # the absent candidate this person stands in for
    reachable: bool
    knows: bool
