"""The claim that makes the monthly report post happen exactly once per month."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class ReportPost(Base):
    """One row per posted month ('2026-11'); inserting it is the claim to post."""

    __tablename__ = "report_posts"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    channel: Mapped[str] = mapped_column(String(160))
    claimed_at: Mapped[datetime] = mapped_column(UTCDateTime())
