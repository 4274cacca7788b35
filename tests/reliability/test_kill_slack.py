"""SIGKILL the bot in a burst of Slack slash commands, start it again: every command Slack got
a 200 for is answered exactly once as the asker sees it, none lost.

Slack is slow to tell who asked (`users.info` takes 2.5 s), so no answer is ready within the
acknowledgement window: every command is written to the inbox before its 200, which carries
a placeholder ("Even zoeken…"). The kill comes once most of the burst is acknowledged and
before most answers go out. After the restart the bot answers from the inbox; every answer
replaces its placeholder (`replace_original`), so an answer posted just before the kill and
posted again after the restart is still one message (the Slack stand-in models what the
asker sees per response_url). A command whose 200 never arrived (cut off by the kill) was
not acknowledged: Slack showed the user an error, and it may or may not be answered.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
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


async def command(
    http: aiohttp.ClientSession, bot: BotProcess, fake: FakeSlack, n: int, url: str
) -> int | None:
    """One signed /help from member n; the HTTP status, None when the connection broke.
    A message in the acknowledgement is shown as Slack shows it (`FakeSlack.shown_in_ack`)."""
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
            if response.status == 200 and text.startswith("{"):
                fake.shown_in_ack(url, json.loads(text))
            return response.status
    except (aiohttp.ClientError, OSError, TimeoutError):
        return None


def seen(fake: FakeSlack, url: str) -> list[str]:
    """The texts the asker sees from one command's response_url."""
    return [str(m.get("text", "")) for m in fake.visible(url)]


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
                statuses[n] = await command(http, bot, fake, n, urls[n])

            burst = [asyncio.create_task(one(n)) for n in range(BURST)]

            async def most_acknowledged() -> bool:
                return sum(1 for s in statuses.values() if s == 200) >= BURST * 3 // 4

            try:
                await until(most_acknowledged, "three quarters of the burst acknowledged", 30)
            except AssertionError as error:
                got = Counter(statuses.values())
                raise AssertionError(f"{error}: statuses {got}\n{bot.tail()}") from None
            await bot.kill()
            await asyncio.gather(*burst)
        answered_before = len(fake.posted())
        acknowledged = {n for n, s in statuses.items() if s == 200}
        assert len(acknowledged) >= BURST * 3 // 4
        assert answered_before < len(acknowledged), "the kill came too late to prove anything"
        # Every acknowledgement carried the placeholder.
        firsts = [fake.through[urls[n]][0] for n in acknowledged]
        assert all(m.get("in_ack") and m["text"] == "Even zoeken…" for m in firsts)
        fake.delays.clear()
        await bot.start()

        def posts() -> Counter[str]:
            return Counter(str(c.params["response_url"]) for c in fake.posted())

        async def all_answered() -> bool:
            return all(posts()[urls[n]] >= 1 for n in acknowledged)

        await until(all_answered, "an answer to every acknowledged command", 60)
        await asyncio.sleep(1.0)  # a late second answer would show up now
    finally:
        await bot.stop()
    # Exactly once as the asker sees it: one message per acknowledged command, the answer
    # in the placeholder's place, for the asker only.
    for n in acknowledged:
        [message] = fake.visible(urls[n])
        assert "Wat ik kan" in message["text"], seen(fake, urls[n])
        assert message["response_type"] == "ephemeral"
    assert all("Wat ik kan" in c.blocks_text() for c in fake.posted())
    # On the wire an answer posted just before the kill may be posted again (it then replaces
    # itself); only those can repeat.
    counts = posts()
    twice = sum(k - 1 for k in counts.values() if k > 1)
    assert twice <= answered_before, f"posted more than once: {counts}"
    print(
        f"burst {BURST}: acknowledged {len(acknowledged)}, answered before the kill "
        f"{answered_before}, lost 0, shown twice 0, posted twice on the wire {twice}"
    )
