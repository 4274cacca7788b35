"""When the people of one schedule class can be called: now, or from which moment.

Everyone in a class keeps the same weekly windows and has no absence, so one answer
serves the whole class. The next call moment stays right until that moment comes (no
window opens before it), so it is worked out once and reused by later lookups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from directory.reachability import LocalNow, next_call_moment, reachable_at

Windows = tuple[tuple[int, int, int], ...]
# How long "no call moment in the coming weeks" is believed before looking again.
NONE_KEPT = timedelta(minutes=1)


@dataclass(frozen=True)
class Schedule:
    """Call windows without an absence: what reachability needs of a schedule class."""

    availability: Windows
    absent_from: None = None
    absent_until: None = None


class ScheduleTimes:
    """Reachability and next call moments per schedule, shared by every lookup."""

    def __init__(self) -> None:
        self._moments: dict[tuple[Windows, str], tuple[datetime, datetime | None]] = {}

    def reachable(self, windows: Windows, at: LocalNow) -> bool:
        """Inside one of the windows at this local moment (and not a public holiday)."""
        return reachable_at(Schedule(windows), at)

    def next_moment(self, windows: Windows, now: datetime, timezone: str) -> datetime | None:
        """The first moment from `now` on at which this schedule can be called."""
        key = (windows, timezone)
        cached = self._moments.get(key)
        if cached is not None:
            since, moment = cached
            if since <= now and (now < moment if moment is not None else now < since + NONE_KEPT):
                return moment
        moment = next_call_moment(Schedule(windows), now, timezone)
        self._moments[key] = (now, moment)
        return moment
