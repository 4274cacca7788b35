"""Dates as people type them: '12 januari', '12 jan 2027', '12-1', '2027-01-12', 'maandag'."""

from __future__ import annotations

import re
from datetime import date, timedelta

from directory.availability import DAY_NAMES
from directory.matching import normalise

MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "feb", "february"),
        ("maart", "mrt", "mar", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("augustus", "aug", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov"),
        ("december", "dec"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2,4}))?$")
_WORDS = re.compile(r"^(\d{1,2})\s+([a-z]+)(?:\s+(\d{4}))?$")
_WORDS_EN = re.compile(r"^([a-z]+)\s+(\d{1,2})(?:\s+(\d{4}))?$")


class DateError(ValueError):
    """Not a date I can read."""


def _build(year: int | None, month: int, day: int, today: date) -> date:
    try:
        if year is not None:
            return date(year if year > 99 else 2000 + year, month, day)
        candidate = date(today.year, month, day)
        # Without a year the next such date is meant: '12 januari' in December is next year.
        return candidate if candidate >= today else date(today.year + 1, month, day)
    except ValueError as error:
        raise DateError(f"no such date {day}-{month}") from error


def parse_date(text: str, today: date) -> date:
    """The date meant by the text, on or after today when no year is given."""
    raw = text.strip().lower()
    if match := _ISO.match(raw):
        return _build(int(match[1]), int(match[2]), int(match[3]), today)
    if match := _NUMERIC.match(raw):
        year = int(match[3]) if match[3] else None
        return _build(year, int(match[2]), int(match[1]), today)
    words = normalise(raw)
    if words in ("morgen", "tomorrow"):
        return today + timedelta(days=1)
    if words in ("overmorgen",):
        return today + timedelta(days=2)
    if words in DAY_NAMES:
        ahead = (DAY_NAMES[words] - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    for pattern, day_group, month_group in ((_WORDS, 1, 2), (_WORDS_EN, 2, 1)):
        if match := pattern.match(words):
            month = MONTHS.get(match[month_group])
            if month is not None:
                year = int(match[3]) if match[3] else None
                return _build(year, month, int(match[day_group]), today)
    raise DateError(f"cannot read {text!r} as a date")
