"""Tables for linking chat accounts by proof: one-time codes and wrong-attempt counters.

Only a hash of each code is stored; the code itself exists only in the message
that showed it to the verified person.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class LinkCode(Base):
    """A short-lived, single-use code that lets its holder link a chat account to a person."""

    __tablename__ = "link_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # The person who asked for the code: the same person, or an admin issuing it for them.
    issued_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Where the code was redeemed ('telegram', …) or 'burned' when shown in a group chat or
    # guessed at too often.
    used_on: Mapped[str | None] = mapped_column(String(20))
    # The account the code was sent for, when known (an imported Telegram @username's first
    # writer): its wrong codes count against this code, and enough of them burn it.
    for_platform: Mapped[str | None] = mapped_column(String(20))
    for_account: Mapped[str | None] = mapped_column(String(120))
    failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class LinkAttempt(Base):
    """Failed redemptions of one chat account in the current window (to stop guessing)."""

    __tablename__ = "link_attempts"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[str] = mapped_column(String(120), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
