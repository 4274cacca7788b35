"""The life of one handover as a pure state machine: no database, no clock, no chat.

    open ──accept──► accepted      (regie moves to the receiver)
      ├──decline──► declined       (regie stays with the sender)
      ├──withdraw─► withdrawn      (regie stays with the sender)
      └──expire───► expired        (regie stays with the sender)

Only an open handover changes. Pressing the same button again is a *repeat*
(answered calmly, no second effect); any other event on a closed handover is
*too late* and says what happened first.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class State(StrEnum):
    """Where a handover stands."""

    OPEN = "open"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


class Event(StrEnum):
    """What can happen to a handover."""

    ACCEPT = "accept"
    DECLINE = "decline"
    WITHDRAW = "withdraw"
    EXPIRE = "expire"


class Party(StrEnum):
    """Who causes an event."""

    SENDER = "sender"
    RECEIVER = "receiver"
    SYSTEM = "system"
    OTHER = "other"


TRANSITIONS: dict[tuple[State, Event], State] = {
    (State.OPEN, Event.ACCEPT): State.ACCEPTED,
    (State.OPEN, Event.DECLINE): State.DECLINED,
    (State.OPEN, Event.WITHDRAW): State.WITHDRAWN,
    (State.OPEN, Event.EXPIRE): State.EXPIRED,
}

# The state each event leads to, to recognise a repeat of the same decision.
RESULT_OF: dict[Event, State] = {event: state for (_, event), state in TRANSITIONS.items()}

WHO_MAY: dict[Event, frozenset[Party]] = {
    Event.ACCEPT: frozenset({Party.RECEIVER}),
    Event.DECLINE: frozenset({Party.RECEIVER}),
    Event.WITHDRAW: frozenset({Party.SENDER}),
    Event.EXPIRE: frozenset({Party.SYSTEM}),
}


class Verdict(StrEnum):
    """What an event does to a handover in a given state."""

    CHANGE = "change"
    REPEAT = "repeat"
    TOO_LATE = "too_late"
    NOT_ALLOWED = "not_allowed"


@dataclass(frozen=True)
class Decision:
    """The outcome of applying an event: the verdict and the state afterwards."""

    verdict: Verdict
    state: State

    @property
    def changes(self) -> bool:
        """True when the handover moves to a new state."""
        return self.verdict is Verdict.CHANGE


def decide(state: State | str, event: Event, party: Party) -> Decision:
    """Apply an event by a party to a handover in `state`, without side effects."""
    current = State(state)
    if party not in WHO_MAY[event]:
        return Decision(Verdict.NOT_ALLOWED, current)
    target = TRANSITIONS.get((current, event))
    if target is not None:
        return Decision(Verdict.CHANGE, target)
    if RESULT_OF[event] is current:
        return Decision(Verdict.REPEAT, current)
    return Decision(Verdict.TOO_LATE, current)


def regie_moves(event: Event) -> bool:
    """Regie changes hands on acceptance only."""
    return event is Event.ACCEPT


def is_closed(state: State | str) -> bool:
    """True once nobody can answer the handover any more."""
    return State(state) is not State.OPEN
