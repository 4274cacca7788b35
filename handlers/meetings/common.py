"""Shared steps of the meeting handlers: finding what a button points at, checking who may
act, and telling other people through the outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import Forbidden, UserError
from core.i18n import Translator
from core.messages import Recipient, Reply
from core.outbox import enqueue
from directory.models import Person
from handlers.base import Command, Deps, parse_id
from handlers.meetings.texts import parse_ref
from scheduler.models import Meeting


def reference(cmd: Command) -> tuple[int, datetime | None, list[str]]:
    """The meeting, occurrence and extra parts a button points at."""
    try:
        return parse_ref(cmd.action_value)
    except ValueError as error:
        raise UserError("Deze knop werkt niet meer.") from error


def form_reference(context: dict[str, str]) -> tuple[int, datetime | None, list[str]]:
    """The meeting a form is about (from its context); a form without one is stale."""
    try:
        return parse_ref(context.get("ref", ""))
    except ValueError as error:
        raise UserError("Dit formulier is al afgerond of verlopen.") from error


def meeting_number(text: str) -> int:
    """A meeting number typed by a person: '12' or '#12'."""
    number = parse_id(text)
    if number is None:
        raise UserError("Noem het nummer van de bijeenkomst, bijvoorbeeld: /agenda 12")
    return number


def require_organiser(meeting: Meeting, cmd: Command) -> None:
    """Only the organiser (or a bot admin) may change a meeting or see who answered what."""
    if cmd.actor is None or (
        meeting.organiser_id != cmd.actor.person_id and not cmd.actor.is_admin
    ):
        raise Forbidden("Alleen de organisator van deze bijeenkomst kan dit.")


def remind_before(deps: Deps) -> timedelta:
    """How long before the start personal reminders go out."""
    return timedelta(hours=deps.settings.meetings.reminder_hours_before)


def wake_for(deps: Deps, due: datetime, now: datetime) -> None:
    """Ask the timer for a pass at a reminder moment that comes before the next regular tick."""
    if now < due <= now + timedelta(seconds=deps.settings.bot.tick_seconds * 2):
        deps.wake_at(due)


async def languages(session: AsyncSession, person_ids: Iterable[int]) -> dict[int, str | None]:
    """Each person's language."""
    ids = list(set(person_ids))
    if not ids:
        return {}
    rows = await session.execute(select(Person.id, Person.language).where(Person.id.in_(ids)))
    return {pid: lang for pid, lang in rows}


async def tell(
    session: AsyncSession,
    deps: Deps,
    person_ids: Iterable[int],
    message: Callable[[Translator], Reply],
    now: datetime,
    *,
    kind: str = "meeting",
    dedupe: str | None = None,
) -> int:
    """Queue a message for each person, in their own language; how many were queued."""
    queued = 0
    for pid, language in sorted((await languages(session, person_ids)).items()):
        key = f"{dedupe}:{pid}" if dedupe else None
        row = await enqueue(
            session,
            Recipient(person_id=pid),
            message(deps.translator(language)),
            now=now,
            kind=kind,
            dedupe_key=key,
        )
        queued += row is not None
    return queued
