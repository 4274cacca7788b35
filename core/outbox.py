"""The transactional outbox: messages to other people and channels.

A handler that must tell someone else (a handover request, a reminder) adds an
outbox row in the same transaction as the state change, so the message exists
exactly when the change does. A delivery worker sends pending rows through the
adapters and retries failures with backoff; nothing is dropped silently.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import JSON, BigInteger, Integer, String, Text, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime
from core.messages import Recipient, Reply

MAX_ATTEMPTS = 12


class OutboxMessage(Base):
    """One message waiting to be (or already) delivered."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    platform: Mapped[str | None] = mapped_column(String(20))
    chat: Mapped[str | None] = mapped_column(String(120))
    payload: Mapped[dict[str, object]] = mapped_column(JSON)
    kind: Mapped[str] = mapped_column(String(60), default="message")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    delivered_to: Mapped[str | None] = mapped_column(String(200))


async def enqueue(
    session: AsyncSession,
    recipient: Recipient,
    reply: Reply,
    *,
    now: datetime,
    kind: str = "message",
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Queue a message in the current transaction; a repeated dedupe_key queues nothing."""
    if dedupe_key is not None:
        existing = await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return None
    message = OutboxMessage(
        created_at=now,
        dedupe_key=dedupe_key,
        person_id=recipient.person_id,
        platform=recipient.platform,
        chat=recipient.chat,
        payload=json.loads(json.dumps(reply.to_json())),
        kind=kind,
        attempts=0,
        next_attempt_at=now,
    )
    session.add(message)
    return message


async def due(session: AsyncSession, now: datetime, limit: int = 50) -> list[OutboxMessage]:
    """Pending messages whose next attempt is due, oldest first (locked on PostgreSQL)."""
    query = (
        select(OutboxMessage)
        .where(
            OutboxMessage.sent_at.is_(None),
            OutboxMessage.failed_at.is_(None),
            OutboxMessage.next_attempt_at <= now,
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return list(await session.scalars(query))


def backoff(attempts: int) -> timedelta:
    """Wait before the next try: 5 s, 10 s, 20 s … capped at 15 minutes."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 900))


async def mark_sent(session: AsyncSession, message_id: int, now: datetime, where: str) -> None:
    """Record a delivery."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(sent_at=now, delivered_to=where, last_error=None)
    )


def mark_failed_attempt(message: OutboxMessage, now: datetime, error: str) -> None:
    """Record a failed try; after MAX_ATTEMPTS the message is parked as failed (and counted)."""
    message.attempts += 1
    message.last_error = error[:500]
    if message.attempts >= MAX_ATTEMPTS:
        message.failed_at = now
    else:
        message.next_attempt_at = now + backoff(message.attempts)
