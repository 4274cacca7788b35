"""Reachability: windows in Amsterdam time, weekends, Dutch holidays, absence."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from core.i18n import Translator
from directory.reachability import (
    next_call_moment,
    reachability_text,
    reachable_now,
    reachable_until,
)

NL = Translator.for_language("nl")
EN = Translator.for_language("en")


@dataclass
class Someone:
    availability: list[list[int]] = field(
        default_factory=lambda: [[d, 540, 1020] for d in range(4)] + [[4, 540, 720]]
    )
    absent_from: datetime | None = None
    absent_until: datetime | None = None


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A UTC moment (Amsterdam is UTC+1 in winter)."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def test_inside_a_window_says_until_when() -> None:
    tuesday_ten = at(2026, 11, 24, 9)
    assert reachable_now(Someone(), tuesday_ten)
    assert reachable_until(Someone(), tuesday_ten) == at(2026, 11, 24, 16)
    assert reachability_text(Someone(), tuesday_ten, NL) == "nu bereikbaar tot 17:00"
    assert reachability_text(Someone(), tuesday_ten, EN) == "reachable now until 17:00"


def test_outside_a_window_names_the_next_moment() -> None:
    early = at(2026, 11, 24, 6)  # Tuesday 07:00
    assert not reachable_now(Someone(), early)
    assert reachability_text(Someone(), early, NL) == "volgende belmoment: vandaag 09:00"
    evening = at(2026, 11, 24, 19)  # Tuesday 20:00
    assert reachability_text(Someone(), evening, NL) == "volgende belmoment: morgen 09:00"
    friday_afternoon = at(2026, 11, 27, 13)  # Friday 14:00, window ended at 12:00
    assert next_call_moment(Someone(), friday_afternoon) == at(2026, 11, 30, 8)
    assert reachability_text(Someone(), friday_afternoon, NL) == "volgende belmoment: maandag 09:00"


def test_the_weekend_has_no_windows_unless_given() -> None:
    saturday = at(2026, 11, 28, 10)
    assert not reachable_now(Someone(), saturday)
    shelter = Someone(availability=[[5, 0, 1440], [6, 0, 1440]])
    assert reachable_now(shelter, saturday)


def test_nobody_is_reachable_on_a_public_holiday() -> None:
    tweede_kerstdag = at(2025, 12, 26, 9)  # a Friday
    assert not reachable_now(Someone(), tweede_kerstdag)
    assert next_call_moment(Someone(), tweede_kerstdag) == at(2025, 12, 29, 8)
    koningsdag = at(2027, 4, 27, 9)  # a Tuesday
    assert not reachable_now(Someone(), koningsdag)
    assert reachability_text(Someone(), koningsdag, NL) == "volgende belmoment: morgen 09:00"


def test_absence_blocks_until_the_return_day() -> None:
    away = Someone(
        absent_from=at(2026, 11, 20, 8),
        absent_until=at(2027, 1, 11, 23),  # back 12 January
    )
    tuesday_ten = at(2026, 11, 24, 9)
    assert not reachable_now(away, tuesday_ten)
    assert reachability_text(away, tuesday_ten, NL) == "afwezig tot 12 januari"
    assert reachability_text(away, tuesday_ten, EN) == "away until 12 January"
    assert next_call_moment(away, tuesday_ten) == at(2027, 1, 12, 8)
    open_ended = Someone(absent_from=at(2026, 11, 20, 8))
    assert next_call_moment(open_ended, tuesday_ten) is None
    assert reachability_text(open_ended, tuesday_ten, NL) == "afwezig"


def test_an_absence_that_starts_later_cuts_the_window() -> None:
    leaving = Someone(absent_from=at(2026, 11, 24, 12), absent_until=at(2026, 11, 30, 8))
    assert reachable_until(leaving, at(2026, 11, 24, 9)) == at(2026, 11, 24, 12)


def test_no_windows_means_office_hours() -> None:
    assert reachable_now(Someone(availability=[]), at(2026, 11, 24, 9))
    assert not reachable_now(Someone(availability=[]), at(2026, 11, 24, 17))


def test_summer_time_is_respected() -> None:
    # 1 July: Amsterdam is UTC+2, so 07:30 UTC is 09:30 local.
    assert reachable_now(Someone(), at(2026, 7, 1, 7, 30))
    assert not reachable_now(Someone(), at(2026, 7, 1, 6, 30))
