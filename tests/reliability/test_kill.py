"""SIGKILL the bot process (`krokodil run`, Telegram on the local stand-in) while reminders go
out and while handovers are being answered, then start it again.

Nothing may be lost and nothing done twice. The one exception is physics: a message that was
on the wire when the process died reached Telegram, but the bot never heard back, so it is
sent again after the restart (delivery is at-least-once). The tests allow exactly that: at
most one repeated message per kill.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from core.audit import AuditEntry
from core.clock import FrozenClock
from core.outbox import OutboxMessage
from handovers.models import Handover, HandoverCase
from tests.reliability.botproc import BotProcess, SlowBotApi, button_update
from tests.reliability.scenario import (
    FIRST_CHAT,
    handovers_with_reminder_due,
    meeting_reminders_due,
    per_chat,
    telegram_people,
    waiting,
)
from tests.support import make_person

pytestmark = pytest.mark.slow

ATTENDEES, PAIRS = 30, 20
SENDER_CHAT, RECEIVER_CHAT = FIRST_CHAT + 100, FIRST_CHAT + 200


@pytest.fixture
def clock() -> FrozenClock:
    """Real time: the processes under test run on the system clock."""
    return FrozenClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
async def api() -> SlowBotApi:
    """The Bot API stand-in, 30 ms per message, so a kill lands in the middle of a batch."""
    stand_in = SlowBotApi(delay=0.03)
    await stand_in.start()
    yield stand_in  # type: ignore[misc]
    await stand_in.stop()


async def until(check: Callable[[], Awaitable[bool]], what: str, within: float = 45.0) -> None:
    """Wait until `check()` is true; fail naming `what` otherwise."""
    try:
        async with asyncio.timeout(within):
            while not await check():  # noqa: ASYNC110 (the state lives in another process)
                await asyncio.sleep(0.1)
    except TimeoutError:
        raise AssertionError(f"gave up waiting for {what}") from None


def repeats(counts: dict[int, int]) -> int:
    """Messages sent more than once."""
    return sum(n - 1 for n in counts.values() if n > 1)


async def test_a_kill_while_reminders_go_out_loses_none_and_repeats_at_most_one(
    app: App, api: SlowBotApi, tmp_path: Path
) -> None:
    organiser = await make_person(app, "Olga Organisator", email="olga@example.org")
    attendees = await telegram_people(app, "Deelnemer", ATTENDEES, FIRST_CHAT)
    senders = await telegram_people(app, "Afzender", PAIRS, SENDER_CHAT)
    receivers = await telegram_people(app, "Ontvanger", PAIRS, RECEIVER_CHAT)
    await meeting_reminders_due(app, organiser, attendees)
    await handovers_with_reminder_due(app, list(zip(senders, receivers, strict=True)))
    expected = {FIRST_CHAT + n for n in range(ATTENDEES)} | {
        RECEIVER_CHAT + n for n in range(PAIRS)
    }
    bot = BotProcess(app.settings.database.url, api, tmp_path)
    try:
        await bot.start()

        async def some_sent() -> bool:
            return len(api.messages()) >= 8

        await until(some_sent, "the first reminders")
        await bot.kill()
        sent_before_kill = len(api.messages())
        assert sent_before_kill < len(expected), "the kill came too late to prove anything"
        await bot.start()

        async def all_sent() -> bool:
            return await waiting(app) == (0, 0) and expected <= set(per_chat(api.messages()))

        try:
            await until(all_sent, "every reminder after the restart")
        except AssertionError:
            print(await waiting(app), sent_before_kill, per_chat(api.messages()), bot.tail())
            raise
        await asyncio.sleep(1.0)  # a late duplicate would show up now
    finally:
        await bot.stop()
    counts = per_chat(api.messages())
    assert set(counts) == expected, "a reminder went to someone it was not for"
    assert repeats(counts) <= 1, f"{repeats(counts)} reminders were sent twice: {counts}"
    assert all("Herinnering" in text for chat, text in api.messages() if chat < SENDER_CHAT)


async def test_a_kill_while_handovers_are_answered_loses_and_doubles_nothing(
    app: App, api: SlowBotApi, tmp_path: Path
) -> None:
    senders = await telegram_people(app, "Afzender", PAIRS, SENDER_CHAT)
    receivers = await telegram_people(app, "Ontvanger", PAIRS, RECEIVER_CHAT)
    ids = await handovers_with_reminder_due(
        app, list(zip(senders, receivers, strict=True)), due=False
    )
    update_ids = itertools.count(70_000)
    presses = [
        button_update(next(update_ids), RECEIVER_CHAT + n, f"handover.accept|{hid}")
        for n, hid in enumerate(ids)
    ]
    bot = BotProcess(app.settings.database.url, api, tmp_path)
    try:
        await bot.start()
        posts = [asyncio.create_task(bot.post(update)) for update in presses]

        async def some_answered() -> bool:
            return sum(p.done() for p in posts) >= 3

        await until(some_answered, "the first answers")
        await bot.kill()
        statuses = await asyncio.gather(*posts)
        assert statuses.count(200) < len(ids), "the kill came too late to prove anything"
        await bot.start()
        # Telegram delivers an update again until the webhook answered 200.
        for update, status in zip(presses, statuses, strict=True):
            if status != 200:
                assert await bot.post(update) == 200

        # A press the dead process had claimed but not finished is redone by its redelivery
        # (core.events): nobody has to press again.
        async def delivered() -> bool:
            return (await waiting(app))[0] == 0

        await until(delivered, "the messages to the senders")
    finally:
        await bot.stop()
    async with app.deps.uow() as uow:
        session = uow.session
        handovers = list(await session.scalars(select(Handover).where(Handover.id.in_(ids))))
        cases = {c.id: c for c in await session.scalars(select(HandoverCase))}
        accepted = await _audit_counts(session, "handover.accepted", "handover")
        moved = await _audit_counts(session, "case.regie_moved", "handover_case")
        notices = await session.scalar(
            select(func.count()).where(OutboxMessage.kind == "handover.accepted")
        )
    assert len(handovers) == PAIRS and len(cases) == PAIRS
    assert {h.state for h in handovers} == {"accepted"}
    for handover in handovers:
        assert cases[handover.case_id].regie_holder_id == handover.receiver_id
        assert accepted[str(handover.id)] == 1
        assert moved[str(handover.case_id)] == 1
    assert notices == PAIRS
    to_senders = per_chat([m for m in api.messages() if m[0] in range(SENDER_CHAT, RECEIVER_CHAT)])
    assert set(to_senders) == {SENDER_CHAT + n for n in range(PAIRS)}
    assert repeats(to_senders) <= 1


async def _audit_counts(session: object, action: str, object_type: str) -> dict[str, int]:
    rows = await session.execute(  # type: ignore[attr-defined]
        select(AuditEntry.object_id, func.count())
        .where(AuditEntry.action == action, AuditEntry.object_type == object_type)
        .group_by(AuditEntry.object_id)
    )
    return {str(object_id): int(n) for object_id, n in rows}
