"""Tables of warm handovers: a case with its one regie-holder, and the handovers between people.

Who holds regie is one column on the case, so two people can never hold it at
once; a partial unique index allows at most one open handover per case, so two
receivers can never both be waiting to take it over. Timers are due-at columns,
so a restart loses none of them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

STATES = ("open", "accepted", "declined", "withdrawn", "expired")
LABEL_MAX = 80
NEED_MAX = 600
NOTE_MAX = 600


class HandoverCase(Base):
    """One resident's path through the network, known only by the first sender's own label."""

    __tablename__ = "handover_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    regie_holder_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    regie_since: Mapped[datetime] = mapped_column(UTCDateTime())
    # The sender's own reference (e.g. their dossier number), never a BSN; removed by retention.
    reference_label: Mapped[str | None] = mapped_column(String(LABEL_MAX))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    wijk: Mapped[str | None] = mapped_column(String(120))
    created_by: Mapped[int] = mapped_column(ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    text_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Handover(Base):
    """A request from the regie-holder to a receiver to take over regie of a case."""

    __tablename__ = "handovers"
    __table_args__ = (
        CheckConstraint("sender_id <> receiver_id", name="not_to_self"),
        CheckConstraint(
            "state IN ('open', 'accepted', 'declined', 'withdrawn', 'expired')", name="state"
        ),
        # At most one open handover per case: regie can only be on its way to one person.
        Index(
            "uq_handovers_open_case",
            "case_id",
            unique=True,
            sqlite_where=text("state = 'open'"),
            postgresql_where=text("state = 'open'"),
        ),
        Index("ix_handovers_reference_key_state", "reference_key", "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("handover_cases.id"), index=True)
    sender_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    receiver_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    sender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    # Set when the receiver got this as the stand-in of an absent colleague.
    stand_in_for_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    state: Mapped[str] = mapped_column(String(20), default="open", index=True)
    # Bumped on every change; button presses and timers update only the version they saw.
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Free text, removed by retention: the resident's need, the sender's label, a decline note.
    need: Mapped[str | None] = mapped_column(Text)
    reference_label: Mapped[str | None] = mapped_column(String(LABEL_MAX))
    reference_key: Mapped[str | None] = mapped_column(String(LABEL_MAX))
    decline_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(String(40))
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    wijk: Mapped[str | None] = mapped_column(String(120))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    decided_by: Mapped[int | None] = mapped_column(Integer)
    call_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Timers of an open handover.
    reminder_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalate_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    escalated_to_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The kennismaking (sender, receiver and resident) after acceptance.
    kennismaking_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    kennismaking_planned_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kennismaking_held_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    kennismaking_nudged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    text_purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_open(self) -> bool:
        """True while the receiver can still answer."""
        return self.state == "open"
