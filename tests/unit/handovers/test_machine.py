"""The handover state machine: every transition, repeats, late presses and who may do what."""

from __future__ import annotations

import pytest

from handovers.machine import Event, Party, State, Verdict, decide, is_closed, regie_moves

WHO = {
    Event.ACCEPT: Party.RECEIVER,
    Event.DECLINE: Party.RECEIVER,
    Event.WITHDRAW: Party.SENDER,
    Event.EXPIRE: Party.SYSTEM,
}
RESULT = {
    Event.ACCEPT: State.ACCEPTED,
    Event.DECLINE: State.DECLINED,
    Event.WITHDRAW: State.WITHDRAWN,
    Event.EXPIRE: State.EXPIRED,
}


@pytest.mark.parametrize("event", list(Event))
def test_an_open_handover_moves_on_every_event(event: Event) -> None:
    decision = decide(State.OPEN, event, WHO[event])
    assert decision.verdict is Verdict.CHANGE
    assert decision.state is RESULT[event]
    assert decision.changes


@pytest.mark.parametrize("event", list(Event))
def test_the_same_decision_twice_is_a_repeat_without_effect(event: Event) -> None:
    decision = decide(RESULT[event], event, WHO[event])
    assert decision.verdict is Verdict.REPEAT
    assert not decision.changes


@pytest.mark.parametrize("first", list(Event))
@pytest.mark.parametrize("then", list(Event))
def test_a_different_event_after_a_decision_is_too_late(first: Event, then: Event) -> None:
    if first is then:
        return
    decision = decide(RESULT[first], then, WHO[then])
    assert decision.verdict is Verdict.TOO_LATE
    assert decision.state is RESULT[first]


@pytest.mark.parametrize(
    ("event", "party"),
    [
        (Event.ACCEPT, Party.SENDER),
        (Event.DECLINE, Party.SENDER),
        (Event.WITHDRAW, Party.RECEIVER),
        (Event.ACCEPT, Party.OTHER),
        (Event.EXPIRE, Party.RECEIVER),
    ],
)
def test_only_the_right_party_may_act(event: Event, party: Party) -> None:
    assert decide(State.OPEN, event, party).verdict is Verdict.NOT_ALLOWED


def test_regie_moves_only_on_accept() -> None:
    assert [e for e in Event if regie_moves(e)] == [Event.ACCEPT]


def test_only_open_is_not_closed() -> None:
    assert [s for s in State if not is_closed(s)] == [State.OPEN]
    assert decide("open", Event.ACCEPT, Party.RECEIVER).state is State.ACCEPTED
