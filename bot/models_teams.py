"""Teams' table: where the bot can reach a person or a channel again (conversation references)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class TeamsConversation(Base):
    """A conversation the bot may write to later: a person's 1:1 chat, or a channel/group chat.

    The service URL is the one a validated token named when the conversation last wrote to
    the bot; replies and proactive messages go nowhere else.
    """

    __tablename__ = "teams_conversations"

    # "user:<aadObjectId>" for a person's 1:1 chat, "chat:<conversation id>" for the others.
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    conversation_id: Mapped[str] = mapped_column(String(300))
    service_url: Mapped[str] = mapped_column(String(300))
    tenant_id: Mapped[str | None] = mapped_column(String(64))
    # The Teams user id (29:…) of a person; creating a 1:1 chat needs it.
    user_id: Mapped[str | None] = mapped_column(String(200))
    bot_id: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
