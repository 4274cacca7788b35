"""The network report: how the network is doing, in totals only.

- ``monthly``: /rapport for one month, and the ticker that posts last month's report.
"""

from __future__ import annotations

from core.i18n import N_
from handlers.base import CommandSpec, Registry
from handlers.reports import monthly

ORDER = 90


def register(registry: Registry) -> None:
    """Add /rapport and the monthly post."""
    registry.command(
        CommandSpec(
            name="rapport",
            handler=monthly.report,
            summary=N_(
                "netwerkrapport van een maand, alleen totalen (oliemannetjes en regisseurs)"
            ),
            example=N_("/rapport 2026-11"),
            aliases=("report",),
        )
    )
    registry.ticker("reports.monthly", monthly.post_monthly)
