"""The figures of one month's network report: counts and shares, never people.

A section is None when the capability behind it has no tables in this
database (yet); the report says so instead of showing zeros that look real.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from reports.period import Month


@dataclass(frozen=True)
class HandoverFigures:
    """Warm handovers sent in the month, followed to their answer (whenever it came)."""

    sent: int
    accepted: int
    # Working hours from sending to acceptance, median over the accepted ones.
    median_hours_to_accept: float | None
    accepted_within_one_day: int
    declined: int
    declines_by_reason: dict[str, int]
    escalated: int
    still_open: int

    @property
    def share_within_one_day(self) -> float | None:
        """Accepted within one working day, as a share of all sent."""
        return self.accepted_within_one_day / self.sent if self.sent else None


@dataclass(frozen=True)
class MeetingFigures:
    """Meetings that took place in the month and who said they would come."""

    held: int
    held_by_kind: dict[str, int]
    attendees: int

    @property
    def average_attendance(self) -> float | None:
        """Confirmed attendees per meeting held."""
        return self.attendees / self.held if self.held else None


@dataclass(frozen=True)
class MeeloopFigures:
    """Mee-loop pairs (or trios) formed in the month, and how many walked along."""

    groups: int
    people: int
    walked_along: int


@dataclass(frozen=True)
class ConnectionFigures:
    """New acquaintances in the month; cross-organisation ones are the point."""

    new: int
    cross_organisation: int


@dataclass(frozen=True)
class KnelpuntFigures:
    """Knelpunten opened and closed in the month."""

    opened: int
    solved: int
    structural: int
    unchangeable: int
    open_at_end: int
    me_too: int


@dataclass(frozen=True)
class DirectoryFigures:
    """How true the directory is, and where nobody can be reached."""

    active_people: int
    stale: int
    themes_total: int
    themes_uncovered: tuple[str, ...]
    wijken_total: int
    wijken_uncovered: tuple[str, ...]
    # Dutch and English names of the uncovered themes, by key.
    theme_names: dict[str, tuple[str, str]] = field(default_factory=dict)
    # The day the directory was read: it keeps no history, so a report on an earlier month
    # shows today's directory, and says so.
    read_on: date | None = None

    @property
    def share_stale(self) -> float | None:
        """Entries not confirmed within the freshness period, as a share of active people."""
        return self.stale / self.active_people if self.active_people else None


@dataclass(frozen=True)
class MonthReport:
    """Everything in one month's report."""

    month: Month
    handovers: HandoverFigures | None
    meetings: MeetingFigures | None
    meeloop: MeeloopFigures | None
    connections: ConnectionFigures
    knelpunten: KnelpuntFigures | None
    directory: DirectoryFigures
    missing: tuple[str, ...] = field(default=())
