"""The personal overview (Slack's App Home; /home elsewhere).

- ``overview``: the home assembled from other capabilities' answers, and its command buttons;
- ``profile``: editing your own entry in one form ("Profiel bewerken").
"""

from __future__ import annotations

from core.i18n import N_
from handlers.base import ActionSpec, CommandSpec, FormSpec, Registry
from handlers.home import overview, profile

ORDER = 900


def register(registry: Registry) -> None:
    """Add the hidden home command and its command button."""
    registry.command(
        CommandSpec(
            name="home",
            handler=overview.home,
            summary=N_("je eigen overzicht"),
            example="/home",
            aliases=("overzicht",),
            hidden=True,
        )
    )
    registry.action(ActionSpec(action_id=overview.RUN_COMMAND, handler=overview.run_command))
    registry.action(ActionSpec(action_id=profile.EDIT_ACTION, handler=profile.open_form))
    registry.form(FormSpec(form_id=profile.FORM_ID, submit=profile.submit))
