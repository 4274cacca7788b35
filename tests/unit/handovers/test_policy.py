"""Handover timers count working hours: weekends, Dutch holidays and office hours skipped."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.config import HandoverConfig
from handovers.policy import TimerPolicy

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


def policy() -> TimerPolicy:
    return TimerPolicy.from_config(HandoverConfig(), "Europe/Amsterdam")


def test_one_working_day_on_a_normal_tuesday() -> None:
    assert policy().reminder_due(local(2026, 11, 24, 10, 0)) == local(2026, 11, 25, 9, 30)


def test_friday_afternoon_runs_into_monday() -> None:
    # Friday 16:00: one hour left that day, seven on Monday from 08:30.
    assert policy().reminder_due(local(2026, 11, 27, 16, 0)) == local(2026, 11, 30, 15, 30)


def test_christmas_eve_skips_both_christmas_days_and_the_weekend() -> None:
    # Thursday 24 Dec 2026 15:00: two hours that day; Fri 25 and Sat 26 are Kerstdagen,
    # Sunday is a weekend day; six more hours on Monday 28 Dec from 08:30.
    sent = local(2026, 12, 24, 15, 0)
    reminder = policy().reminder_due(sent)
    assert reminder == local(2026, 12, 28, 14, 30)
    assert policy().escalation_due(reminder) == local(2026, 12, 29, 14, 0)


def test_sent_in_the_evening_counts_from_the_next_morning() -> None:
    assert policy().reminder_due(local(2026, 11, 24, 20, 0)) == local(2026, 11, 25, 16, 30)


def test_kennismaking_and_expiry_in_working_days() -> None:
    accepted = local(2026, 11, 24, 10, 0)
    assert policy().kennismaking_due(accepted) == local(2026, 12, 1, 10, 0)
    assert policy().expiry(accepted) == local(2026, 12, 8, 10, 0)
    assert policy().kennismaking_check(local(2026, 11, 27, 14, 0)) == local(2026, 11, 30, 14, 0)


def test_configured_office_hours_and_retention() -> None:
    short = TimerPolicy.from_config(
        HandoverConfig(office_hours="09:00-13:00", reminder_after_hours=4, retention_days=30),
        "Europe/Amsterdam",
    )
    assert short.reminder_due(local(2026, 11, 24, 12, 0)) == local(2026, 11, 25, 12, 0)
    assert short.retention_cutoff(local(2026, 12, 31, 12, 0)) == local(2026, 12, 1, 12, 0)
