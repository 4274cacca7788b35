"""Rate-limit storms: Slack answers 429 and Telegram RetryAfter to a long run of calls while
many messages are queued and people keep asking. When the storm passes every message has
arrived, each exactly once. (The adapters' own tests cover a single throttled message.)"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from core.clock import FrozenClock
from core.config import Settings
from core.messages import Recipient, Reply
from core.outbox import OutboxMessage, enqueue
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram.harness import User
from tests.adapters.telegram.standin import BotApiStandIn
from tests.reliability.conftest import Platforms, serve_platforms, stop_platforms, with_platforms
from tests.reliability.scenario import telegram_people
from tests.support import make_person

MESSAGES = 25


@pytest.fixture
def settings(settings: Settings, fake_slack: FakeSlack, bot_api: BotApiStandIn) -> Settings:
    """Both platforms on their stand-ins."""
    return with_platforms(settings, fake_slack, bot_api)


@pytest.fixture
async def platforms(
    app: App, fake_slack: FakeSlack, bot_api: BotApiStandIn
) -> AsyncIterator[Platforms]:
    """The bot serving Slack and Telegram.

    The Slack client retries no 429 itself here (it would sleep Retry-After plus up to a
    second of jitter each time): the storm is ridden out by the outbox's own backoff.
    """
    running = await serve_platforms(app, fake_slack, bot_api, slack_retries=0)
    yield running
    await stop_platforms(running)


async def pending(app: App) -> list[OutboxMessage]:
    """Messages not delivered yet (none may be parked as failed)."""
    async with app.deps.uow() as uow:
        failed = await uow.session.scalar(
            select(func.count()).where(OutboxMessage.failed_at.is_not(None))
        )
        assert failed == 0, "a message was given up on"
        return list(
            await uow.session.scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)))
        )


async def ride_out(app: App, clock: FrozenClock, passes: int = 40) -> int:
    """Run delivery passes, moving the clock to each next retry, until nothing waits."""
    for number in range(passes):
        await app.delivery.run_once(limit=500)
        waiting = await pending(app)
        if not waiting:
            return number + 1
        clock.set(max(clock.now(), min(m.next_attempt_at for m in waiting)))
    raise AssertionError(f"{len(await pending(app))} messages still waiting after {passes} passes")


async def test_a_slack_429_storm_delays_messages_but_loses_and_doubles_none(
    app: App, platforms: Platforms, fake_slack: FakeSlack, clock: FrozenClock
) -> None:
    asker = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    fake_slack.add_user("U1", email=asker.email)
    async with app.deps.uow() as uow:
        for n in range(MESSAGES):
            reply = Reply(text=f"Herinnering {n}: netwerkbijeenkomst morgen")
            await enqueue(
                uow.session, Recipient(platform="slack", chat=f"C{n:03d}"), reply, now=clock.now()
            )
        await uow.commit()
    # Every call for a long while gets 429 (each message is tried, retried, then backs off).
    fake_slack.throttle("chat.postMessage", times=MESSAGES * 3, retry_after=0)
    # Someone asks during the storm, with an answer too slow for the acknowledgement; its
    # response_url is throttled too.
    fake_slack.respond_status = 429
    platforms.slack.adapter.listeners.window.seconds = 0.0
    assert (await platforms.slack.command("/help")).status == 200
    await platforms.slack.settle()
    fake_slack.respond_status = 200
    passes = await ride_out(app, clock)
    assert passes > 1, "the storm never made anything wait"
    posts = Counter(str(c.params["channel"]) for c in fake_slack.to("chat.postMessage"))
    # The answer the response_url refused went to the asker's DM with the bot (D1) instead.
    assert posts == {**{f"C{n:03d}": 1 for n in range(MESSAGES)}, "D1": 1}, posts
    [answer] = [c for c in fake_slack.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert "/wie" in answer.blocks_text() + str(answer.params.get("text"))


async def test_a_telegram_retry_after_storm_delays_messages_but_loses_and_doubles_none(
    app: App, platforms: Platforms, bot_api: BotApiStandIn, clock: FrozenClock
) -> None:
    people = await telegram_people(app, "Lid", MESSAGES, 620_000)
    async with app.deps.uow() as uow:
        for n, person in enumerate(people):
            reply = Reply(text=f"Herinnering {n}: intervisie morgen")
            await enqueue(uow.session, Recipient(person_id=person.id), reply, now=clock.now())
        await uow.commit()
    # Far more flood waits than one request's retries: replies and outbox sends both hit them.
    bot_api.throttle("sendMessage", *([0.001] * (MESSAGES * 4)))
    # The storm is under way: the bot has heard "retry after" when people ask.
    assert await app.delivery.run_once() < MESSAGES
    askers = [User(630_000 + n, f"Vrager {n}") for n in range(5)]
    for user in askers:
        assert await platforms.telegram.say(user, "/help") == 200
    passes = await ride_out(app, clock)
    assert passes > 1, "the storm never made anything wait"
    # So their answers went the confirmed way (sendMessage, the outbox), not in the webhook
    # responses, where a refusal would go unnoticed.
    assert not [c for c in bot_api.calls if c.in_webhook]
    got = Counter(c.params["chat_id"] for c in bot_api.ok("sendMessage"))
    expected = {620_000 + n: 1 for n in range(MESSAGES)} | {u.id: 1 for u in askers}
    assert {int(k): v for k, v in got.items()} == expected
    clock.advance(timedelta(hours=1))
    assert await app.delivery.run_once() == 0
