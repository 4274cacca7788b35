"""Dates as people type them in /ik afwezig."""

from __future__ import annotations

from datetime import date

import pytest

from directory.dates import DateError, parse_date

TODAY = date(2026, 11, 24)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12 januari", date(2027, 1, 12)),
        ("12 jan", date(2027, 1, 12)),
        ("30 november", date(2026, 11, 30)),
        ("12 januari 2028", date(2028, 1, 12)),
        ("January 12", date(2027, 1, 12)),
        ("12-1", date(2027, 1, 12)),
        ("12-01-2027", date(2027, 1, 12)),
        ("2027-01-12", date(2027, 1, 12)),
        ("morgen", date(2026, 11, 25)),
        ("maandag", date(2026, 11, 30)),
        ("dinsdag", date(2026, 12, 1)),
    ],
)
def test_usual_dates(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize("text", ["straks", "31 februari", "13-13", "ooit"])
def test_unreadable_dates(text: str) -> None:
    with pytest.raises(DateError):
        parse_date(text, TODAY)
