"""Reading the moment of a kennismaking the way people type it."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handovers.when import parse_moment

AMS = ZoneInfo("Europe/Amsterdam")
# Tuesday 24 November 2026, 10:00 in Amsterdam.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-26 10:00", local(2026, 11, 26, 10, 0)),
        ("2026-11-26T14:30", local(2026, 11, 26, 14, 30)),
        ("26-11 10:00", local(2026, 11, 26, 10, 0)),
        ("26/11/2026 9.15", local(2026, 11, 26, 9, 15)),
        ("do 26 nov 14u", local(2026, 11, 26, 14, 0)),
        ("3 december om 11:00", local(2026, 12, 3, 11, 0)),
        ("morgen 14:00", local(2026, 11, 25, 14, 0)),
        ("tomorrow at 9:30", local(2026, 11, 25, 9, 30)),
        ("vrijdag 13:00", local(2026, 11, 27, 13, 0)),
        ("dinsdag 9:00", local(2026, 11, 24, 9, 0)),
        ("overmorgen", local(2026, 11, 26, 9, 0)),
        ("15:00", local(2026, 11, 24, 15, 0)),
        ("8:00", local(2026, 11, 25, 8, 0)),
        ("5 januari 10:00", local(2027, 1, 5, 10, 0)),
    ],
)
def test_typed_moments(typed: str, expected: datetime) -> None:
    assert parse_moment(typed, NOW) == expected


@pytest.mark.parametrize("typed", ["binnenkort", "31-02 10:00", "", "ergens volgende week"])
def test_unreadable_moments(typed: str) -> None:
    assert parse_moment(typed, NOW) is None
