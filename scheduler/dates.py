"""Read the dates and times people type: "di 8 dec 14:00", "2026-12-08 14:00", "morgen 9.30"."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.clock import utc
from core.date_words import MONTHS, RELATIVE, WEEKDAYS
from core.errors import UserError

_TIME = re.compile(r"(?<![\d-])(\d{1,2})(?:[:.](\d{2})|\s*(?:u|uur|h)\b)(?![\d-])")
_ISO = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")
_NUMERIC = re.compile(r"\b(\d{1,2})[-/](\d{1,2})(?:[-/](\d{4}))?\b")
_NAMED = re.compile(r"\b(\d{1,2})\s+([a-z]+)\.?(?:\s+(\d{4}))?\b")
_WORD = re.compile(r"[a-z]+")


def parse_moment(text: str, now: datetime, timezone: str = "Europe/Amsterdam") -> datetime:
    """A future local date and time typed in Dutch (or English), as aware UTC."""
    zone = ZoneInfo(timezone)
    # "2026-12-08T14:00" is ISO 8601; the T is only a separator.
    cleaned = re.sub(r"(\d)t(\d)", r"\1 \2", text.strip().lower().replace(",", " "))
    today = utc(now).astimezone(zone).date()
    moment_time = _parse_time(cleaned)
    without_time = _TIME.sub(" ", cleaned)
    day = _parse_day(without_time, today)
    local = datetime.combine(day, moment_time, tzinfo=zone)
    if utc(local) <= utc(now):
        raise UserError("Dat moment is al voorbij. Kies een datum in de toekomst.")
    return utc(local)


def _parse_time(text: str) -> time:
    found = _TIME.search(text)
    if found is None:
        raise UserError("Noem ook een tijd, bijvoorbeeld: di 8 dec 14:00.")
    hour, minute = int(found.group(1)), int(found.group(2) or 0)
    if hour > 23 or minute > 59:
        raise UserError("'{value}' is geen geldige tijd.", value=found.group(0).strip())
    return time(hour, minute)


def _parse_day(text: str, today: date) -> date:
    words = _WORD.findall(text)
    weekday = next((WEEKDAYS[w] for w in words if w in WEEKDAYS), None)
    for word in words:
        if word in RELATIVE:
            return today + timedelta(days=RELATIVE[word])
    day = _explicit_date(text, today)
    if day is None and weekday is not None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    if day is None:
        raise UserError(
            "Ik begrijp de datum niet. Schrijf bijvoorbeeld: di 8 dec 14:00 of 2026-12-08 14:00."
        )
    if weekday is not None and day.weekday() != weekday:
        raise UserError("Die dag en datum passen niet bij elkaar. Kijk de datum nog even na.")
    return day


def _explicit_date(text: str, today: date) -> date | None:
    try:
        iso = _ISO.search(text)
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        numeric = _NUMERIC.search(text)
        if numeric:
            return _with_year(int(numeric.group(1)), int(numeric.group(2)), numeric.group(3), today)
        for named in _NAMED.finditer(text):
            month = MONTHS.get(named.group(2))
            if month is not None:
                return _with_year(int(named.group(1)), month, named.group(3), today)
    except ValueError as error:
        raise UserError("Die datum bestaat niet. Kijk de datum nog even na.") from error
    return None


def _with_year(day: int, month: int, year: str | None, today: date) -> date:
    """A date without a year is the next one to come."""
    if year:
        return date(int(year), month, day)
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def parse_duration(text: str) -> int:
    """Minutes from '90', '1,5 uur', '2u', '45 min'."""
    cleaned = text.strip().lower().replace(",", ".")
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(min|minuten|minutes|m|u|uur|h|hours?)?", cleaned)
    if found is None:
        raise UserError("Hoe lang duurt het? Schrijf bijvoorbeeld 90 (minuten) of 1,5 uur.")
    amount = float(found.group(1))
    unit = found.group(2) or ("min" if amount > 12 else "u")
    minutes = round(amount * 60) if unit in ("u", "uur", "h", "hour", "hours") else round(amount)
    if not 5 <= minutes <= 24 * 60:
        raise UserError("Een bijeenkomst duurt tussen 5 minuten en een dag.")
    return minutes


def parse_clock(text: str) -> time:
    """A time of day: '14:00', '9.30', '14u'."""
    return _parse_time(text.strip().lower())
