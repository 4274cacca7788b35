"""Shared set-up for the process-level tests: Telegram users in the directory, meeting
reminders and handover reminders that are due now, and counts of what is still waiting."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, update

from bot.bootstrap import App
from core.clock import FrozenClock
from core.outbox import OutboxMessage
from directory.models import Account, Person
from handovers.models import Handover
from scheduler.models import Reminder
from tests.integration.handovers.helpers import send
from tests.integration.scheduler.helpers import plan, say_yes
from tests.support import make_person

FIRST_CHAT = 610_000


async def telegram_people(app: App, prefix: str, count: int, first_chat: int) -> list[Person]:
    """`count` registered professionals, each linked to Telegram chat first_chat + n."""
    people = []
    for n in range(count):
        person = await make_person(
            app,
            f"{prefix} {n:02d}",
            email=f"{prefix.lower()}{n}@example.org",
            organisation=f"Organisatie {prefix} {n % 3}",
        )
        people.append(person)
    async with app.deps.uow() as uow:
        for n, person in enumerate(people):
            uow.session.add(
                Account(
                    person_id=person.id,
                    platform="telegram",
                    external_id=str(first_chat + n),
                    linked_at=app.deps.clock.now(),
                )
            )
        await uow.commit()
    return people


async def meeting_reminders_due(app: App, organiser: Person, attendees: list[Person]) -> int:
    """A meeting tomorrow that everyone said ja to yesterday: their reminders are due now."""
    clock = app.deps.clock
    assert isinstance(clock, FrozenClock)
    now = clock.now()
    start = (now + timedelta(hours=20)).replace(second=0, microsecond=0)
    # Said ja five hours ago, before the reminder moment (a later ja needs no reminder).
    clock.set(now - timedelta(hours=5))
    try:
        meeting = await plan(app, organiser.id, start, title="Netwerk Schulden")
        await say_yes(app, meeting.id, start.astimezone(UTC), [p.id for p in attendees])
    finally:
        clock.set(now)
    return meeting.id


async def handovers_with_reminder_due(
    app: App, pairs: list[tuple[Person, Person]], *, due: bool = True
) -> list[int]:
    """One open handover per (sender, receiver); with `due` its reminder is due now."""
    ids = []
    for n, (sender, receiver) in enumerate(pairs):
        started = await send(app, sender, receiver, label=f"K-{n:04d}")
        ids.append(started.handover.id)
    if due:
        async with app.deps.uow() as uow:
            await uow.session.execute(
                update(Handover)
                .where(Handover.id.in_(ids))
                .values(reminder_due_at=app.deps.clock.now() - timedelta(minutes=1))
            )
            await uow.commit()
    return ids


async def waiting(app: App, now: datetime | None = None) -> tuple[int, int]:
    """(outbox messages not yet sent, meeting reminders due and still pending)."""
    moment = now or datetime.now(UTC)
    async with app.deps.uow() as uow:
        outbox = await uow.session.scalar(
            select(func.count()).where(
                OutboxMessage.sent_at.is_(None), OutboxMessage.failed_at.is_(None)
            )
        )
        reminders = await uow.session.scalar(
            select(func.count()).where(Reminder.status == "pending", Reminder.due_at <= moment)
        )
    return int(outbox or 0), int(reminders or 0)


def per_chat(messages: list[tuple[int, str]], *, containing: str = "") -> Counter[int]:
    """How many messages each chat got (optionally only those containing a text)."""
    return Counter(chat for chat, text in messages if containing in text)
