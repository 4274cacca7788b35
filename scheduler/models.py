"""Tables of meetings: series, per-occurrence changes, RSVPs, reminders, feeds and case questions.

An occurrence is identified by the start its series' recurrence rule gives it (the iCalendar
RECURRENCE-ID), in aware UTC, even after it was moved; that key ties RSVPs, overrides,
reminders and case questions to it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

MEETING_KINDS = ("netwerkbijeenkomst", "dialoogtafel", "casuistiekoverleg", "intervisie", "vrij")
HOLIDAY_POLICIES = ("skip", "move", "keep")
ANSWERS = ("ja", "nee", "misschien")


class Meeting(Base):
    """A meeting or a series of them, in local wall-clock time of its time zone."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_channel", "platform", "chat"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), index=True)
    title: Mapped[str] = mapped_column(String(200))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    wijk: Mapped[str | None] = mapped_column(String(120))
    place: Mapped[str] = mapped_column(String(300), default="")
    video_url: Mapped[str | None] = mapped_column(String(500))
    organiser_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # The channel it was planned in (weekly posts go there); None when planned in a DM.
    platform: Mapped[str | None] = mapped_column(String(20))
    chat: Mapped[str | None] = mapped_column(String(120))
    timezone: Mapped[str] = mapped_column(String(60), default="Europe/Amsterdam")
    # The first occurrence's start; its local wall-clock time holds for the whole series.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)
    # An iCalendar RRULE without DTSTART ("FREQ=WEEKLY;INTERVAL=2"); "" for a single meeting.
    rrule: Mapped[str] = mapped_column(String(300), default="")
    holiday_policy: Mapped[str] = mapped_column(String(10), default="skip")
    seat_limit: Mapped[int | None] = mapped_column(Integer)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class OccurrenceOverride(Base):
    """One occurrence changed or cancelled, keyed by its original start."""

    __tablename__ = "meeting_overrides"
    __table_args__ = (UniqueConstraint("meeting_id", "occurrence_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    place: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Rsvp(Base):
    """Someone's answer for one occurrence; a 'ja' beyond the seat limit waits in line."""

    __tablename__ = "meeting_rsvps"
    __table_args__ = (
        UniqueConstraint("meeting_id", "occurrence_start", "person_id"),
        Index("ix_meeting_rsvps_occurrence", "meeting_id", "occurrence_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    answer: Mapped[str] = mapped_column(String(10))
    waitlisted: Mapped[bool] = mapped_column(Boolean, default=False)
    # First come, first served: the waiting list is ordered by this moment.
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Reminder(Base):
    """One reminder that is, was or will not be sent: the exactly-once ledger.

    The unique key (meeting, occurrence, kind, recipient) plus a conditional claim in the
    transaction that queues the message make a second send impossible, whichever process or
    restart tries. Weekly channel posts use meeting_id 0 and the week's start as occurrence.
    """

    __tablename__ = "meeting_reminders"
    __table_args__ = (
        UniqueConstraint("meeting_id", "occurrence_start", "kind", "recipient"),
        Index("ix_meeting_reminders_due", "status", "due_at"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    meeting_id: Mapped[int] = mapped_column(Integer)
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(20))
    # "person:12" or "platform:chat".
    recipient: Mapped[str] = mapped_column(String(160))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # pending → sent | skipped (missed beyond grace) | empty | cancelled | failed
    status: Mapped[str] = mapped_column(String(12), default="pending")
    fired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class FeedToken(Base):
    """The secret in a person's calendar feed URL."""

    __tablename__ = "meeting_feed_tokens"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class CasusItem(Base):
    """An anonymous case question on the agenda of one casuïstiekoverleg occurrence."""

    __tablename__ = "casus_items"
    __table_args__ = (Index("ix_casus_items_occurrence", "meeting_id", "occurrence_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"))
    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_by: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    # Erased (None) after the retention period; the row stays so counts remain true.
    question: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
