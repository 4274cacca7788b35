"""Calendar files parse back with the iCalendar library: time zone, rule, exceptions, changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from scheduler.ics import Organiser, feed_ics, meeting_ics, occurrence_event
from scheduler.models import Meeting
from scheduler.recurrence import Change, Occurrence

AMS = ZoneInfo("Europe/Amsterdam")
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


def meeting(**overrides: object) -> Meeting:
    values: dict[str, object] = {
        "id": 12,
        "kind": "netwerkbijeenkomst",
        "title": "Netwerk Schulden Noord",
        "themes": ["schulden"],
        "place": "Wijkcentrum De Schakel",
        "video_url": None,
        "timezone": "Europe/Amsterdam",
        "starts_at": local(2027, 3, 2, 14, 0),
        "duration_minutes": 90,
        "rrule": "FREQ=WEEKLY;BYDAY=TU",
        "holiday_policy": "skip",
        "cancelled_at": None,
        "updated_at": NOW,
        "organiser_id": 1,
    }
    values.update(overrides)
    return Meeting(**values)


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def test_series_has_a_vtimezone_and_a_local_rule() -> None:
    calendar = parse(
        meeting_ics(meeting(), {}, NOW, Organiser("Fatima el Amrani", "f@example.org"))
    )
    assert [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Netwerk Schulden Noord"
    assert event["LOCATION"] == "Wijkcentrum De Schakel"
    assert event.decoded("DTSTART") == datetime(2027, 3, 2, 14, 0, tzinfo=AMS)
    assert event["DTSTART"].params["TZID"] == "Europe/Amsterdam"
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(minutes=90)
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["TU"]
    assert str(event["ORGANIZER"]) == "mailto:f@example.org"
    # Koningsdag 2027 falls on a Tuesday: skipped, so an EXDATE in local time.
    exdates = [d.dt for d in event["EXDATE"].dts]
    assert datetime(2027, 4, 27, 14, 0, tzinfo=AMS) in exdates


def test_moved_and_cancelled_occurrences_become_recurrence_ids_and_exdates() -> None:
    moved, cancelled = local(2027, 3, 9, 14, 0), local(2027, 3, 16, 14, 0)
    changes = {
        moved: Change(starts_at=local(2027, 3, 11, 10, 0), place="Stadhuis"),
        cancelled: Change(cancelled=True),
    }
    calendar = parse(meeting_ics(meeting(), changes, NOW))
    main, *others = calendar.walk("VEVENT")
    assert datetime(2027, 3, 16, 14, 0, tzinfo=AMS) in [d.dt for d in main["EXDATE"].dts]
    [override] = others
    assert override.decoded("RECURRENCE-ID") == datetime(2027, 3, 9, 14, 0, tzinfo=AMS)
    assert override.decoded("DTSTART") == datetime(2027, 3, 11, 10, 0, tzinfo=AMS)
    assert override["LOCATION"] == "Stadhuis"
    assert override["UID"] == main["UID"]


def test_holiday_move_is_written_as_a_changed_occurrence() -> None:
    calendar = parse(meeting_ics(meeting(holiday_policy="move"), {}, NOW))
    moved = [e for e in calendar.walk("VEVENT") if "RECURRENCE-ID" in e]
    assert any(
        e.decoded("RECURRENCE-ID") == datetime(2027, 4, 27, 14, 0, tzinfo=AMS)
        and e.decoded("DTSTART") == datetime(2027, 4, 28, 14, 0, tzinfo=AMS)
        for e in moved
    )


def test_single_meeting_and_cancelled_series() -> None:
    once = parse(meeting_ics(meeting(rrule=""), {}, NOW))
    [event] = once.walk("VEVENT")
    assert "RRULE" not in event
    stopped = parse(meeting_ics(meeting(cancelled_at=NOW), {}, NOW))
    assert stopped.walk("VEVENT")[0]["STATUS"] == "CANCELLED"


def test_summer_occurrence_in_a_feed_keeps_local_time() -> None:
    occurrence = Occurrence(
        local(2027, 6, 1, 14, 0), local(2027, 6, 1, 14, 0), local(2027, 6, 1, 15, 30)
    )
    calendar = parse(feed_ics("Mijn bijeenkomsten", [occurrence_event(meeting(), occurrence, NOW)]))
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == datetime(2027, 6, 1, 14, 0, tzinfo=AMS)
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=2)
    assert calendar["X-WR-CALNAME"] == "Mijn bijeenkomsten"
    assert calendar.walk("VTIMEZONE")
