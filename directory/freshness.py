"""Keeping entries true: who should be asked to confirm, and who drops out of /wie.

After `freshness_days` without confirmation a person gets a first reminder; after
`reminder_interval_days` more, a second; after another interval without answer the
entry drops out of /wie results (confirm_reminders_sent = DROPPED) until the person
confirms or edits it. /bel still finds them by name: they did not leave, their
entry is only possibly out of date, and the card says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import record
from directory.models import Person
from directory.search import DROPPED

Step = Literal["first", "second", "drop"]


@dataclass(frozen=True)
class Due:
    """One person and what is due for them."""

    person: Person
    step: Step


async def due(
    session: AsyncSession,
    now: datetime,
    *,
    freshness_days: int,
    interval_days: int,
    limit: int = 100,
) -> list[Due]:
    """People whose entry needs a reminder or must drop out, oldest first."""
    stale = now - timedelta(days=freshness_days)
    waited = now - timedelta(days=interval_days)
    rows = await session.scalars(
        select(Person)
        .where(
            Person.active.is_(True),
            or_(
                and_(Person.confirm_reminders_sent == 0, Person.last_confirmed_at <= stale),
                and_(
                    Person.confirm_reminders_sent.in_((1, 2)),
                    Person.last_confirm_reminder_at <= waited,
                ),
            ),
        )
        .order_by(Person.id)
        .limit(limit)
    )
    steps: dict[int, Step] = {0: "first", 1: "second", 2: "drop"}
    return [Due(p, steps[p.confirm_reminders_sent]) for p in rows]


def mark(session: AsyncSession, items: Sequence[Due], now: datetime) -> None:
    """Record that the reminders went out (or that entries dropped out), with audit entries."""
    for item in items:
        person = item.person
        if item.step == "drop":
            person.confirm_reminders_sent = DROPPED
            action = "person.dropped_unconfirmed"
        else:
            person.confirm_reminders_sent += 1
            person.last_confirm_reminder_at = now
            action = "person.confirm_reminder_sent"
        record(
            session,
            at=now,
            actor="system",
            action=action,
            object_type="person",
            object_id=person.id,
            origin="freshness",
        )


def is_dropped(person: Person) -> bool:
    """True when the entry no longer shows up in /wie until confirmed."""
    return person.confirm_reminders_sent >= DROPPED
