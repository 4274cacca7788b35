"""One month's report ready to publish: the figures, the text and the trend chart."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import Attachment
from reports.build import ReportOptions, build_report, trend
from reports.chart import trend_chart
from reports.figures import MonthReport
from reports.period import Month
from reports.render import render_report


@dataclass(frozen=True)
class Published:
    """The report with everything a post, a chat answer or the CLI shows."""

    report: MonthReport
    title: str
    text: str
    chart: bytes

    def attachment(self) -> Attachment:
        """The chart as a PNG attachment."""
        return Attachment(f"netwerkrapport-{self.report.month}.png", "image/png", self.chart)


async def publish(
    session: AsyncSession, month: Month, now: datetime, options: ReportOptions, tr: Translator
) -> Published:
    """Figures, text and chart of one month."""
    report = await build_report(session, month, now, options)
    points = await trend(session, month, now, options)
    title = tr.gettext(
        "Netwerkrapport {month}", month=tr.date(date(month.year, month.month, 1), "MMMM yyyy")
    )
    # Drawing takes a CPU-second; off the event loop, so chats keep being answered meanwhile.
    chart = await asyncio.to_thread(trend_chart, points, tr, title)
    return Published(report, title, render_report(report, tr), chart)
