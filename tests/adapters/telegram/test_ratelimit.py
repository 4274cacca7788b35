"""Telegram's flood limits: RetryAfter storms, giving up to the outbox, pacing per private chat."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from bot.adapters.base import DeliveryError, Target
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.ratelimit import MAX_RETRIES
from bot.bootstrap import App
from core.clock import FrozenClock
from core.messages import Recipient, Reply
from core.outbox import OutboxMessage, enqueue
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User
from tests.adapters.telegram.standin import BotApiStandIn

STRANGER = User(9999, "Onbekend")
GROUP_ID = int(GROUP["id"])


def _throttled(api: BotApiStandIn) -> int:
    return sum(1 for c in api.calls if c.method == "sendMessage" and c.status == 429)


# Answers in a group are sent with sendMessage (a private chat's one-message answer rides
# on the webhook response, where the bot never hears of a refusal: see the last test).
async def test_a_retry_after_storm_still_delivers_the_message_once(
    telegram: TelegramHarness,
) -> None:
    telegram.api.throttle("sendMessage", 1, 0.01, 0.01)
    assert await telegram.say(STRANGER, "/help", chat=GROUP) == 200
    assert _throttled(telegram.api) == 3
    [help_text] = telegram.api.texts_to(GROUP_ID)
    assert help_text.startswith("<b>Wat ik kan</b>")


async def test_when_telegram_keeps_refusing_the_reply_waits_in_the_outbox(
    app: App, telegram: TelegramHarness
) -> None:
    telegram.api.throttle("sendMessage", *([0.01] * (MAX_RETRIES + 2)))
    assert await telegram.say(STRANGER, "/help", chat=GROUP) == 200
    assert telegram.api.texts_to(GROUP_ID) == []
    async with app.deps.uow() as uow:
        [row] = list(await uow.session.scalars(select(OutboxMessage)))
    assert (row.platform, row.chat, row.kind) == ("telegram", str(GROUP_ID), "telegram.reply")
    await app.delivery.flush()
    [help_text] = telegram.api.texts_to(GROUP_ID)
    assert help_text.startswith("<b>Wat ik kan</b>")


async def test_an_answer_in_the_webhook_response_is_not_confirmed(
    app: App, telegram: TelegramHarness
) -> None:
    # The trade-off of answering in the response (docs/reliability.md): no round trip, but
    # when Telegram refuses that call nobody hears of it, so nothing waits in the outbox.
    telegram.api.throttle("sendMessage", 0.01)
    assert await telegram.say(STRANGER, "/help") == 200
    [refused] = [c for c in telegram.api.calls if c.method == "sendMessage"]
    assert refused.in_webhook and refused.status == 429
    async with app.deps.uow() as uow:
        assert list(await uow.session.scalars(select(OutboxMessage))) == []
    # The next question is answered the same way, and arrives.
    assert await telegram.say(STRANGER, "/help") == 200
    [answer] = telegram.api.sent_to(STRANGER.id)
    assert answer.in_webhook and answer.params["text"].startswith("<b>Wat ik kan</b>")


async def test_outbox_messages_are_retried_after_a_flood_wait(
    app: App, clock: FrozenClock, telegram: TelegramHarness
) -> None:
    async with app.deps.uow() as uow:
        await enqueue(
            uow.session,
            Recipient(platform="telegram", chat="-100200300"),
            Reply(text="Herinnering"),
            now=app.deps.clock.now(),
        )
        await uow.commit()
    telegram.api.throttle("sendMessage", *([0.01] * (MAX_RETRIES + 1)))
    assert await app.delivery.run_once() == 0
    async with app.deps.uow() as uow:
        [row] = list(await uow.session.scalars(select(OutboxMessage)))
    assert row.attempts == 1 and row.sent_at is None
    assert row.last_error == "Telegram asked to slow down"
    clock.set(row.next_attempt_at)
    assert await app.delivery.run_once() == 1
    assert telegram.api.texts_to(-100200300) == ["Herinnering"]


async def test_people_not_yet_known_by_number_are_not_sent_to(telegram: TelegramHarness) -> None:
    with pytest.raises(DeliveryError):
        await telegram.adapter.send(Target(platform="telegram", user="@fatima_ea"), Reply(text="x"))


@pytest.mark.slow
async def test_one_message_a_second_in_a_private_chat(app: App, bot_api: BotApiStandIn) -> None:
    harness = TelegramHarness(app, bot_api, TelegramAdapter(app))  # the production limits
    await harness.start()
    try:
        async with app.deps.uow() as uow:
            for text in ("een", "twee", "drie"):
                await enqueue(
                    uow.session,
                    Recipient(platform="telegram", chat=str(STRANGER.id)),
                    Reply(text=text),
                    now=app.deps.clock.now(),
                )
            await uow.commit()
        await app.delivery.flush()
    finally:
        await harness.stop()
    sent = bot_api.sent_to(STRANGER.id)
    assert [c.params["text"] for c in sent] == ["een", "twee", "drie"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(sent)]
    assert all(gap >= 0.9 for gap in gaps), gaps
