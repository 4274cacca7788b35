"""Telegram's table: button payloads too long for its 64-byte callback data."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class TelegramCallback(Base):
    """A short token for (action id, value), stored so buttons survive a restart."""

    __tablename__ = "telegram_callbacks"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    action_id: Mapped[str] = mapped_column(String(120))
    value: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
