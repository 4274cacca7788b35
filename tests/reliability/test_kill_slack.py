"""SIGKILL the bot in a burst of Slack slash commands, start it again: every command Slack got
a 200 for is answered, none lost.

Slack is slow to tell who asked (`users.info` takes 2.5 s), so no answer is ready within the
acknowledgement window: every command is written to the inbox before its 200. The kill comes
once most of the burst is acknowledged and before the answers go out. After the restart the
bot answers from the inbox. A command whose 200 never arrived (cut off by the kill) was not
acknowledged: Slack showed the user an error, and it may or may not be answered.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest

from bot.bootstrap import App
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import sign
from tests.reliability.botproc import BotProcess, SlowBotApi
from tests.reliability.test_kill import clock, until

pytestmark = pytest.mark.slow
__all__ = ["clock"]  # real time for the processes under test

BURST = 100


@pytest.fixture
async def api() -> AsyncIterator[SlowBotApi]:
    """The Bot API stand-in (the bot serves Telegram too)."""
    stand_in = SlowBotApi()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    """The Slack stand-in, with 100 workspace members."""
    stand_in = FakeSlack()
    await stand_in.start()
    for n in range(BURST):
        stand_in.add_user(f"U{n:03d}")
    yield stand_in
    await stand_in.close()


async def command(http: aiohttp.ClientSession, bot: BotProcess, n: int, url: str) -> int | None:
    """One signed /help from member n; the HTTP status, None when the connection broke."""
    body = urlencode(
        {
            "command": "/help",
            "text": "",
            "user_id": f"U{n:03d}",
            "channel_id": "C1",
            "trigger_id": f"trigger.{n}",
            "response_url": url,
        }
    )
    moment = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": sign(body, moment),
    }
    try:
        async with http.post(f"{bot.url}/slack/events", data=body, headers=headers) as response:
            text = await response.text()
            # An answer in the acknowledgement is an answer too (none expected here).
            return -response.status if text.startswith("{") else response.status
    except (aiohttp.ClientError, OSError, TimeoutError):
        return None


async def test_a_kill_in_a_burst_of_commands_loses_no_acknowledged_one(
    app: App, api: SlowBotApi, fake: FakeSlack, tmp_path: Path
) -> None:
    fake.delays["users.info"] = 2.5
    bot = BotProcess(app.settings.database.url, api, tmp_path, slack_api=fake.api_url)
    urls = [fake.response_url() for _ in range(BURST)]
    statuses: dict[int, int | None] = {}
    try:
        await bot.start()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:

            async def one(n: int) -> None:
                statuses[n] = await command(http, bot, n, urls[n])

            burst = [asyncio.create_task(one(n)) for n in range(BURST)]

            async def most_acknowledged() -> bool:
                return sum(1 for s in statuses.values() if s == 200) >= BURST * 3 // 4

            await until(most_acknowledged, "three quarters of the burst acknowledged", 30)
            await bot.kill()
            await asyncio.gather(*burst)
        answered_before = len(fake.to("respond"))
        acknowledged = {n for n, s in statuses.items() if s == 200}
        assert len(acknowledged) >= BURST * 3 // 4
        assert answered_before < len(acknowledged), "the kill came too late to prove anything"
        fake.delays.clear()
        await bot.start()

        def answers() -> Counter[str]:
            return Counter(str(c.params["response_url"]) for c in fake.to("respond"))

        async def all_answered() -> bool:
            return all(answers()[urls[n]] >= 1 for n in acknowledged)

        await until(all_answered, "an answer to every acknowledged command", 60)
        await asyncio.sleep(1.0)  # a late second answer would show up now
    finally:
        await bot.stop()
    counts = answers()
    twice = sum(k - 1 for k in counts.values() if k > 1)
    # Not yet exactly once: an answer posted before the kill whose inbox row was not yet
    # removed is posted again (docs/reliability.md, Known limits). Only those can repeat.
    assert twice <= answered_before, f"answered more than once: {counts}"
    assert all("Wat ik kan" in c.blocks_text() for c in fake.to("respond"))
    print(
        f"burst {BURST}: acknowledged {len(acknowledged)}, answered before the kill "
        f"{answered_before}, lost 0, answered twice {twice}"
    )
