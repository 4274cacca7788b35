"""People type dates the Dutch way; the bot reads them as a future local moment."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from core.errors import UserError
from scheduler.dates import parse_clock, parse_duration, parse_moment

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)  # Tuesday 24 November 2026, 10:00 local


@pytest.mark.parametrize(
    "text",
    [
        "di 8 dec 14:00",
        "dinsdag 8 december 14:00",
        "8 december om 14.00",
        "2026-12-08 14:00",
        "2026-12-08T14:00",
        "8-12 14:00",
        "8/12/2026 14u",
        "Tue 8 Dec 14:00",
    ],
)
def test_the_same_moment_written_many_ways(text: str) -> None:
    assert parse_moment(text, NOW) == datetime(2026, 12, 8, 14, 0, tzinfo=AMS).astimezone(UTC)


def test_relative_days_and_weekdays() -> None:
    assert parse_moment("morgen 9.30", NOW) == datetime(2026, 11, 25, 9, 30, tzinfo=AMS)
    assert parse_moment("donderdag 10:00", NOW) == datetime(2026, 11, 26, 10, 0, tzinfo=AMS)
    # Today's weekday means next week.
    assert parse_moment("di 10:00", NOW) == datetime(2026, 12, 1, 10, 0, tzinfo=AMS)


def test_a_date_without_year_is_the_next_one() -> None:
    assert parse_moment("1 januari 10:00", NOW) == datetime(2027, 1, 1, 10, 0, tzinfo=AMS)


def test_summer_dates_get_summer_time() -> None:
    assert parse_moment("2027-06-01 14:00", NOW).hour == 12  # 14:00 CEST is 12:00 UTC


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("wo 8 dec 14:00", "Die dag en datum passen niet bij elkaar"),
        ("31-11 10:00", "Die datum bestaat niet"),
        ("8 dec", "Noem ook een tijd"),
        ("binnenkort 10:00", "Ik begrijp de datum niet"),
        ("vandaag 9:00", "Dat moment is al voorbij"),
        ("8 dec 25:00", "geen geldige tijd"),
    ],
)
def test_mistakes_get_a_helpful_answer(text: str, message: str) -> None:
    with pytest.raises(UserError) as raised:
        parse_moment(text, NOW)
    assert message in raised.value.msgid.format(**raised.value.values)


def test_durations_and_clock_times() -> None:
    assert [parse_duration(t) for t in ("90", "1,5 uur", "2u", "45 min", "90min")] == [
        90,
        90,
        120,
        45,
        90,
    ]
    with pytest.raises(UserError):
        parse_duration("lang")
    assert parse_clock("9.30").hour == 9
