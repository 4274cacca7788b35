"""Mee-loop-dagen: a day walking along with a colleague of another organisation.

- ``participation``: /meelopen, opting in, out or pausing, and your status;
- ``rounds``: the pairing ticker (introductions, later "is het gelukt?") and its buttons.
"""

from __future__ import annotations

from core.i18n import N_
from handlers.base import ActionSpec, CommandSpec, Registry
from handlers.meelopen import participation, rounds

ORDER = 44


def register(registry: Registry) -> None:
    """Add /meelopen, its follow-up buttons and the pairing timer."""
    registry.command(
        CommandSpec(
            name="meelopen",
            handler=participation.meelopen_command,
            summary=N_("doe mee met mee-loop-dagen: een dag meelopen bij een andere organisatie"),
            example=N_("/meelopen aan om de ronde schulden"),
            aliases=("walkalong", "meeloopdag"),
        )
    )
    registry.action(ActionSpec("meelopen.outcome", rounds.outcome))
    registry.ticker("scheduler.meelopen", rounds.tick)
