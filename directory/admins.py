"""Admins come from settings (bot.admins, by e-mail): granted at start-up and on import."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import record
from directory.models import Person


async def grant_admins(session: AsyncSession, emails: Collection[str], now: datetime) -> int:
    """Mark the people with these e-mail addresses as admins; returns how many changed.

    Only grants: an admin made some other way is not demoted because the list is shorter.
    """
    wanted = sorted({e.strip().lower() for e in emails if e.strip()})
    if not wanted:
        return 0
    people = await session.scalars(
        select(Person).where(func.lower(Person.email).in_(wanted), Person.is_admin.is_(False))
    )
    changed = 0
    for person in people:
        person.is_admin = True
        changed += 1
        record(
            session,
            at=now,
            actor="system",
            action="person.admin_granted",
            object_type="person",
            object_id=person.id,
            origin="settings",
        )
    return changed
