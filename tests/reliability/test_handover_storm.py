"""Hundreds of handovers answered at the same moment (accept, decline and withdraw racing on
each one, through the dispatcher): each ends in exactly one state, with exactly one
regie-holder per case, one audit record and one notice of the decision.

500 handovers on PostgreSQL (the issue's figure); fewer on SQLite, which serialises writers."""

from __future__ import annotations

import pytest

from bench.handover_storm import handles_of, open_handovers, storm
from bot.bootstrap import App
from tests.conftest import BACKEND
from tests.support import make_person

pytestmark = pytest.mark.slow

HANDOVERS = 500 if BACKEND == "postgresql" else 60
PAIRS = 25


async def test_many_answers_at_once_leave_each_handover_in_exactly_one_state(app: App) -> None:
    pairs = []
    for n in range(PAIRS):
        sender = await make_person(app, f"Afzender {n}", email=f"afzender{n}@example.org")
        receiver = await make_person(
            app, f"Ontvanger {n}", email=f"ontvanger{n}@example.org", organisation="Wijkteam"
        )
        pairs.append((sender, receiver))
    ids = await open_handovers(app, pairs, HANDOVERS)
    handles = handles_of({hid: pairs[n % PAIRS] for n, hid in enumerate(ids)})

    result = await storm(app, ids, handles)

    assert result.problems == [], "\n".join(result.problems[:20])
    assert sum(result.states.values()) == HANDOVERS
    # Every kind of contender won somewhere: the race really was a race.
    assert set(result.states) == {"accepted", "declined", "withdrawn"}
    assert result.operations > HANDOVERS
