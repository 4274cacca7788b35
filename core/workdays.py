"""Working time in the Netherlands: weekends, public holidays and office hours.

Timers that say "one working day" mean office hours, not clock hours: a
handover sent on Friday at 16:00 with an 8-hour window is due on Monday
afternoon, and Koningsdag or Tweede Kerstdag do not count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from core.clock import utc
from core.dutch_holidays import dutch_holidays


def holiday_name(day: date) -> str | None:
    """The Dutch public holiday on this date (e.g. 'Koningsdag'), or None."""
    return dutch_holidays(day.year).get(day)


def is_holiday(day: date) -> bool:
    """True on a Dutch public holiday."""
    return holiday_name(day) is not None


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a public holiday."""
    return day.weekday() < 5 and not is_holiday(day)


@dataclass(frozen=True)
class OfficeHours:
    """The working day in local time, e.g. 08:30–17:00 in Europe/Amsterdam."""

    start: time = time(8, 30)
    end: time = time(17, 0)
    timezone: str = "Europe/Amsterdam"

    def __post_init__(self) -> None:
        if self.end <= self.start:
            raise ValueError(f"office hours must end after they start: {self.start}-{self.end}")

    @classmethod
    def parse(cls, spec: str, timezone: str = "Europe/Amsterdam") -> OfficeHours:
        """From '08:30-17:00'."""
        try:
            left, right = spec.split("-")
            return cls(
                time.fromisoformat(left.strip()), time.fromisoformat(right.strip()), timezone
            )
        except ValueError as error:
            raise ValueError(f"office hours {spec!r} must look like 08:30-17:00") from error

    @property
    def zone(self) -> ZoneInfo:
        """The local time zone."""
        return ZoneInfo(self.timezone)

    @property
    def hours_per_day(self) -> float:
        """Length of one working day in hours."""
        start = datetime.combine(date.min, self.start)
        end = datetime.combine(date.min, self.end)
        return (end - start).total_seconds() / 3600

    def _window(self, day: date) -> tuple[datetime, datetime]:
        return (
            datetime.combine(day, self.start, tzinfo=self.zone),
            datetime.combine(day, self.end, tzinfo=self.zone),
        )

    def add(self, moment: datetime, hours: float) -> datetime:
        """The moment `hours` working hours after `moment` (aware UTC in, aware UTC out)."""
        remaining = timedelta(hours=hours)
        local = utc(moment).astimezone(self.zone)
        day = local.date()
        for _ in range(3700):  # ten years of days is more than any timer needs
            if is_working_day(day):
                start, end = self._window(day)
                begin = max(local, start)
                if begin < end:
                    if begin + remaining <= end:
                        return utc(begin + remaining)
                    remaining -= end - begin
            day += timedelta(days=1)
            local = datetime.combine(day, time(0, 0), tzinfo=self.zone)
        raise ValueError(f"cannot add {hours} working hours to {moment}")

    def between(self, start: datetime, end: datetime) -> float:
        """Working hours from `start` to `end` (0 when end is before start)."""
        if end <= start:
            return 0.0
        total = timedelta()
        first = utc(start).astimezone(self.zone)
        last = utc(end).astimezone(self.zone)
        day = first.date()
        while day <= last.date():
            if is_working_day(day):
                window_start, window_end = self._window(day)
                lo, hi = max(first, window_start), min(last, window_end)
                if hi > lo:
                    total += hi - lo
            day += timedelta(days=1)
        return total.total_seconds() / 3600

    def add_working_days(self, moment: datetime, days: int) -> datetime:
        """The same local time `days` working days later."""
        local = utc(moment).astimezone(self.zone)
        day = local.date()
        left = days
        while left > 0:
            day += timedelta(days=1)
            if is_working_day(day):
                left -= 1
        return utc(datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.zone))
