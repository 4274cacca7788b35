"""A person's calendar feed: a secret URL that Outlook subscribes to."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import utc
from directory.models import Person
from scheduler.models import FeedToken, Meeting
from scheduler.recurrence import occurrence_at
from scheduler.repository import MeetingRepository, series_of

if TYPE_CHECKING:
    # icalendar loads when a feed is written, not with every command that hands out its link.
    from scheduler.ics import Organiser


async def has_token(session: AsyncSession, person_id: int) -> bool:
    """Whether the person has a feed URL already."""
    return await session.get(FeedToken, person_id) is not None


async def token_for(session: AsyncSession, person_id: int, now: datetime) -> str:
    """The person's feed token, made on first use."""
    row = await session.get(FeedToken, person_id)
    if row is None:
        # A URL secret, not a simulation input: it comes from the OS, never the injected rng.
        row = FeedToken(person_id=person_id, token=secrets.token_urlsafe(24), created_at=now)
        session.add(row)
        await session.flush()
    return row.token


async def renew_token(session: AsyncSession, person_id: int, now: datetime) -> str:
    """A new token; the old URL stops working."""
    row = await session.get(FeedToken, person_id)
    if row is not None:
        await session.delete(row)
        await session.flush()
    return await token_for(session, person_id, now)


async def person_for_token(session: AsyncSession, token: str) -> int | None:
    """Whose feed a token opens (None for an unknown token)."""
    if not token or len(token) > 64:
        return None
    return await session.scalar(select(FeedToken.person_id).where(FeedToken.token == token))


async def organisers(session: AsyncSession, meetings: list[Meeting]) -> dict[int, Organiser]:
    """Organiser names and e-mails for ORGANIZER lines."""
    from scheduler.ics import Organiser

    ids = {m.organiser_id for m in meetings if m.organiser_id is not None}
    if not ids:
        return {}
    rows = await session.execute(
        select(Person.id, Person.name, Person.email).where(Person.id.in_(ids))
    )
    return {pid: Organiser(name, email) for pid, name, email in rows}


async def person_feed(session: AsyncSession, person_id: int, now: datetime, name: str) -> bytes:
    """The feed: whole series someone organises, single occurrences they said ja or misschien to."""
    from scheduler.ics import feed_ics, occurrence_event, series_events

    repo = MeetingRepository(session)
    since = utc(now) - timedelta(days=31)
    meetings, guest_of = await repo.of_person(person_id, since)
    changes = await repo.changes_for(m.id for m in meetings)
    who = await organisers(session, meetings)
    answered = await repo.answered_keys(person_id, guest_of)
    events = []
    for meeting in meetings:
        organiser = who.get(meeting.organiser_id or 0)
        if meeting.id not in guest_of:
            events.extend(series_events(meeting, changes.get(meeting.id, {}), now, organiser))
            continue
        for meeting_id, key in sorted(answered):
            if meeting_id != meeting.id or key < since:
                continue
            occurrence = occurrence_at(series_of(meeting), key, changes.get(meeting.id, {}))
            if occurrence is not None:
                events.append(occurrence_event(meeting, occurrence, now, organiser))
    earliest = min((utc(m.starts_at).date() for m in meetings), default=None)
    return feed_ics(name, events, earliest)
