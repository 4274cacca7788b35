"""Casuïstiek: /casus puts an anonymous case question on the next casuïstiekoverleg.

- ``questions``: adding, listing and withdrawing questions, and the retention ticker
  that erases their text after the session.
"""

from __future__ import annotations

import re

from core.i18n import N_
from handlers.base import CommandSpec, Registry
from handlers.casus import questions

ORDER = 42


def register(registry: Registry) -> None:
    """Add /casus and its retention timer."""
    registry.command(
        CommandSpec(
            name="casus",
            handler=questions.casus_command,
            summary=N_("zet een anonieme casus op de agenda van het volgende casuïstiekoverleg"),
            example=N_("/casus Jongere van 17 valt tussen Jeugdwet en Wmo; wie pakt regie?"),
            aliases=("case",),
            patterns=(re.compile(r"^casus inbrengen:?\s*(?P<args>.+)$", re.IGNORECASE),),
        )
    )
    registry.ticker("scheduler.casus_retention", questions.erase_old_cases)
