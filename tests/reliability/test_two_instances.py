"""Two bot processes on one PostgreSQL database, as two replicas behind a load balancer:
a platform event delivered to both, due timers and reminders seen by both, each have exactly
one effect; when the scheduler leader stops (gracefully or killed), the other takes over."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from core.audit import AuditEntry
from core.clock import FrozenClock
from core.outbox import OutboxMessage
from handovers.models import Handover
from tests.reliability.botproc import BotProcess, SlowBotApi, button_update
from tests.reliability.conftest import postgresql_only
from tests.reliability.scenario import (
    FIRST_CHAT,
    handovers_with_reminder_due,
    meeting_reminders_due,
    per_chat,
    telegram_people,
    waiting,
)
from tests.reliability.test_kill import until
from tests.support import make_person

pytestmark = [postgresql_only, pytest.mark.slow]

SENDER_CHAT, RECEIVER_CHAT = FIRST_CHAT + 100, FIRST_CHAT + 200


@pytest.fixture
def clock() -> FrozenClock:
    """Real time: the processes under test run on the system clock."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def api() -> AsyncIterator[SlowBotApi]:
    """The Bot API stand-in both processes talk to."""
    stand_in = SlowBotApi()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def pair(app: App, api: SlowBotApi, tmp_path: Path) -> AsyncIterator[list[BotProcess]]:
    """Two running bots on the test database."""
    bots = [BotProcess(app.settings.database.url, api, tmp_path, name=name) for name in ("a", "b")]
    try:
        await asyncio.gather(*(bot.start() for bot in bots))
        yield bots
    finally:
        await asyncio.gather(*(bot.stop() for bot in bots))


async def leader(bots: list[BotProcess]) -> BotProcess | None:
    """The running bot that holds the scheduler lock (by its /readyz)."""
    leading = []
    for bot in bots:
        if await bot.ready() and (await bot.readiness()).get("scheduler_leader"):
            leading.append(bot)
    assert len(leading) <= 1, "two scheduler leaders at once"
    return leading[0] if leading else None


async def test_one_event_delivered_to_both_bots_has_one_effect(
    app: App, api: SlowBotApi, pair: list[BotProcess]
) -> None:
    senders = await telegram_people(app, "Afzender", 10, SENDER_CHAT)
    receivers = await telegram_people(app, "Ontvanger", 10, RECEIVER_CHAT)
    ids = await handovers_with_reminder_due(
        app, list(zip(senders, receivers, strict=True)), due=False
    )
    presses = [
        button_update(80_000 + n, RECEIVER_CHAT + n, f"handover.accept|{hid}")
        for n, hid in enumerate(ids)
    ]
    # Every update reaches both replicas at the same moment (a retry racing the original).
    statuses = await asyncio.gather(*(bot.post(u) for u in presses for bot in pair))
    assert set(statuses) == {200}

    async def delivered() -> bool:
        return (await waiting(app))[0] == 0

    await until(delivered, "the messages to the senders")
    async with app.deps.uow() as uow:
        states = set(await uow.session.scalars(select(Handover.state).where(Handover.id.in_(ids))))
        accepted = await uow.session.scalar(
            select(func.count()).where(AuditEntry.action == "handover.accepted")
        )
        notices = await uow.session.scalar(
            select(func.count()).where(OutboxMessage.kind == "handover.accepted")
        )
    assert states == {"accepted"} and accepted == len(ids) and notices == len(ids)
    to_receivers = per_chat([m for m in api.messages() if m[0] >= RECEIVER_CHAT])
    assert to_receivers == {RECEIVER_CHAT + n: 1 for n in range(len(ids))}
    to_senders = per_chat([m for m in api.messages() if SENDER_CHAT <= m[0] < RECEIVER_CHAT])
    assert to_senders == {SENDER_CHAT + n: 1 for n in range(len(ids))}


async def test_due_reminders_go_out_once_and_the_other_bot_takes_over_the_timers(
    app: App, api: SlowBotApi, pair: list[BotProcess], clock: FrozenClock
) -> None:
    organiser = await make_person(app, "Olga Organisator", email="olga@example.org")
    attendees = await telegram_people(app, "Deelnemer", 20, FIRST_CHAT)
    senders = await telegram_people(app, "Afzender", 12, SENDER_CHAT)
    receivers = await telegram_people(app, "Ontvanger", 12, RECEIVER_CHAT)
    pairs = list(zip(senders, receivers, strict=True))
    await meeting_reminders_due(app, organiser, attendees)
    await handovers_with_reminder_due(app, pairs[:4])
    first = {FIRST_CHAT + n for n in range(20)} | {RECEIVER_CHAT + n for n in range(4)}

    async def sent(chats: set[int]) -> bool:
        return chats <= set(per_chat(api.messages())) and await waiting(app) == (0, 0)

    await until(lambda: sent(first), "the reminders due at the start")
    # Second round: the leader is killed; the other bot must notice and take over.
    killed = await leader(pair)
    assert killed is not None
    await killed.kill()
    clock.set(datetime.now(UTC).replace(microsecond=0))
    await handovers_with_reminder_due(app, pairs[4:8])
    second = first | {RECEIVER_CHAT + n for n in range(4, 8)}
    await until(lambda: sent(second), "the reminders after the leader was killed")
    survivor = await leader(pair)
    assert survivor is not None and survivor is not killed
    # Third round: the killed one comes back, the leader stops gracefully, the lock moves back.
    await killed.start()
    await survivor.stop()
    clock.set(datetime.now(UTC).replace(microsecond=0))
    await handovers_with_reminder_due(app, pairs[8:])
    third = second | {RECEIVER_CHAT + n for n in range(8, 12)}
    await until(lambda: sent(third), "the reminders after the leader stopped")
    assert await leader(pair) is killed
    await asyncio.sleep(1.0)  # a late duplicate would show up now
    counts = per_chat(api.messages())
    assert counts == dict.fromkeys(third, 1), counts
    logs = itertools.chain(killed.log_lines(), survivor.log_lines())
    crashes = [r for r in logs if r.get("level") in ("error", "critical")]
    assert not crashes, crashes
