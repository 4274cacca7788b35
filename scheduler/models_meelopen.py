"""Tables of the mee-loop-dagen: who takes part, the rounds, and the groups each round made."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class MeeloopParticipant(Base):
    """Someone who wants to walk along with colleagues of other organisations."""

    __tablename__ = "meeloop_participants"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Take part every round (1), every other round (2) or once a quarter (3).
    every_rounds: Mapped[int] = mapped_column(Integer, default=1)
    # Theme keys this person is curious about.
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    paused_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_round: Mapped[int | None] = mapped_column(Integer)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class MeeloopRound(Base):
    """One pairing round; its number is claimed once, by whichever process gets there first."""

    __tablename__ = "meeloop_rounds"

    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    participants: Mapped[int] = mapped_column(Integer, default=0)
    # People this round could not match, who were told so (never silently left out).
    unmatched: Mapped[list[int]] = mapped_column(JSON, default=list)


class MeeloopGroup(Base):
    """Two (or, with an odd number, three) people introduced to each other in a round."""

    __tablename__ = "meeloop_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    round_number: Mapped[int] = mapped_column(
        ForeignKey("meeloop_rounds.number", ondelete="CASCADE"), index=True
    )
    members: Mapped[list[int]] = mapped_column(JSON)
    followup_due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    followup_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # gelukt | gepland | niet
    outcome: Mapped[str | None] = mapped_column(String(12))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
