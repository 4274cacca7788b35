"""When a meeting series happens: iCalendar RRULEs in local wall-clock time, holidays, changes.

A series keeps its local time across daylight saving: "every Tuesday 14:00" is 13:00 UTC in
winter and 12:00 UTC in summer. Rules are expanded by dateutil on naive local times and only
then placed in the time zone. A series may skip Dutch public holidays or move them to the next
working day; one-off meetings keep the date their organiser chose.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from core.clock import utc
from core.workdays import holiday_name, is_working_day

RECURRENCE_CHOICES = ("once", "weekly", "biweekly", "monthly")
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# Holiday moves and overrides can shift an occurrence by a few days; look that far back.
_LOOKBACK = timedelta(days=7)


@dataclass(frozen=True)
class Series:
    """The timing of a meeting: first start, length, rule, zone and holiday policy."""

    starts_at: datetime
    duration: timedelta
    rrule: str = ""
    timezone: str = "Europe/Amsterdam"
    holiday_policy: str = "skip"

    def __post_init__(self) -> None:
        if self.starts_at.tzinfo is None:
            raise ValueError(f"a series needs an aware start, got {self.starts_at!r}")
        if self.holiday_policy not in ("skip", "move", "keep"):
            raise ValueError(f"unknown holiday policy {self.holiday_policy!r}")

    @property
    def zone(self) -> ZoneInfo:
        """The series' time zone."""
        return ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime:
        """The first start as naive local wall-clock time (what the rule repeats)."""
        return utc(self.starts_at).astimezone(self.zone).replace(tzinfo=None)

    @property
    def recurring(self) -> bool:
        """True for a series, False for a single meeting."""
        return bool(self.rrule)


@dataclass(frozen=True)
class Change:
    """One occurrence moved, relocated or cancelled (an override)."""

    cancelled: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    place: str | None = None


@dataclass(frozen=True)
class Occurrence:
    """One time a meeting happens; `key` is its original start (RECURRENCE-ID)."""

    key: datetime
    start: datetime
    end: datetime
    cancelled: bool = False
    # The holiday it was moved away from ('move' policy) or falls on ('keep').
    holiday: str | None = None
    changed: bool = False
    place: str | None = None


def local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """A naive local wall-clock time as aware UTC (a time skipped by DST moves forward)."""
    return utc(local.replace(tzinfo=zone))


@lru_cache(maxsize=20_000)
def _rule(text: str, local_start: datetime) -> rrule:
    parsed = rrulestr(text, dtstart=local_start, forceset=False)
    if not isinstance(parsed, rrule):
        raise ValueError(f"expected one RRULE, got {text!r}")
    return parsed


def validate_rule(text: str) -> str:
    """The rule, normalised; raises ValueError naming the rule when dateutil cannot read it."""
    cleaned = text.strip().removeprefix("RRULE:")
    if not cleaned:
        return ""
    try:
        _rule(cleaned, datetime(2026, 1, 5, 9, 0))
    except (ValueError, TypeError) as error:
        raise ValueError(f"not a valid RRULE: {text!r}") from error
    return cleaned


def _rule_keys(series: Series, after: datetime, before: datetime) -> list[datetime]:
    """Naive local rule starts in [after, before) (naive local bounds)."""
    if not series.recurring:
        local = series.local_start
        return [local] if after <= local < before else []
    rule = _rule(series.rrule, series.local_start)
    return [k for k in rule.between(after, before, inc=True) if k < before]


def _holiday_move(local: datetime) -> datetime:
    day = local.date() + timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, local.time())


def _expand(series: Series, local_key: datetime, changes: Mapping[datetime, Change]) -> Occurrence:
    zone = series.zone
    key = local_to_utc(local_key, zone)
    length = series.duration
    holiday = holiday_name(local_key.date()) if series.recurring else None
    start_local, cancelled = local_key, False
    if holiday and series.holiday_policy == "skip":
        cancelled = True
    elif holiday and series.holiday_policy == "move":
        start_local = _holiday_move(local_key)
    start = local_to_utc(start_local, zone)
    occurrence = Occurrence(
        key, start, start + length, cancelled, holiday, start_local != local_key
    )
    change = changes.get(key)
    if change is None:
        return occurrence
    new_start = utc(change.starts_at) if change.starts_at else occurrence.start
    new_end = utc(change.ends_at) if change.ends_at else new_start + length
    return Occurrence(
        key=key,
        start=new_start,
        end=new_end,
        cancelled=change.cancelled or (occurrence.cancelled and change.starts_at is None),
        holiday=holiday,
        changed=True,
        place=change.place,
    )


def occurrences(
    series: Series,
    start: datetime,
    end: datetime,
    changes: Mapping[datetime, Change] | None = None,
    *,
    include_cancelled: bool = False,
) -> list[Occurrence]:
    """Occurrences whose actual start lies in [start, end), in order."""
    changes = changes or {}
    zone = series.zone
    lo = utc(start).astimezone(zone).replace(tzinfo=None) - _LOOKBACK
    hi = utc(end).astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    locals_ = set(_rule_keys(series, lo, hi))
    # Occurrences moved into the window from far away come with their override.
    for key, change in changes.items():
        if change.starts_at is not None and start <= change.starts_at < end:
            local_key = utc(key).astimezone(zone).replace(tzinfo=None)
            if is_occurrence(series, key):
                locals_.add(local_key)
    found = [_expand(series, k, changes) for k in sorted(locals_)]
    return sorted(
        (o for o in found if start <= o.start < end and (include_cancelled or not o.cancelled)),
        key=lambda o: (o.start, o.key),
    )


def next_occurrences(
    series: Series,
    after: datetime,
    count: int = 1,
    changes: Mapping[datetime, Change] | None = None,
    horizon: timedelta = timedelta(days=800),
) -> list[Occurrence]:
    """The next `count` occurrences starting at or after `after` (within the horizon)."""
    found: list[Occurrence] = []
    window = timedelta(days=62)
    lo = after
    while len(found) < count and lo < after + horizon:
        found.extend(occurrences(series, lo, lo + window, changes))
        lo += window
        if not series.recurring and not changes:
            break
    return found[:count]


def is_occurrence(series: Series, key: datetime) -> bool:
    """True when `key` is an original start the series' rule produces."""
    local = utc(key).astimezone(series.zone).replace(tzinfo=None)
    if local_to_utc(local, series.zone) != utc(key):
        return False
    return local in _rule_keys(series, local, local + timedelta(seconds=1))


def occurrence_at(
    series: Series, key: datetime, changes: Mapping[datetime, Change] | None = None
) -> Occurrence | None:
    """The occurrence with this key (cancelled ones included), or None."""
    if not is_occurrence(series, key):
        return None
    local = utc(key).astimezone(series.zone).replace(tzinfo=None)
    return _expand(series, local, changes or {})


def nth_weekday(day: date) -> int:
    """Which weekday of its month a date is: 1..4, or -1 for a fifth (= last)."""
    nth = (day.day - 1) // 7 + 1
    return -1 if nth >= 5 else nth


def rule_for(choice: str, local_start: datetime) -> str:
    """The RRULE for a plan choice, derived from the first date ('monthly' = same nth weekday)."""
    weekday = _DAYS[local_start.weekday()]
    if choice == "once":
        return ""
    if choice == "weekly":
        return f"FREQ=WEEKLY;BYDAY={weekday}"
    if choice == "biweekly":
        return f"FREQ=WEEKLY;INTERVAL=2;BYDAY={weekday}"
    if choice == "monthly":
        return f"FREQ=MONTHLY;BYDAY={nth_weekday(local_start.date()):+d}{weekday}"
    raise ValueError(f"unknown recurrence choice {choice!r}; expected one of {RECURRENCE_CHOICES}")


@dataclass(frozen=True)
class RuleShape:
    """What a rule says, for describing it in words: 'elke 2e dinsdag van de maand'."""

    frequency: str  # once | weekly | monthly | daily | yearly | other
    interval: int = 1
    weekday: int | None = None
    nth: int | None = None


def shape(text: str) -> RuleShape:
    """Read the parts of a rule that people talk about."""
    if not text:
        return RuleShape("once")
    parts = dict(p.split("=", 1) for p in text.split(";") if "=" in p)
    freq = parts.get("FREQ", "").lower()
    interval = int(parts.get("INTERVAL", "1") or 1)
    byday = parts.get("BYDAY", "")
    weekday = nth = None
    if byday and "," not in byday:
        code = byday[-2:]
        weekday = _DAYS.index(code) if code in _DAYS else None
        prefix = byday[:-2]
        nth = int(prefix) if prefix.lstrip("+-").isdecimal() else None
    if freq in ("weekly", "monthly", "daily", "yearly"):
        return RuleShape(freq, interval, weekday, nth)
    return RuleShape("other", interval)
