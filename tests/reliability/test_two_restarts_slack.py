"""A bot dies with acknowledged Slack commands in the inbox; two fresh replicas start at the
same moment on the same PostgreSQL database. Each stored command is adopted by one of them
(a conditional UPDATE) and answered once: one post per row, one message for the asker.

PostgreSQL only: on SQLite the bot runs as one process (a second one would share no
liveness, and SQLite takes one writer), so there is no second replica to race.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select

from bot.bootstrap import App
from core import inbox
from tests.adapters.slack.fake_slack import FakeSlack
from tests.reliability.botproc import BotProcess, SlowBotApi
from tests.reliability.conftest import postgresql_only
from tests.reliability.test_kill import clock, until
from tests.reliability.test_kill_slack import command, seen

pytestmark = [postgresql_only, pytest.mark.slow]
__all__ = ["clock"]  # real time for the processes under test

BURST = 40


@pytest.fixture
async def api() -> AsyncIterator[SlowBotApi]:
    """The Bot API stand-in (the bots serve Telegram too)."""
    stand_in = SlowBotApi()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The Slack stand-in, with the workspace members who ask."""
    stand_in = FakeSlack()
    await stand_in.start()
    for n in range(BURST):
        stand_in.add_user(f"U{n:03d}")
    yield stand_in
    await stand_in.close()


async def stored(app: App) -> dict[str, str]:
    """response_url → owning instance of every inbox row."""
    async with app.deps.uow() as uow:
        rows = await uow.session.scalars(select(inbox.InboxItem))
        return {str(r.payload["response_url"]): r.instance for r in rows}


async def test_two_replicas_restarting_at_once_answer_each_stored_command_once(
    app: App, api: SlowBotApi, fake: FakeSlack, tmp_path: Path
) -> None:
    fake.delays["users.info"] = 2.5  # no answer fits the acknowledgement: all go to the inbox
    fake.delays["respond"] = 3.0  # and the answers are still on the wire at the kill
    url = app.settings.database.url
    dying = BotProcess(url, api, tmp_path, name="dying", slack_api=fake.api_url)
    replicas = [
        BotProcess(url, api, tmp_path, name=name, slack_api=fake.api_url) for name in ("b", "c")
    ]
    urls = [fake.response_url() for _ in range(BURST)]
    statuses: dict[int, int | None] = {}
    try:
        await dying.start()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:

            async def one(n: int) -> None:
                statuses[n] = await command(http, dying, fake, n, urls[n])

            burst = [asyncio.create_task(one(n)) for n in range(BURST)]
            await asyncio.gather(*burst)
        await dying.kill()
        await asyncio.sleep(fake.delays["respond"] + 0.5)  # what was on the wire lands

        async def landed() -> bool:
            return fake.responding == 0

        # On a busy machine a post can still be on its way after that: wait until it is in.
        await until(landed, "the killed bot's posts landed", 10)
        acknowledged = {n for n, s in statuses.items() if s == 200}
        assert len(acknowledged) == BURST
        left = await stored(app)
        posted_before = Counter(str(c.params["response_url"]) for c in fake.posted())
        assert len(left) >= BURST // 2, "the answers went out before the kill: nothing to race"
        fake.delays.clear()
        # Both replicas start at the same moment and look at the inbox as they start.
        await asyncio.gather(*(bot.start() for bot in replicas))

        async def all_answered() -> bool:
            return not await stored(app) and all(fake.visible(urls[n]) for n in acknowledged)

        await until(all_answered, "every stored command answered by a replica", 30)
        await asyncio.sleep(1.0)  # a second answer from the other replica would show up now
    finally:
        await asyncio.gather(dying.kill(), *(bot.stop() for bot in replicas))
    posted_after = Counter(str(c.params["response_url"]) for c in fake.posted()) - posted_before
    # One adopter per row: each row left in the inbox was posted once more, no other URL was.
    assert posted_after == Counter(list(left)), posted_after
    # As the asker sees it: one message, the answer in its placeholder's place.
    for n in acknowledged:
        [message] = fake.visible(urls[n])
        assert "Wat ik kan" in message["text"], seen(fake, urls[n])
    answered = {
        bot.name: sum(
            int(r.get("count", 0))
            for r in bot.log_lines()
            if r.get("event") == "slack inbox: answered what a stopped process left"
        )
        for bot in replicas
    }
    assert sum(answered.values()) == len(left), answered
    crashes = [
        r for bot in replicas for r in bot.log_lines() if r.get("level") in ("error", "critical")
    ]
    assert not crashes, crashes
    print(
        f"burst {BURST}: left in the inbox {len(left)}, answered by replica {answered}, "
        f"posted twice 0, shown twice 0"
    )
