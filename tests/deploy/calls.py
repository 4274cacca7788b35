"""What the container tests send: a signed Slack slash command; and polling until true."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

import aiohttp

from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET, sign


async def slash(
    http: aiohttp.ClientSession,
    base: str,
    fake: FakeSlack,
    command: str = "/wie",
    text: str = "schulden",
    secret: str = SECRET,
    user: str = "U1",
) -> int:
    """POST a slash command to BASE/slack/events, signed with `secret` as Slack does; the status.

    An answer in the acknowledgement is recorded as Slack shows it, like one at the
    response_url (`FakeSlack.shown_in_ack`)."""
    form = {
        "team_id": "T1",
        "channel_id": "D1",
        "channel_name": "directmessage",
        "user_id": user,
        "command": command,
        "text": text,
        "response_url": fake.response_url(),
        "trigger_id": f"trigger.{time.monotonic_ns()}",
    }
    body = urlencode(form)
    moment = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": sign(body, moment, secret),
    }
    async with http.post(f"{base}/slack/events", data=body, headers=headers) as response:
        answer = await response.text()
        if response.status == 200 and answer.startswith("{"):
            shown = json.loads(answer)
            if "text" in shown or "blocks" in shown:
                fake.shown_in_ack(form["response_url"], shown)
        return response.status


async def until(condition: Callable[[], bool], within: float, what: str = "condition") -> None:
    """Poll `condition` every half second until it holds; fail after `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.5)
    raise AssertionError(f"{what} did not hold within {within:g} s")
