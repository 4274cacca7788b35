"""Signed Slack requests over real HTTP to the running bot, and helpers to wait for effects."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp

from bot.adapters.slack import SlackAdapter
from bot.bootstrap import App
from tests.adapters.slack.fake_slack import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    """X-Slack-Signature for a body, as Slack computes it."""
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Answer:
    """The bot's HTTP answer."""

    status: int
    text: str
    content_type: str = ""

    def json(self) -> Any:
        """The body as JSON."""
        return json.loads(self.text) if self.text else None


@dataclass
class SlackHarness:
    """The running bot, its Slack adapter and the stand-in, plus a signed-request client."""

    app: App
    adapter: SlackAdapter
    fake: FakeSlack
    url: str
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    async def post(
        self,
        body: str,
        content_type: str = "application/x-www-form-urlencoded",
        *,
        timestamp: int | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """POST /slack/events signed with `secret` at `timestamp` (default now)."""
        moment = int(time.time()) if timestamp is None else timestamp
        all_headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(moment),
            "X-Slack-Signature": sign(body, moment, secret),
            **(headers or {}),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(f"{self.url}/slack/events", data=body, headers=all_headers) as resp,
        ):
            return Answer(resp.status, await resp.text(), resp.headers.get("Content-Type", ""))

    def next_id(self) -> int:
        """A unique number for trigger ids and timestamps."""
        return next(self._ids)

    async def command(
        self, command: str, text: str = "", user: str = "U1", channel: str = "C1", **extra: str
    ) -> Answer:
        """A slash command, as Slack posts it."""
        n = self.next_id()
        form = {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": channel,
            "channel_name": "directmessage" if channel.startswith("D") else "algemeen",
            "user_id": user,
            "user_name": user.lower(),
            "command": command,
            "text": text,
            "response_url": self.fake.response_url(),
            "trigger_id": f"trigger.{n}",
            **extra,
        }
        answer = await self.post(urlencode(form))
        shown = answer.json() if answer.status == 200 and answer.text.startswith("{") else None
        if isinstance(shown, dict) and ("text" in shown or "blocks" in shown):
            self.fake.shown_in_ack(form["response_url"], shown)
        return answer

    async def interaction(self, payload: dict[str, Any], **kwargs: Any) -> Answer:
        """An interactivity payload (buttons, modals) as a `payload=` form."""
        return await self.post(urlencode({"payload": json.dumps(payload)}), **kwargs)

    async def click(
        self,
        action_id: str,
        value: str = "",
        *,
        user: str = "U1",
        channel: str = "C1",
        message_ts: str = "1700000000.000001",
        action_ts: str | None = None,
        home: bool = False,
    ) -> Answer:
        """Press a button (give the Slack action id as rendered, e.g. 'handover.accept~0')."""
        n = self.next_id()
        payload: dict[str, Any] = {
            "type": "block_actions",
            "user": {"id": user},
            "team": {"id": "T1"},
            "trigger_id": f"trigger.{n}",
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "value": value,
                    "action_ts": action_ts or f"1700000{n:03d}.000100",
                }
            ],
        }
        if home:
            payload["container"] = {"type": "view", "view_id": "VHOME"}
            payload["view"] = {"id": "VHOME", "type": "home"}
        else:
            payload["container"] = {
                "type": "message",
                "message_ts": message_ts,
                "channel_id": channel,
            }
            payload["channel"] = {"id": channel}
            payload["response_url"] = self.fake.response_url()
        return await self.interaction(payload)

    async def submit(
        self,
        view: dict[str, Any],
        values: dict[str, Any],
        user: str = "U1",
        view_hash: str | None = None,
    ) -> Answer:
        """Submit an opened modal (as recorded by the stand-in) with answers per field.

        A value is a str (text input, or the chosen option's value), a list (checkboxes) or
        an int (a date picker's Unix time).
        """
        state: dict[str, dict[str, Any]] = {}
        for block in view["blocks"]:
            if block.get("type") != "input":
                continue
            element = block["element"]
            answer = values.get(block["block_id"])
            kind = element["type"]
            entry: dict[str, Any] = {"type": kind}
            if kind == "plain_text_input":
                entry["value"] = answer
            elif kind == "datetimepicker":
                entry["selected_date_time"] = answer
            elif kind in ("checkboxes", "multi_static_select"):
                entry["selected_options"] = [{"value": v} for v in answer or []]
            else:
                entry["selected_option"] = {"value": answer} if answer is not None else None
            state[block["block_id"]] = {element["action_id"]: entry}
        n = self.next_id()
        payload = {
            "type": "view_submission",
            "user": {"id": user},
            "team": {"id": "T1"},
            "trigger_id": f"trigger.{n}",
            "view": {
                **view,
                "id": view.get("id") or f"VMODAL{n}",
                "hash": view_hash or f"hash{n}",
                "state": {"values": state},
            },
        }
        return await self.interaction(payload)

    async def event(
        self, event: dict[str, Any], event_id: str | None = None, retry: int | None = None
    ) -> Answer:
        """An Events API callback (optionally as Slack's retry number `retry`)."""
        body = {
            "token": "legacy",
            "team_id": "T1",
            "api_app_id": "A1",
            "type": "event_callback",
            "event_id": event_id or f"Ev{self.next_id():06d}",
            "event_time": int(time.time()),
            "event": event,
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return await self.post(
            json.dumps(body), "application/json", headers=headers if retry else None
        )

    async def settle(self) -> None:
        """Let work after acknowledgements finish, then deliver the outbox."""
        for _ in range(3):
            await asyncio.sleep(0.02)
            await self.adapter.drain()
        await self.app.delivery.flush()
        await self.adapter.drain()
