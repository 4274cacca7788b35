"""Dutch public holidays, by the rules of the Algemene termijnenwet (from 1966).

The `holidays` package knows the same days, but importing its Dutch calendar imports
all 250 countries (0.06-0.08 s of every command line start that needs a date). These
rules are few and settled; `tests/unit/core/test_dutch_holidays.py` holds them to
the package's, year by year.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter

# The Algemene termijnenwet took effect on 1 April 1965; the count starts with 1966.
FIRST_YEAR = 1966
SUNDAY = 6


@cache
def dutch_holidays(year: int) -> dict[date, str]:
    """The year's public holidays by date, named in Dutch (e.g. 'Koningsdag')."""
    if year < FIRST_YEAR:
        return {}
    sunday = easter(year)
    days: list[tuple[date, str]] = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (sunday - timedelta(days=2), "Goede vrijdag"),
        (sunday, "Eerste paasdag"),
        (sunday + timedelta(days=1), "Tweede paasdag"),
        _royal_day(year),
    ]
    if year % 5 == 0:
        # A day off every fifth year (2025, 2030): so most collective agreements have it.
        days.append((date(year, 5, 5), "Bevrijdingsdag"))
    days += [
        (sunday + timedelta(days=39), "Hemelvaartsdag"),
        (sunday + timedelta(days=49), "Eerste pinksterdag"),
        (sunday + timedelta(days=50), "Tweede pinksterdag"),
        (date(year, 12, 25), "Eerste kerstdag"),
        (date(year, 12, 26), "Tweede kerstdag"),
    ]
    found: dict[date, str] = {}
    for day, name in days:
        # Two on one day (Bevrijdingsdag on Hemelvaartsdag in 2005) carry both names.
        found[day] = f"{found[day]}; {name}" if day in found else name
    return found


def _royal_day(year: int) -> tuple[date, str]:
    """Koningsdag on 27 April (from 2014), before that Koninginnedag on 30 April; a Sunday
    moves it to the Saturday before (from 1980), or before 1980 to the Monday after."""
    if year >= 2014:
        day, name = date(year, 4, 27), "Koningsdag"
    else:
        day, name = date(year, 4, 30), "Koninginnedag"
    if day.weekday() == SUNDAY:
        day += timedelta(days=-1 if year >= 1980 else 1)
    return day, name
