"""SIGKILL the bot in a burst of Slack direct messages and mentions, start it again: every
message Slack got a 200 for is answered, none lost.

Half the members wrote before, so the bot knows who they are and answers them within the
acknowledgement window (the answer is posted before the 200). For the other half Slack is
slow to say who asked (`users.info` takes 3 s), so their answers are late: each event is
written to the inbox before its 200. The kill comes once three quarters of the burst are
acknowledged, before the late answers go out. After the restart the bot answers from the
inbox, and the test plays Slack: an event whose 200 never arrived is delivered again
(with `X-Slack-Retry-Num`), as Slack does.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.bootstrap import App
from tests.adapters.slack.fake_slack import Call, FakeSlack
from tests.adapters.slack.harness import sign
from tests.reliability.botproc import BotProcess, SlowBotApi
from tests.reliability.test_kill import clock, until

pytestmark = pytest.mark.slow
__all__ = ["clock"]  # real time for the processes under test

BURST = 40
# Members 0 … KNOWN-1 wrote before the burst; the bot has their profiles at hand.
KNOWN = BURST // 2


def event(n: int, event_id: str) -> dict[str, Any]:
    """Member n's message: a DM for even n, a mention in one of five channels for odd n."""
    if n % 2 == 0:
        body = {"type": "message", "channel_type": "im", "channel": f"D{n:03d}"}
    else:
        body = {"type": "app_mention", "channel": f"C{n % 5}", "ts": f"1700000000.{n:06d}"}
    return {
        "type": "event_callback",
        "team_id": "T1",
        "api_app_id": "A1",
        "event_id": event_id,
        "event_time": int(time.time()),
        "event": {**body, "user": f"U{n:03d}", "text": "/help"},
    }


def answered_where(call: Call) -> str:
    """Which message an answer belongs to: a mention's thread, else the DM it went to."""
    return str(call.params.get("thread_ts") or call.params["channel"])


def where(n: int) -> str:
    """Where member n's answer should show up."""
    return f"1700000000.{n:06d}" if n % 2 else f"D{n:03d}"


async def deliver(
    http: aiohttp.ClientSession, bot: BotProcess, body: dict[str, Any], retry: int = 0
) -> int | None:
    """One signed Events API request; the HTTP status, None when the connection broke."""
    raw = json.dumps(body)
    moment = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": sign(raw, moment),
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    try:
        async with http.post(f"{bot.url}/slack/events", data=raw, headers=headers) as response:
            await response.read()
            return response.status
    except (aiohttp.ClientError, OSError, TimeoutError):
        return None


def answers(fake: FakeSlack) -> list[Call]:
    """Every answer posted (DMs and thread replies, public or ephemeral)."""
    return [c for c in fake.calls if c.method in ("chat.postMessage", "chat.postEphemeral")]


async def test_a_kill_in_a_burst_of_messages_loses_no_acknowledged_one(
    app: App, api: SlowBotApi, fake: FakeSlack, tmp_path: Path
) -> None:
    bot = BotProcess(app.settings.database.url, api, tmp_path, slack_api=fake.api_url)
    statuses: dict[int, int | None] = {}
    try:
        await bot.start()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            # The known half writes first, so the bot has their profiles at hand.
            for n in range(KNOWN):
                assert await deliver(http, bot, event(n, f"EvWARM{n:03d}")) == 200
            warm = len(answers(fake))
            assert warm == KNOWN
            fake.delays["users.info"] = 3.0

            async def one(n: int) -> None:
                statuses[n] = await deliver(http, bot, event(n, f"EvBURST{n:03d}"))

            burst = [asyncio.create_task(one(n)) for n in range(BURST)]

            async def most_acknowledged() -> bool:
                return sum(1 for s in statuses.values() if s == 200) >= BURST * 3 // 4

            await until(most_acknowledged, "three quarters of the burst acknowledged", 30)
            await bot.kill()
            await asyncio.gather(*burst)
        answered_before = len(answers(fake)) - warm
        acknowledged = {n for n, s in statuses.items() if s == 200}
        assert len(acknowledged) >= BURST * 3 // 4
        assert answered_before < len(acknowledged), "the kill came too late to prove anything"
        slow_acknowledged = len(acknowledged - set(range(KNOWN)))
        assert slow_acknowledged > 0, "no late answer was acknowledged before the kill"
        fake.delays.clear()
        await bot.start()
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            # Slack sends again what got no 200.
            for n in sorted(set(range(BURST)) - acknowledged):
                assert await deliver(http, bot, event(n, f"EvBURST{n:03d}"), retry=1) == 200

        def counts() -> Counter[str]:
            return Counter(answered_where(c) for c in answers(fake)[warm:])

        async def all_answered() -> bool:
            return all(counts()[where(n)] >= 1 for n in range(BURST))

        try:
            await until(all_answered, "an answer to every message of the burst", 60)
        except AssertionError:
            missing = [n for n in range(BURST) if not counts()[where(n)]]
            lost = sorted(acknowledged & set(missing))
            raise AssertionError(f"unanswered {missing}, of them acknowledged {lost}") from None
        await asyncio.sleep(1.0)  # a late second answer would show up now
    finally:
        await bot.stop()
    found = counts()
    twice = sum(k - 1 for k in found.values() if k > 1)
    # An answer posted before the kill whose inbox row was not yet removed is posted again
    # (docs/reliability.md, Known limits). Only those can repeat.
    assert twice <= answered_before, f"answered more than once: {found}"
    assert all("Wat ik kan" in c.blocks_text() for c in answers(fake))
    print(
        f"burst {BURST} ({KNOWN} quick): acknowledged {len(acknowledged)} "
        f"({slow_acknowledged} of the slow half), answered before the kill {answered_before}, "
        f"lost 0, answered twice {twice}"
    )
