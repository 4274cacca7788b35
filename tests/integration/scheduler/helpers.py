"""Helpers for scheduler tests: plan a meeting directly, press a button as someone."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.bootstrap import App
from core.messages import Action, Invocation, Reply
from core.outbox import OutboxMessage
from handlers.meetings.texts import ref
from scheduler.models import Meeting, Reminder
from scheduler.repository import MeetingDraft, MeetingRepository

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    """A moment given in Amsterdam wall-clock time."""
    return datetime(*args, tzinfo=AMS)


async def plan(app: App, organiser_id: int, start: datetime, **kwargs: object) -> Meeting:
    """Store a meeting without the form."""
    values: dict[str, object] = {
        "kind": "netwerkbijeenkomst",
        "title": "Netwerk Schulden",
        "starts_at": start,
        "duration_minutes": 90,
        "organiser_id": organiser_id,
        "place": "Wijkcentrum De Schakel",
    }
    values.update(kwargs)
    async with app.deps.uow() as uow:
        meeting = await uow.repo(MeetingRepository).add(
            MeetingDraft(**values), app.deps.clock.now()
        )  # type: ignore[arg-type]
        await uow.commit()
    return meeting


async def press(app: App, handle: str, action_id: str, value: str) -> Reply:
    """Press a button as a console user."""
    return await app.dispatcher.handle(
        Invocation(
            platform="console",
            account=handle,
            chat=f"console:{handle}",
            action=Action(action_id, value),
        )
    )


async def rsvp(app: App, handle: str, meeting_id: int, key: datetime, answer: str) -> Reply:
    """Answer ja / nee / misschien for one occurrence."""
    return await press(app, handle, "meetings.rsvp", ref(meeting_id, key, answer))


async def outbox_rows(app: App, kind: str | None = None) -> list[OutboxMessage]:
    """Everything queued so far (optionally of one kind)."""
    async with app.deps.uow() as uow:
        query = select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(await uow.session.scalars(query))


async def reminder_rows(app: App) -> list[Reminder]:
    """The reminder ledger."""
    async with app.deps.uow() as uow:
        return list(await uow.session.scalars(select(Reminder).order_by(Reminder.id)))


async def count(app: App, model: type) -> int:
    """Rows in a table."""
    async with app.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


def at(moment: datetime, seconds: float = 0) -> datetime:
    """A moment plus some seconds."""
    return moment + timedelta(seconds=seconds)


async def say_yes(app: App, meeting_id: int, key: datetime, person_ids: list[int]) -> None:
    """Many people say ja at once, straight through the domain (fast set-up for big tests)."""
    from scheduler import rsvp as answers

    async with app.deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        occurrence = await repo.require_occurrence(meeting, key)
        for pid in person_ids:
            await answers.answer(
                uow.session,
                meeting,
                occurrence,
                pid,
                "ja",
                app.deps.clock.now(),
                timedelta(hours=24),
            )
        await uow.commit()
