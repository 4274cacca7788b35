"""Injected time: production uses the system clock, tests a clock they can move."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """Return the current time in UTC."""
        return datetime.now(UTC)


@dataclass
class FrozenClock:
    """A clock that stands still until a test moves it."""

    current: datetime = field(default_factory=lambda: datetime(2026, 11, 24, 10, 0, tzinfo=UTC))

    def __post_init__(self) -> None:
        if self.current.tzinfo is None:
            raise ValueError(f"FrozenClock needs an aware datetime, got {self.current!r}")

    def now(self) -> datetime:
        """Return the frozen time."""
        return self.current

    def advance(self, delta: timedelta) -> None:
        """Move the clock forward."""
        self.current = self.current + delta

    def set(self, moment: datetime) -> None:
        """Jump to a moment (aware)."""
        if moment.tzinfo is None:
            raise ValueError(f"FrozenClock needs an aware datetime, got {moment!r}")
        self.current = moment


def amsterdam(moment: datetime, tz: str = "Europe/Amsterdam") -> datetime:
    """Convert an aware datetime to local time in the municipality's zone."""
    return moment.astimezone(ZoneInfo(tz))


def utc(moment: datetime) -> datetime:
    """Normalise to aware UTC; naive values from SQLite are taken as UTC."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)
