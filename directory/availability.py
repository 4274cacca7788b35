"""Weekly call windows: parse "ma-do 09:00-17:00; vr 9-12" and write them back.

A window is ``[weekday, start_minute, end_minute]`` in local time (weekday 0 is
Monday, minutes from midnight, end exclusive, at most 1440). Windows of one day
are sorted and merged, so "9-12; 12-17" is one window until 17:00.
"""

from __future__ import annotations

import re
import unicodedata

Window = list[int]

DAY_NAMES: dict[str, int] = {}
for _index, _names in enumerate(
    (
        ("ma", "maandag", "mon", "monday", "mo"),
        ("di", "dinsdag", "tue", "tues", "tuesday", "tu"),
        ("wo", "woensdag", "wed", "wednesday", "we"),
        ("do", "donderdag", "thu", "thur", "thurs", "thursday", "th"),
        ("vr", "vrijdag", "fri", "friday", "fr"),
        ("za", "zaterdag", "sat", "saturday", "sa"),
        ("zo", "zondag", "sun", "sunday", "su"),
    )
):
    for _name in _names:
        DAY_NAMES[_name] = _index
# Words for groups of days.
DAY_GROUPS: dict[str, tuple[int, ...]] = {
    "werkdagen": (0, 1, 2, 3, 4),
    "doordeweeks": (0, 1, 2, 3, 4),
    "weekdays": (0, 1, 2, 3, 4),
    "weekdagen": (0, 1, 2, 3, 4),
    "dagelijks": (0, 1, 2, 3, 4, 5, 6),
    "daily": (0, 1, 2, 3, 4, 5, 6),
    "weekend": (5, 6),
}
SHORT = {
    "nl": ("ma", "di", "wo", "do", "vr", "za", "zo"),
    "en": ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
}

_TIME = r"(\d{1,2})(?:[:.](\d{2}))?\s*(?:u|uur|h)?"
_RANGE = re.compile(rf"{_TIME}\s*(?:-|–|—|tot|to|till|until)\s*{_TIME}")
_SEGMENT = re.compile(r"^(?P<days>[a-z][a-z\s,/&\-–]*?)\s*(?P<times>\d.*)$")


class AvailabilityError(ValueError):
    """The text is not a list of days with times."""


def _fold(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in plain if not unicodedata.combining(ch)).strip()


def _minutes(hour: str, minute: str | None) -> int:
    value = int(hour) * 60 + int(minute or 0)
    if int(minute or 0) >= 60 or value > 24 * 60:
        raise AvailabilityError(f"no such time {hour}:{minute or '00'}")
    return value


def _days(spec: str) -> list[int]:
    days: list[int] = []
    cleaned = re.sub(r"\s+(?:en|and|t/m|tm)\s+", ",", spec.replace("–", "-"))
    for part in re.split(r"[,/&\s]+", cleaned):
        if not part:
            continue
        if part in DAY_GROUPS:
            days.extend(DAY_GROUPS[part])
            continue
        first, dash, last = part.partition("-")
        if first not in DAY_NAMES or (dash and last not in DAY_NAMES):
            raise AvailabilityError(f"unknown day {part!r}")
        start = DAY_NAMES[first]
        end = DAY_NAMES[last] if dash else start
        if end < start:
            raise AvailabilityError(f"day range {part!r} runs backwards")
        days.extend(range(start, end + 1))
    if not days:
        raise AvailabilityError("no days")
    return days


def parse_availability(text: str) -> list[Window]:
    """Parse 'ma-do 09:00-17:00; vr 09:00-12:00' (Dutch or English day names)."""
    windows: list[Window] = []
    folded = _fold(text)
    if not folded:
        return []
    # ';' always separates segments; ',' does too when a time range ends before it.
    for segment in re.split(r";|(?<=\d)\s*,\s*(?=[a-z])", folded):
        segment = segment.strip()
        if not segment:
            continue
        match = _SEGMENT.match(segment)
        if match is None:
            raise AvailabilityError(f"segment {segment!r} needs days and times")
        days = _days(match.group("days").strip(" -,"))
        ranges = list(_RANGE.finditer(match.group("times")))
        leftover = _RANGE.sub("", match.group("times")).strip(" ,&en")
        if not ranges or leftover:
            raise AvailabilityError(f"times {match.group('times')!r} are not like 09:00-17:00")
        for found in ranges:
            start = _minutes(found.group(1), found.group(2))
            end = _minutes(found.group(3), found.group(4))
            if end <= start:
                raise AvailabilityError(f"window {found.group(0)!r} ends before it starts")
            windows.extend([day, start, end] for day in days)
    return merge_windows(windows)


def merge_windows(windows: list[Window]) -> list[Window]:
    """Sort windows and merge the ones that touch or overlap on the same day."""
    merged: list[Window] = []
    for day, start, end in sorted((int(w[0]), int(w[1]), int(w[2])) for w in windows):
        if merged and merged[-1][0] == day and start <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], end)
        else:
            merged.append([day, start, end])
    return merged


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_availability(windows: list[Window], language: str = "nl") -> str:
    """Write windows back as text, e.g. 'ma-do 09:00-17:00; vr 09:00-12:00'."""
    names = SHORT.get(language, SHORT["nl"])
    per_day: dict[int, tuple[tuple[int, int], ...]] = {}
    for day, start, end in merge_windows(windows):
        per_day[day] = (*per_day.get(day, ()), (start, end))
    parts: list[str] = []
    days = sorted(per_day)
    index = 0
    while index < len(days):
        first = days[index]
        last = first
        # Group consecutive days with the same times: 'ma-do'.
        while (
            index + 1 < len(days)
            and days[index + 1] == last + 1
            and per_day[days[index + 1]] == per_day[first]
        ):
            index += 1
            last = days[index]
        label = names[first] if first == last else f"{names[first]}-{names[last]}"
        times = " ".join(f"{_clock(s)}-{_clock(e)}" for s, e in per_day[first])
        parts.append(f"{label} {times}")
        index += 1
    return "; ".join(parts)
