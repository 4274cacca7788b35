"""Due work of handovers, found in the database and claimed before anything is sent.

A claim is a conditional update that stamps the row (``reminded_at``,
``escalated_at`` …) in the same transaction as the outbox message, so a second
leader, a re-run after a crash, or a restart sends nothing twice and loses
nothing: the due-at columns are the timers.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import record
from handovers.machine import State
from handovers.models import Handover, HandoverCase
from handovers.policy import TimerPolicy
from handovers.repository import HandoverRepository


class Due(StrEnum):
    """Kinds of due work, in the order a pass handles them."""

    EXPIRY = "expiry"
    ESCALATION = "escalation"
    REMINDER = "reminder"
    KENNISMAKING = "kennismaking"


_CONDITIONS = {
    Due.EXPIRY: lambda now: (Handover.state == State.OPEN, Handover.expires_at <= now),
    Due.ESCALATION: lambda now: (
        Handover.state == State.OPEN,
        Handover.escalated_at.is_(None),
        Handover.escalate_due_at <= now,
    ),
    Due.REMINDER: lambda now: (
        Handover.state == State.OPEN,
        Handover.reminded_at.is_(None),
        Handover.reminder_due_at <= now,
    ),
    Due.KENNISMAKING: lambda now: (
        Handover.state == State.ACCEPTED,
        Handover.kennismaking_held_at.is_(None),
        Handover.kennismaking_nudged_at.is_(None),
        Handover.kennismaking_due_at <= now,
    ),
}


async def due_ids(session: AsyncSession, kind: Due, now: datetime, limit: int = 100) -> list[int]:
    """Handovers with this kind of work due, oldest first (claim each before acting)."""
    rows = await session.scalars(
        select(Handover.id).where(*_CONDITIONS[kind](now)).order_by(Handover.id).limit(limit)
    )
    return list(rows)


async def claim(
    session: AsyncSession, kind: Due, handover_id: int, now: datetime, policy: TimerPolicy
) -> Handover | None:
    """Stamp one due reminder, escalation or nudge; None when it is not (or no longer) due."""
    values: dict[str, object]
    if kind is Due.REMINDER:
        values = {"reminded_at": now, "escalate_due_at": policy.escalation_due(now)}
    elif kind is Due.ESCALATION:
        values = {"escalated_at": now, "escalate_due_at": None}
    elif kind is Due.KENNISMAKING:
        values = {"kennismaking_nudged_at": now, "kennismaking_due_at": None}
    else:
        raise ValueError(f"{kind} is not claimed but decided (see handovers.service.expire)")
    repo = HandoverRepository(session)
    if not await repo.update_where(handover_id, _CONDITIONS[kind](now), values):
        return None
    handover = await repo.get(handover_id)
    assert handover is not None
    record(
        session,
        at=now,
        actor="system",
        action=f"handover.{kind.value}",
        object_type="handover",
        object_id=handover_id,
        origin="timer",
    )
    return handover


async def purge_free_text(session: AsyncSession, now: datetime, policy: TimerPolicy) -> int:
    """Remove the free text of handovers and cases closed longer than the retention period."""
    cutoff = policy.retention_cutoff(now)
    ids = list(
        await session.scalars(
            select(Handover.id).where(
                Handover.state != State.OPEN,
                Handover.decided_at <= cutoff,
                Handover.text_purged_at.is_(None),
            )
        )
    )
    purged = 0
    repo = HandoverRepository(session)
    for handover_id in ids:
        if await repo.update_where(
            handover_id,
            [Handover.text_purged_at.is_(None), Handover.state != State.OPEN],
            {
                "need": None,
                "reference_label": None,
                "reference_key": None,
                "decline_note": None,
                "text_purged_at": now,
            },
        ):
            purged += 1
            _purged(session, "handover", handover_id, now)
    cases = list(
        await session.scalars(
            select(HandoverCase.id).where(
                HandoverCase.closed_at <= cutoff, HandoverCase.text_purged_at.is_(None)
            )
        )
    )
    for case_id in cases:
        result = await session.execute(
            update(HandoverCase)
            .where(HandoverCase.id == case_id, HandoverCase.text_purged_at.is_(None))
            .values(reference_label=None, text_purged_at=now)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0) == 1:
            purged += 1
            _purged(session, "handover_case", case_id, now)
    return purged


def _purged(session: AsyncSession, object_type: str, object_id: int, now: datetime) -> None:
    record(
        session,
        at=now,
        actor="system",
        action="retention.text_purged",
        object_type=object_type,
        object_id=object_id,
        origin="timer",
    )
