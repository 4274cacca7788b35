"""Calendar files (iCalendar, with VTIMEZONE) for one meeting and for a person's feed.

Series go out as one VEVENT with an RRULE in local time; cancelled and holiday-skipped
occurrences as EXDATEs; moved ones as extra VEVENTs with a RECURRENCE-ID, so Outlook and
other calendars show exactly what the bot shows. Case questions never go in a calendar.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from icalendar import Calendar, Event, vCalAddress, vRecur, vText

from core.clock import utc
from scheduler.models import Meeting
from scheduler.recurrence import Change, Occurrence, occurrence_at, occurrences
from scheduler.repository import series_of

PRODID = "-//Groene Krokodil//Bijeenkomsten//NL"
DOMAIN = "groene-krokodil"
# How far ahead cancelled and moved occurrences of a series are written out.
HORIZON = timedelta(days=2 * 366)


@dataclass(frozen=True)
class Organiser:
    """Who organises, for ORGANIZER."""

    name: str
    email: str | None = None


def series_uid(meeting_id: int) -> str:
    """The stable UID of a meeting (series)."""
    return f"meeting-{meeting_id}@{DOMAIN}"


def occurrence_uid(meeting_id: int, key: datetime) -> str:
    """The UID of a single occurrence shown on its own in a feed."""
    return f"meeting-{meeting_id}-{utc(key):%Y%m%dT%H%M%SZ}@{DOMAIN}"


def new_calendar(name: str | None = None) -> Calendar:
    """An empty calendar with the bot as producer."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def finish(calendar: Calendar, earliest: date | None = None) -> bytes:
    """Add the VTIMEZONE definitions the events use, and serialise."""
    first = date((earliest or date(2020, 1, 1)).year - 1, 1, 1)
    calendar.add_missing_timezones(first_date=first, last_date=date(2038, 1, 1))
    return bytes(calendar.to_ical())


def _base_event(meeting: Meeting, uid: str, start: datetime, end: datetime, now: datetime) -> Event:
    zone = series_of(meeting).zone
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", utc(now))
    event.add("dtstart", utc(start).astimezone(zone))
    event.add("dtend", utc(end).astimezone(zone))
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    if meeting.video_url:
        event.add("url", meeting.video_url)
    event.add("categories", [meeting.kind, *meeting.themes])
    # SEQUENCE must grow with every change; minutes since 1970 do, and fit in 32 bits.
    event.add("sequence", int(utc(meeting.updated_at).timestamp()) // 60)
    return event


def _with_organiser(event: Event, organiser: Organiser | None) -> Event:
    if organiser is not None and organiser.email:
        address = vCalAddress(f"mailto:{organiser.email}")
        address.params["cn"] = vText(organiser.name)
        event.add("organizer", address)
    return event


def series_events(
    meeting: Meeting,
    changes: Mapping[datetime, Change],
    now: datetime,
    organiser: Organiser | None = None,
    description: str = "",
) -> list[Event]:
    """The VEVENT of a meeting, plus one per moved occurrence."""
    series = series_of(meeting)
    zone = series.zone
    first = occurrence_at(series, series.starts_at, changes)
    assert first is not None  # a meeting's own start is always its first occurrence key
    if series.recurring:
        first = Occurrence(series.starts_at, series.starts_at, series.starts_at + series.duration)
    main = _base_event(meeting, series_uid(meeting.id), first.start, first.end, now)
    _with_organiser(main, organiser)
    if description:
        main.add("description", description)
    if meeting.cancelled_at is not None or (first.cancelled and not series.recurring):
        main.add("status", "CANCELLED")
    if not series.recurring:
        if first.place:
            main["location"] = first.place
        return [main]
    events = [main]
    main.add("rrule", vRecur.from_ical(series.rrule))
    window_start = max(series.starts_at, utc(now) - timedelta(days=366))
    every = occurrences(series, window_start, utc(now) + HORIZON, changes, include_cancelled=True)
    cancelled = [o.key.astimezone(zone) for o in every if o.cancelled]
    if cancelled:
        main.add("exdate", cancelled)
    for occurrence in every:
        if occurrence.cancelled or not occurrence.changed:
            continue
        moved = _base_event(meeting, series_uid(meeting.id), occurrence.start, occurrence.end, now)
        moved.add("recurrence-id", occurrence.key.astimezone(zone))
        if occurrence.place:
            moved["location"] = occurrence.place
        events.append(_with_organiser(moved, organiser))
    return events


def occurrence_event(
    meeting: Meeting, occurrence: Occurrence, now: datetime, organiser: Organiser | None = None
) -> Event:
    """One occurrence as a stand-alone event (for people who said ja to just that one)."""
    event = _base_event(
        meeting, occurrence_uid(meeting.id, occurrence.key), occurrence.start, occurrence.end, now
    )
    if occurrence.place:
        event["location"] = occurrence.place
    if occurrence.cancelled or meeting.cancelled_at is not None:
        event.add("status", "CANCELLED")
    return _with_organiser(event, organiser)


def meeting_ics(
    meeting: Meeting,
    changes: Mapping[datetime, Change],
    now: datetime,
    organiser: Organiser | None = None,
    description: str = "",
) -> bytes:
    """A calendar file for one meeting or series."""
    calendar = new_calendar()
    for event in series_events(meeting, changes, now, organiser, description):
        calendar.add_component(event)
    return finish(calendar, utc(meeting.starts_at).date())


def feed_ics(name: str, events: Iterable[Event], earliest: date | None = None) -> bytes:
    """A person's feed: every event they organise or said ja / misschien to."""
    calendar = new_calendar(name)
    for event in events:
        calendar.add_component(event)
    return finish(calendar, earliest)


def filename(meeting: Meeting) -> str:
    """A file name people recognise: 'dialoogtafel-12.ics'."""
    return f"{meeting.kind}-{meeting.id}.ics"
