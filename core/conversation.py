"""Forms in progress: where a step-by-step conversation (console, Telegram) stands.

Stored in the database, so a restart mid-form loses nothing; stale ones expire.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import JSON, Integer, String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

EXPIRES_AFTER = timedelta(hours=2)


class Conversation(Base):
    """One user's open form in one chat."""

    __tablename__ = "conversations"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    account: Mapped[str] = mapped_column(String(120), primary_key=True)
    chat: Mapped[str] = mapped_column(String(120), primary_key=True)
    form: Mapped[dict[str, object]] = mapped_column(JSON)
    step: Mapped[int] = mapped_column(Integer, default=0)
    values: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


async def current(
    session: AsyncSession, platform: str, account: str, chat: str, now: datetime
) -> Conversation | None:
    """The open conversation, or None (an expired one is removed)."""
    row = await session.get(Conversation, (platform, account, chat))
    if row is not None and now - row.updated_at > EXPIRES_AFTER:
        await session.delete(row)
        return None
    return row


async def end(session: AsyncSession, platform: str, account: str, chat: str) -> None:
    """Close the conversation (finished or cancelled)."""
    await session.execute(
        delete(Conversation).where(
            Conversation.platform == platform,
            Conversation.account == account,
            Conversation.chat == chat,
        )
    )


async def expire(session: AsyncSession, now: datetime) -> None:
    """Remove conversations nobody finished."""
    await session.execute(delete(Conversation).where(Conversation.updated_at < now - EXPIRES_AFTER))


async def any_open(session: AsyncSession) -> int:
    """How many conversations are open (for metrics)."""
    return len(list(await session.scalars(select(Conversation.account))))
