"""When a handover's timers fall due, counted in working time (office hours, no weekends or
Dutch public holidays), not clock time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from core.config import HandoverConfig
from core.workdays import OfficeHours


@dataclass(frozen=True)
class TimerPolicy:
    """The handover timers of one municipality."""

    office: OfficeHours
    reminder_after_hours: float = 8
    escalate_after_hours: float = 8
    expire_after_days: int = 10
    kennismaking_within_days: int = 5
    retention_days: int = 365

    @classmethod
    def from_config(cls, config: HandoverConfig, timezone: str) -> TimerPolicy:
        """The policy from the [handovers] settings."""
        return cls(
            office=OfficeHours.parse(config.office_hours, timezone),
            reminder_after_hours=config.reminder_after_hours,
            escalate_after_hours=config.escalate_after_hours,
            expire_after_days=config.expire_after_days,
            kennismaking_within_days=config.kennismaking_within_days,
            retention_days=config.retention_days,
        )

    def reminder_due(self, sent_at: datetime) -> datetime:
        """When the receiver gets a reminder if they have not answered."""
        return self.office.add(sent_at, self.reminder_after_hours)

    def escalation_due(self, reminded_at: datetime) -> datetime:
        """When the oliemannetje or procesregisseur is asked to help, counted from the reminder."""
        return self.office.add(reminded_at, self.escalate_after_hours)

    def expiry(self, sent_at: datetime) -> datetime:
        """When an unanswered handover lapses and the sender is told to look further."""
        return self.office.add(sent_at, self.expire_after_days * self.office.hours_per_day)

    def kennismaking_due(self, accepted_at: datetime) -> datetime:
        """When the regie-holder is nudged if no kennismaking is planned or held yet."""
        return self.office.add(
            accepted_at, self.kennismaking_within_days * self.office.hours_per_day
        )

    def kennismaking_check(self, planned_for: datetime) -> datetime:
        """One working day after a planned kennismaking: ask whether it took place."""
        return self.office.add(planned_for, self.office.hours_per_day)

    def retention_cutoff(self, now: datetime) -> datetime:
        """Handovers closed before this moment lose their free text."""
        return now - timedelta(days=self.retention_days)
