"""When can someone be called: call windows, weekends, Dutch public holidays and absence.

Windows are local time in the municipality's zone. Nobody counts as reachable on a
public holiday (core.workdays), whatever their windows say; weekends are simply days
without windows for most people. A person without windows is taken to keep office
hours (Monday to Friday 09:00-17:00), so an entry without 'bereikbaar' still says
when to call.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Protocol
from zoneinfo import ZoneInfo

from core.clock import utc
from core.i18n import Translator
from core.workdays import is_holiday

DEFAULT_WINDOWS: tuple[tuple[int, int, int], ...] = tuple((day, 540, 1020) for day in range(5))
# How far ahead to look for the next moment to call.
HORIZON_DAYS = 60


class Reachable(Protocol):
    """What reachability needs of a person (a Person row, or a light candidate row)."""

    @property
    def availability(self) -> Sequence[Sequence[int]]: ...
    @property
    def absent_from(self) -> datetime | None: ...
    @property
    def absent_until(self) -> datetime | None: ...


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def windows_of(person: Reachable) -> Sequence[Sequence[int]]:
    """The person's weekly windows, or office hours when none were given."""
    return person.availability or DEFAULT_WINDOWS


def is_absent(person: Reachable, now: datetime) -> bool:
    """True during an out-of-office period (open-ended when it has no end)."""
    start, until = person.absent_from, person.absent_until
    if start is None and until is None:
        return False
    if until is not None and now >= until:
        return False
    return not (start is not None and now < start)


def _at(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minutes)


def _current_window_end(person: Reachable, now: datetime, timezone: str) -> datetime | None:
    """End of the window `now` falls in (local), or None when outside every window."""
    zone = _zone(timezone)
    local = utc(now).astimezone(zone)
    today = local.date()
    if is_holiday(today):
        return None
    minute = local.hour * 60 + local.minute
    for day, start, end in windows_of(person):
        if day == today.weekday() and start <= minute < end:
            return _at(today, end, zone)
    return None


@dataclass(frozen=True)
class LocalNow:
    """`now` in the municipality's zone, worked out once for ranking many people."""

    moment: datetime
    weekday: int
    minute: int
    holiday: bool


def local_now(now: datetime, timezone: str = "Europe/Amsterdam") -> LocalNow:
    """The local weekday, minute of the day and whether today is a public holiday."""
    local = utc(now).astimezone(_zone(timezone))
    return LocalNow(now, local.weekday(), local.hour * 60 + local.minute, is_holiday(local.date()))


def reachable_at(person: Reachable, at: LocalNow) -> bool:
    """reachable_now for a precomputed local moment."""
    if at.holiday or is_absent(person, at.moment):
        return False
    return any(
        day == at.weekday and start <= at.minute < end for day, start, end in windows_of(person)
    )


def reachable_now(person: Reachable, now: datetime, timezone: str = "Europe/Amsterdam") -> bool:
    """Inside a call window, on a day that is not a public holiday, and not away."""
    return reachable_at(person, local_now(now, timezone))


def reachable_until(
    person: Reachable, now: datetime, timezone: str = "Europe/Amsterdam"
) -> datetime | None:
    """When the current call window closes (aware UTC), or None when not reachable now."""
    if is_absent(person, now):
        return None
    end = _current_window_end(person, now, timezone)
    if end is None:
        return None
    if person.absent_from is not None and now < person.absent_from < end:
        end = person.absent_from
    return utc(end)


def next_call_moment(
    person: Reachable, now: datetime, timezone: str = "Europe/Amsterdam"
) -> datetime | None:
    """The first moment from `now` on at which the person can be called (aware UTC)."""
    zone = _zone(timezone)
    local_now = utc(now).astimezone(zone)
    windows = sorted((int(w[0]), int(w[1]), int(w[2])) for w in windows_of(person))
    for offset in range(HORIZON_DAYS):
        day = local_now.date() + timedelta(days=offset)
        if is_holiday(day):
            continue
        for weekday, start, end in windows:
            if weekday != day.weekday():
                continue
            window_end = _at(day, end, zone)
            moment = max(_at(day, start, zone), local_now)
            if moment >= window_end:
                continue
            if is_absent(person, moment):
                if person.absent_until is None:
                    return None
                moment = max(moment, person.absent_until.astimezone(zone))
                if moment >= window_end or is_absent(person, moment):
                    continue
            return utc(moment)
    return None


class CallMoments:
    """next_call_moment for many people at one moment, worked out once per distinct schedule.

    Most of a directory keeps the same few weekly windows, so ranking a pool of hundreds
    costs a handful of calendar walks instead of one per person.
    """

    def __init__(self, now: datetime, timezone: str = "Europe/Amsterdam") -> None:
        self._now, self._timezone = now, timezone
        self._known: dict[object, datetime | None] = {}

    def of(self, person: Reachable) -> datetime | None:
        """The first moment from `now` on at which `person` can be called (aware UTC)."""
        key = (
            tuple(tuple(w) for w in person.availability or ()),
            person.absent_from,
            person.absent_until,
        )
        if key not in self._known:
            self._known[key] = next_call_moment(person, self._now, self._timezone)
        return self._known[key]


def _moment_text(moment: datetime, now: datetime, tr: Translator) -> str:
    zone = _zone(tr.timezone)
    local = moment.astimezone(zone)
    days = (local.date() - utc(now).astimezone(zone).date()).days
    clock = tr.time(moment)
    if days == 0:
        return tr.gettext("vandaag {time}", time=clock)
    if days == 1:
        return tr.gettext("morgen {time}", time=clock)
    if days < 7:
        return tr.gettext("{day} {time}", day=tr.date(local.date(), "EEEE"), time=clock)
    return tr.gettext("{day} {time}", day=tr.date(local.date(), "EEEE d MMMM"), time=clock)


def reachability_text(person: Reachable, now: datetime, tr: Translator) -> str:
    """'nu bereikbaar tot 12:00', 'volgende belmoment: dinsdag 09:00', 'afwezig tot 12 januari'."""
    if is_absent(person, now):
        if person.absent_until is None:
            return tr.gettext("afwezig")
        back = person.absent_until.astimezone(_zone(tr.timezone))
        return tr.gettext("afwezig tot {date}", date=tr.date(back.date(), "d MMMM"))
    until = reachable_until(person, now, tr.timezone)
    if until is not None:
        return tr.gettext("nu bereikbaar tot {time}", time=tr.time(until))
    moment = next_call_moment(person, now, tr.timezone)
    if moment is None:
        return tr.gettext("geen belmoment bekend")
    return tr.gettext("volgende belmoment: {moment}", moment=_moment_text(moment, now, tr))
