"""Idempotency for platform events: the same delivery twice has one effect."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class ProcessedEvent(Base):
    """A platform event id that has been handled."""

    __tablename__ = "processed_events"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    event_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


async def first_delivery(
    session: AsyncSession, platform: str, event_id: str, now: datetime
) -> bool:
    """Claim an event id; False when it was seen before (the caller must then do nothing)."""
    try:
        async with session.begin_nested():
            session.add(ProcessedEvent(platform=platform, event_id=event_id, at=now))
            await session.flush()
    except IntegrityError:
        return False
    return True


async def forget_older_than(session: AsyncSession, cutoff: datetime) -> int:
    """Drop ids older than the platforms' retry horizon (hours, not days)."""
    result = await session.execute(delete(ProcessedEvent).where(ProcessedEvent.at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


RETRY_HORIZON = timedelta(days=2)
