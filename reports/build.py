"""Put one month's report together, and the few figures per month the trend chart needs.

Sections whose tables are not in the database (a capability not installed or
not migrated) come back as None and are named in `missing`.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from core.config import Settings
from core.workdays import OfficeHours
from reports import sections_network as network
from reports import sections_work as work
from reports.figures import (
    ConnectionFigures,
    HandoverFigures,
    KnelpuntFigures,
    MeeloopFigures,
    MeetingFigures,
    MonthReport,
)
from reports.period import Month

log = logging.getLogger("krokodil.reports")
T = TypeVar("T")


@dataclass(frozen=True)
class ReportOptions:
    """What the figures depend on besides the data."""

    timezone: str = "Europe/Amsterdam"
    office_hours: OfficeHours = field(default_factory=OfficeHours)
    freshness_days: int = 90
    trend_months: int = 6

    @classmethod
    def from_settings(cls, settings: Settings) -> ReportOptions:
        """The options a running bot uses."""
        return cls(
            timezone=settings.bot.timezone,
            office_hours=OfficeHours.parse(settings.handovers.office_hours, settings.bot.timezone),
            freshness_days=settings.directory.freshness_days,
            trend_months=settings.reports.trend_months,
        )


async def table_names(session: AsyncSession) -> set[str]:
    """The tables this database has."""
    return set(await session.run_sync(lambda s: inspect(s.connection()).get_table_names()))


class _Sections:
    """Runs a section only when its tables exist; remembers which ones could not run."""

    def __init__(self, present: set[str]) -> None:
        self.present = present
        self.missing: list[str] = []

    async def run(
        self,
        name: str,
        tables: tuple[str, ...],
        compute: Callable[..., Awaitable[T]],
        *args: Any,
    ) -> T | None:
        if not set(tables) <= self.present:
            self._miss(name)
            return None
        try:
            return await compute(*args)
        except ImportError:
            log.warning("report section unavailable", extra={"section": name})
            self._miss(name)
            return None

    def _miss(self, name: str) -> None:
        if name not in self.missing:
            self.missing.append(name)


@dataclass(frozen=True)
class _Activity:
    handovers: HandoverFigures | None
    meetings: MeetingFigures | None
    meeloop: MeeloopFigures | None
    knelpunten: KnelpuntFigures | None
    connections: ConnectionFigures


async def _activity(
    session: AsyncSession, sections: _Sections, month: Month, now: datetime, options: ReportOptions
) -> _Activity:
    start, end = month.bounds(options.timezone)
    return _Activity(
        handovers=await sections.run(
            "handovers",
            work.HANDOVER_TABLES,
            work.handover_figures,
            session,
            start,
            end,
            options.office_hours,
        ),
        meetings=await sections.run(
            "meetings", work.MEETING_TABLES, work.meeting_figures, session, start, end, now
        ),
        meeloop=await sections.run(
            "meeloop", work.MEELOOP_TABLES, work.meeloop_figures, session, start, end
        ),
        knelpunten=await sections.run(
            "knelpunten", network.KNELPUNT_TABLES, network.knelpunt_figures, session, start, end
        ),
        connections=await network.connection_figures(session, start, end),
    )


async def build_report(
    session: AsyncSession, month: Month, now: datetime, options: ReportOptions
) -> MonthReport:
    """Every section of one month."""
    sections = _Sections(await table_names(session))
    activity = await _activity(session, sections, month, now, options)
    _start, end = month.bounds(options.timezone)
    return MonthReport(
        month=month,
        handovers=activity.handovers,
        meetings=activity.meetings,
        meeloop=activity.meeloop,
        connections=activity.connections,
        knelpunten=activity.knelpunten,
        directory=await network.directory_figures(
            session,
            min(end, now),
            options.freshness_days,
            read_on=now.astimezone(ZoneInfo(options.timezone)).date(),
        ),
        missing=tuple(sections.missing),
    )


@dataclass(frozen=True)
class TrendPoint:
    """The figures of one month the chart draws (None: not available)."""

    month: Month
    handovers_sent: int | None
    accepted_within_one_day: int | None
    median_hours_to_accept: float | None
    cross_organisation: int
    meeloop_groups: int | None
    meetings_held: int | None
    knelpunten_opened: int | None
    knelpunten_closed: int | None


async def trend(
    session: AsyncSession, month: Month, now: datetime, options: ReportOptions
) -> list[TrendPoint]:
    """The last `trend_months` months up to and including `month`, oldest first."""
    sections = _Sections(await table_names(session))
    points: list[TrendPoint] = []
    for each in month.last(options.trend_months):
        a = await _activity(session, sections, each, now, options)
        h, k = a.handovers, a.knelpunten
        points.append(
            TrendPoint(
                month=each,
                handovers_sent=h.sent if h else None,
                accepted_within_one_day=h.accepted_within_one_day if h else None,
                median_hours_to_accept=h.median_hours_to_accept if h else None,
                cross_organisation=a.connections.cross_organisation,
                meeloop_groups=a.meeloop.groups if a.meeloop else None,
                meetings_held=a.meetings.held if a.meetings else None,
                knelpunten_opened=k.opened if k else None,
                knelpunten_closed=k.solved + k.structural + k.unchangeable if k else None,
            )
        )
    return points
