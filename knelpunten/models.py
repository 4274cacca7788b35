"""Tables of knelpunten. The description and the explanation are free text about a rule or a
procedure, never about a resident; they are removed after the retention period."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class Knelpunt(Base):
    """One reported blocker: what got stuck, in which domains, and where it stands."""

    __tablename__ = "knelpunten"

    id: Mapped[int] = mapped_column(primary_key=True)
    reporter_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    domains: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(30), index=True)
    handler_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    explanation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # Set when the retention period removed the free text; the row and its audit trail stay.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class KnelpuntSupport(Base):
    """'Ik loop hier ook tegenaan': one row per person per knelpunt, so each counts once."""

    __tablename__ = "knelpunt_supports"

    knelpunt_id: Mapped[int] = mapped_column(
        ForeignKey("knelpunten.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
