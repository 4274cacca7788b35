"""Knelpunten: report a bureaucratic blocker, and follow it to its outcome.

- ``report``: /knelpunt (reporting, the domain form, the notices) and /knelpunten (the list);
- ``followup``: taking one on, the outcome, "ik loop hier ook tegenaan", retention;
- ``texts``: the forms and what every message about a knelpunt says.
"""

from __future__ import annotations

import re

from core.i18n import N_
from handlers.base import ActionSpec, CommandSpec, FormSpec, Registry
from handlers.knelpunten import followup, report, texts

ORDER = 60


def register(registry: Registry) -> None:
    """Add /knelpunt, /knelpunten, their buttons, forms and the retention ticker."""
    registry.command(
        CommandSpec(
            name="knelpunt",
            handler=report.report,
            summary=N_(
                "meld een regel of procedure die je vastzette bij het helpen van een inwoner"
            ),
            example=N_("/knelpunt Wmo: de aanvraag voor een traplift moet op papier"),
            aliases=("meld", "blocker"),
            patterns=(
                re.compile(
                    r"^(?:ik wil )?(?:een )?knelpunt melden[:,]?\s*(?P<args>.*)$", re.IGNORECASE
                ),
            ),
            form_builder=texts.new_form,
        )
    )
    registry.command(
        CommandSpec(
            name="knelpunten",
            handler=report.list_open,
            summary=N_("open knelpunten per domein, de vaakst gemelde eerst"),
            example=N_("/knelpunten"),
            aliases=("blockers",),
        )
    )
    registry.action(ActionSpec(texts.TAKE, followup.take))
    registry.action(ActionSpec(texts.SUPPORT, followup.support))
    registry.action(ActionSpec(texts.OUTCOME, followup.choose_outcome))
    registry.form(FormSpec(texts.NEW_FORM, report.submit_new, report.suggest_domains))
    registry.form(FormSpec(texts.OUTCOME_FORM, followup.submit_outcome))
    registry.ticker("knelpunten.retention", followup.forget_free_text)
