"""Series keep their local time across daylight saving, and skip or move Dutch holidays."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from scheduler.recurrence import (
    Change,
    Series,
    is_occurrence,
    next_occurrences,
    nth_weekday,
    occurrence_at,
    occurrences,
    rule_for,
    shape,
)

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


def weekly_tuesday_14(**kwargs: str) -> Series:
    return Series(local(2027, 3, 2, 14, 0), timedelta(hours=1), "FREQ=WEEKLY;BYDAY=TU", **kwargs)


def test_weekly_meeting_stays_at_14_00_local_across_the_march_change() -> None:
    # Summer time starts on the last Sunday of March 2027 (the 28th).
    found = occurrences(weekly_tuesday_14(), local(2027, 3, 20), local(2027, 4, 5))
    assert [o.start.astimezone(AMS).hour for o in found] == [14, 14]
    assert [o.start.hour for o in found] == [13, 12]  # UTC: 13:00 in winter, 12:00 in summer


def test_weekly_meeting_stays_at_14_00_local_across_the_october_change() -> None:
    # Winter time starts on the last Sunday of October 2026 (the 25th).
    series = Series(local(2026, 10, 6, 14, 0), timedelta(hours=1), "FREQ=WEEKLY;BYDAY=TU")
    found = occurrences(series, local(2026, 10, 19), local(2026, 11, 1))
    assert [(o.start.astimezone(AMS).day, o.start.astimezone(AMS).hour) for o in found] == [
        (20, 14),
        (27, 14),
    ]
    assert [o.start.hour for o in found] == [12, 13]


def test_a_meeting_on_the_night_of_the_change_keeps_its_duration() -> None:
    series = Series(local(2027, 3, 27, 23, 0), timedelta(hours=4), "FREQ=DAILY;COUNT=3")
    night = occurrences(series, local(2027, 3, 27), local(2027, 3, 28, 12))[0]
    assert night.end - night.start == timedelta(hours=4)


def test_holiday_skip_leaves_koningsdag_out() -> None:
    found = occurrences(weekly_tuesday_14(), local(2027, 4, 20), local(2027, 5, 5))
    days = [o.start.astimezone(AMS).date().isoformat() for o in found]
    assert days == ["2027-04-20", "2027-05-04"]  # 27 April 2027 is Koningsdag
    cancelled = occurrences(
        weekly_tuesday_14(), local(2027, 4, 20), local(2027, 5, 5), include_cancelled=True
    )
    assert [o.holiday for o in cancelled if o.cancelled] == ["Koningsdag"]


def test_holiday_move_goes_to_the_next_working_day_at_the_same_time() -> None:
    series = weekly_tuesday_14(holiday_policy="move")
    found = occurrences(series, local(2027, 4, 20), local(2027, 5, 5))
    moved = [o for o in found if o.holiday]
    assert len(moved) == 1
    assert moved[0].start == local(2027, 4, 28, 14, 0)  # Wednesday after Koningsdag
    assert moved[0].key == local(2027, 4, 27, 14, 0)  # still known by its original date


def test_move_over_christmas_skips_both_days_and_the_weekend() -> None:
    series = Series(
        local(2026, 12, 4, 10, 0), timedelta(hours=1), "FREQ=WEEKLY;BYDAY=FR", holiday_policy="move"
    )
    found = occurrences(series, local(2026, 12, 24), local(2027, 1, 1))
    assert [o.start for o in found] == [local(2026, 12, 28, 10, 0)]


def test_holiday_keep_and_one_off_meetings_stay_on_the_holiday() -> None:
    kept = weekly_tuesday_14(holiday_policy="keep")
    assert occurrence_at(kept, local(2027, 4, 27, 14, 0)).cancelled is False  # type: ignore[union-attr]
    once = Series(local(2027, 4, 27, 14, 0), timedelta(hours=1))
    assert [o.start for o in occurrences(once, local(2027, 4, 1), local(2027, 5, 1))] == [
        local(2027, 4, 27, 14, 0)
    ]


def test_changes_move_and_cancel_single_occurrences() -> None:
    series = weekly_tuesday_14()
    moved_key, cancelled_key = local(2027, 3, 9, 14, 0), local(2027, 3, 16, 14, 0)
    changes = {
        moved_key: Change(starts_at=local(2027, 3, 11, 9, 30), place="Stadhuis"),
        cancelled_key: Change(cancelled=True),
    }
    found = occurrences(series, local(2027, 3, 8), local(2027, 3, 24), changes)
    assert [(o.key, o.start, o.place) for o in found] == [
        (moved_key, local(2027, 3, 11, 9, 30), "Stadhuis"),
        (local(2027, 3, 23, 14, 0), local(2027, 3, 23, 14, 0), None),
    ]
    assert found[0].end - found[0].start == timedelta(hours=1)


def test_an_occurrence_moved_from_far_away_shows_up_where_it_landed() -> None:
    key = local(2027, 3, 2, 14, 0)
    changes = {key: Change(starts_at=local(2027, 6, 1, 10, 0))}
    found = occurrences(weekly_tuesday_14(), local(2027, 5, 31), local(2027, 6, 2), changes)
    assert [o.key for o in found] == [key, local(2027, 6, 1, 14, 0)]


def test_keys_are_only_what_the_rule_produces() -> None:
    series = weekly_tuesday_14()
    assert is_occurrence(series, local(2027, 3, 9, 14, 0))
    assert not is_occurrence(series, local(2027, 3, 9, 15, 0))
    assert not is_occurrence(series, local(2027, 3, 10, 14, 0))


def test_monthly_rule_is_derived_from_the_start_date() -> None:
    assert rule_for("monthly", datetime(2026, 12, 8, 14)) == "FREQ=MONTHLY;BYDAY=+2TU"
    assert rule_for("monthly", datetime(2026, 12, 29, 14)) == "FREQ=MONTHLY;BYDAY=-1TU"
    assert rule_for("biweekly", datetime(2026, 12, 8, 14)) == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    assert rule_for("once", datetime(2026, 12, 8, 14)) == ""
    assert nth_weekday(datetime(2026, 12, 22).date()) == 4
    with pytest.raises(ValueError, match="unknown recurrence choice 'daily'"):
        rule_for("daily", datetime(2026, 12, 8, 14))


def test_second_tuesday_of_the_month_for_a_year() -> None:
    series = Series(
        local(2026, 12, 8, 14, 0),
        timedelta(hours=2),
        rule_for("monthly", datetime(2026, 12, 8, 14)),
    )
    found = next_occurrences(series, local(2026, 12, 1), count=4)
    assert [o.start.astimezone(AMS).date().isoformat() for o in found] == [
        "2026-12-08",
        "2027-01-12",
        "2027-02-09",
        "2027-03-09",
    ]
    assert shape(series.rrule).nth == 2


def test_shape_reads_back_weekday_and_interval() -> None:
    rule = shape("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU")
    assert (rule.frequency, rule.interval, rule.weekday) == ("weekly", 2, 1)
