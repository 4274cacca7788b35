"""Values the handover use cases take and give: what the sender filled in, what happened."""

from __future__ import annotations

from dataclasses import dataclass

from handovers.machine import Decision
from handovers.models import Handover, HandoverCase


@dataclass(frozen=True)
class HandoverRequest:
    """What the sender filled in."""

    sender_id: int
    receiver_id: int
    need: str
    themes: tuple[str, ...]
    reference_label: str
    consent: bool
    wijk: str | None = None
    case_id: int | None = None
    stand_in_for_id: int | None = None


@dataclass(frozen=True)
class Started:
    """A handover that was just sent, with its case and any label clashes."""

    handover: Handover
    case: HandoverCase
    new_case: bool
    conflicts: tuple[Handover, ...]


@dataclass(frozen=True)
class Outcome:
    """What an event did to a handover, and the handover as it is now."""

    decision: Decision
    handover: Handover

    @property
    def changed(self) -> bool:
        """True when this call made the change (not a repeat, not too late)."""
        return self.decision.changes
