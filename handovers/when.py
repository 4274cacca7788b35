"""Read a moment people type for a kennismaking: 'do 26-11 10:00', 'morgen 14u', '2026-12-01'.

Dutch and English words both work. A moment without a time gets 09:00; a bare
weekday means the next such day (today counts when the time is still ahead).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.date_words import MONTHS, RELATIVE, WEEKDAYS

DEFAULT_TIME = time(9, 0)

_TIME = re.compile(r"\b(?:om\s+|at\s+)?(\d{1,2})(?:[:.](\d{2})|\s*(?:u|uur|h))\b")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/](\d{1,2})(?:[-/](\d{2,4}))?\b")
_WORDS = re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\b")


def parse_moment(text: str, now: datetime, timezone: str = "Europe/Amsterdam") -> datetime | None:
    """The aware UTC moment meant by `text`, or None when it cannot be read."""
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    lowered = " ".join(text.lower().replace(",", " ").split())
    lowered = re.sub(r"(\d)t(\d)", r"\1 \2", lowered)  # ISO 2026-11-26T10:00
    clock, rest = _clock(lowered)
    if _ISO.search(rest) or _NUMERIC.search(rest):
        day = _day(rest, today)
        if day is None:
            return None  # looks like a date but is not one (31-02)
    else:
        day = _day(rest, today)
    if day is None:
        if clock is None:
            return None
        day = today
        if datetime.combine(day, clock, tzinfo=zone) <= now:
            day += timedelta(days=1)
    moment = datetime.combine(day, clock or DEFAULT_TIME, tzinfo=zone)
    return moment.astimezone(UTC)


def _clock(text: str) -> tuple[time | None, str]:
    for found in _TIME.finditer(text):
        hour, minute = int(found.group(1)), int(found.group(2) or 0)
        # '26-11' is a date, not 26 o'clock; only valid clock times count.
        if hour < 24 and minute < 60:
            return time(hour, minute), text[: found.start()] + " " + text[found.end() :]
    return None, text


def _day(text: str, today: date) -> date | None:
    iso = _ISO.search(text)
    if iso:
        return _safe_date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
    numeric = _NUMERIC.search(text)
    if numeric:
        year = _year(numeric.group(3), today)
        return _upcoming(int(numeric.group(1)), int(numeric.group(2)), year, today)
    for found in _WORDS.finditer(text):
        month = MONTHS.get(found.group(2))
        if month is not None:
            return _upcoming(int(found.group(1)), month, _year(found.group(3), today), today)
    for word in text.split():
        if word in RELATIVE:
            return today + timedelta(days=RELATIVE[word])
        if word.rstrip(".") in WEEKDAYS:
            ahead = (WEEKDAYS[word.rstrip(".")] - today.weekday()) % 7
            return today + timedelta(days=ahead)
    return None


def _year(raw: str | None, today: date) -> int | None:
    if raw is None:
        return None
    year = int(raw)
    return year + 2000 if year < 100 else year


def _upcoming(day: int, month: int, year: int | None, today: date) -> date | None:
    """A day and month without a year means the next one from today."""
    if year is not None:
        return _safe_date(year, month, day)
    found = _safe_date(today.year, month, day)
    if found is not None and found < today:
        found = _safe_date(today.year + 1, month, day)
    return found


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
