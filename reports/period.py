"""Report months: '2026-11' in the municipality's time zone, as a half-open UTC interval."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from core.errors import UserError

_MONTH = re.compile(r"^\s*(?P<year>\d{4})-(?P<month>\d{1,2})\s*$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1-12, got {self.month}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """'2026-11' → Month(2026, 11); anything else is a user error naming the value."""
        found = _MONTH.match(text)
        if not found or not 1 <= int(found.group("month")) <= 12:
            raise UserError(
                "Geef een maand als jjjj-mm, bijvoorbeeld 2026-11 (niet {value}).",
                value=text.strip(),
            )
        return cls(int(found.group("year")), int(found.group("month")))

    @classmethod
    def of(cls, moment: datetime, timezone: str) -> Month:
        """The month a moment falls in, locally."""
        local = moment.astimezone(ZoneInfo(timezone))
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def previous(self) -> Month:
        """The month before."""
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def next(self) -> Month:
        """The month after."""
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def start(self, timezone: str) -> datetime:
        """Local midnight on the first, as aware UTC."""
        local = datetime(self.year, self.month, 1, tzinfo=ZoneInfo(timezone))
        return local.astimezone(UTC)

    def bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[start, end) in UTC."""
        return self.start(timezone), self.next().start(timezone)

    def last(self, count: int) -> list[Month]:
        """This month and the count-1 before it, oldest first."""
        months = [self]
        while len(months) < count:
            months.append(months[-1].previous())
        return months[::-1]
