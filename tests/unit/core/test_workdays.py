"""Working time honours weekends, Dutch public holidays and office hours."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from core.workdays import OfficeHours, holiday_name, is_working_day

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


def test_dutch_public_holidays() -> None:
    assert holiday_name(date(2026, 4, 27)) == "Koningsdag"
    assert not is_working_day(date(2026, 12, 25))
    assert not is_working_day(date(2026, 11, 28))  # a Saturday
    assert is_working_day(date(2026, 11, 24))


def test_eight_working_hours_from_friday_afternoon_end_on_monday() -> None:
    hours = OfficeHours.parse("08:30-17:00")
    due = hours.add(local(2026, 11, 27, 16, 0), 8)  # Friday 16:00
    assert due == local(2026, 11, 30, 15, 30)  # 1 h Friday + 7 h Monday from 08:30


def test_christmas_is_skipped() -> None:
    hours = OfficeHours.parse("08:30-17:00")
    due = hours.add(local(2026, 12, 24, 16, 0), 8)  # Thursday; 25 and 26 Dec are holidays
    assert due == local(2026, 12, 28, 15, 30)


def test_outside_office_hours_starts_at_the_next_opening() -> None:
    hours = OfficeHours.parse("09:00-17:00")
    assert hours.add(local(2026, 11, 24, 20, 0), 1) == local(2026, 11, 25, 10, 0)


def test_hours_between_two_moments_skip_nights_and_weekends() -> None:
    hours = OfficeHours.parse("09:00-17:00")
    assert hours.between(local(2026, 11, 27, 16, 0), local(2026, 11, 30, 10, 0)) == pytest.approx(
        2.0
    )
    assert hours.between(local(2026, 11, 30, 10, 0), local(2026, 11, 27, 16, 0)) == 0.0


def test_working_days_skip_the_weekend() -> None:
    hours = OfficeHours()
    assert hours.add_working_days(local(2026, 11, 27, 10, 0), 2) == local(2026, 12, 1, 10, 0)


def test_office_hours_must_make_sense() -> None:
    with pytest.raises(ValueError, match="08:30-17:00"):
        OfficeHours.parse("half negen")
