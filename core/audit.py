"""The audit trail: an append-only record of state changes, never of free text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, String, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime


class AuditEntry(Base):
    """Who did what to which object, with what result, from where, and when."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(80))
    object_type: Mapped[str] = mapped_column(String(40))
    object_id: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(40), default="ok")
    origin: Mapped[str] = mapped_column(String(40), default="")


def record(
    session: AsyncSession,
    *,
    at: datetime,
    actor: str,
    action: str,
    object_type: str,
    object_id: str | int,
    result: str = "ok",
    origin: str = "",
) -> AuditEntry:
    """Add an audit entry to the current transaction (it lands only if the change does)."""
    entry = AuditEntry(
        at=at,
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        result=result,
        origin=origin,
    )
    session.add(entry)
    return entry


def person_actor(person_id: int | None) -> str:
    """The actor string for a directory person, or the system."""
    return f"person:{person_id}" if person_id is not None else "system"


async def trail(session: AsyncSession, object_type: str, object_id: str | int) -> list[AuditEntry]:
    """Every entry about one object, oldest first."""
    rows = await session.scalars(
        select(AuditEntry)
        .where(AuditEntry.object_type == object_type, AuditEntry.object_id == str(object_id))
        .order_by(AuditEntry.at, AuditEntry.id)
    )
    return list(rows)
