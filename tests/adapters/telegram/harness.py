"""Talking to the bot as Telegram would: updates posted over HTTP to its webhook."""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, replace
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters.telegram import TelegramAdapter
from bot.bootstrap import App
from bot.http import make_web_app
from tests.adapters.telegram.standin import BOT_ID, BOT_USERNAME, BotApiStandIn, Call, bot_user

SECRET = "s3cret-for_tests"
_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@\w+)?")


@dataclass(frozen=True)
class User:
    """A Telegram user (private chat id = user id)."""

    id: int
    first_name: str
    username: str | None = None
    language_code: str | None = "nl"

    def as_json(self) -> dict[str, Any]:
        """The user as the Bot API sends it."""
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


GROUP: dict[str, Any] = {"id": -100200300, "type": "supergroup", "title": "Netwerk Schulden Noord"}


def entities(text: str) -> list[dict[str, Any]]:
    """The entities Telegram would mark: a leading command and @mentions."""
    found: list[dict[str, Any]] = []
    command = _COMMAND.match(text)
    if command:
        found.append({"type": "bot_command", "offset": 0, "length": command.end()})
    for mention in re.finditer(r"@\w+", text):
        if command and mention.start() < command.end():
            continue
        found.append(
            {
                "type": "mention",
                "offset": _utf16(text[: mention.start()]),
                "length": _utf16(mention.group()),
            }
        )
    return found


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class TelegramHarness:
    """The bot's HTTP server with the Telegram adapter, and a client that posts updates."""

    def __init__(self, app: App, api: BotApiStandIn, adapter: TelegramAdapter) -> None:
        self.app = app
        self.api = api
        self.adapter = adapter
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""
        self._update_id = 5000
        self._message_id = 1

    async def start(self) -> None:
        """Serve the bot's web app on a random local port and start the adapter."""
        self.app.add_adapter(self.adapter)
        self._runner = web.AppRunner(make_web_app(self.app))
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/telegram/webhook"
        self._session = aiohttp.ClientSession()
        await self.adapter.start()

    async def stop(self) -> None:
        """Stop the adapter and the server."""
        await self.adapter.stop()
        await self.adapter.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def allow_handovers(self, allowed: bool) -> None:
        """Flip the Telegram handover policy for this bot."""
        telegram = replace(self.app.settings.telegram, allow_handovers=allowed)
        self.app.settings = replace(self.app.settings, telegram=telegram)
        self.app.deps.settings = self.app.settings

    # -- posting -------------------------------------------------------------------------

    async def post(
        self, payload: Any = None, *, secret: str | None = SECRET, raw: bytes | None = None
    ) -> int:
        """POST to the webhook; returns the HTTP status."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = raw if raw is not None else json.dumps(payload).encode()
        async with self._session.post(self.url, data=body, headers=headers) as response:
            answer = await response.read()
            status = response.status
        # Telegram carries out a Bot API call the webhook's response holds (a quick answer).
        self.api.carry_out(status, answer)
        return status

    def next_update_id(self) -> int:
        """A fresh update id."""
        self._update_id += 1
        return self._update_id

    def message(
        self,
        user: User,
        text: str,
        *,
        chat: dict[str, Any] | None = None,
        reply_to: Call | None = None,
        update_id: int | None = None,
    ) -> dict[str, Any]:
        """A message update from a user (private chat unless a group is given)."""
        self._message_id += 1
        message: dict[str, Any] = {
            "message_id": self._message_id,
            "date": int(time.time()),
            "chat": chat or {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.as_json(),
            "text": text,
        }
        marked = entities(text)
        if marked:
            message["entities"] = marked
        if reply_to is not None:
            message["reply_to_message"] = reply_to.result
        return {"update_id": update_id or self.next_update_id(), "message": message}

    async def say(self, user: User, text: str, **kwargs: Any) -> int:
        """Post a message update; returns the HTTP status."""
        return await self.post(self.message(user, text, **kwargs))

    def press_update(self, user: User, sent: Call, label: str) -> dict[str, Any]:
        """A callback query: the user taps the button with this label on a sent message."""
        markup = sent.params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if button["text"] == label:
                    return {
                        "update_id": self.next_update_id(),
                        "callback_query": {
                            "id": f"cq{self._update_id}",
                            "from": user.as_json(),
                            "chat_instance": "ci1",
                            "message": sent.result,
                            "data": button["callback_data"],
                        },
                    }
        labels = [b["text"] for row in markup.get("inline_keyboard", []) for b in row]
        raise AssertionError(f"no button {label!r} on the message; buttons: {labels}")

    async def press(self, user: User, sent: Call, label: str) -> int:
        """Tap a button; returns the HTTP status."""
        return await self.post(self.press_update(user, sent, label))


def labels(call: Call) -> list[str]:
    """The button labels on a sent message."""
    markup = call.params.get("reply_markup") or {}
    return [b["text"] for row in markup.get("inline_keyboard", []) for b in row]


__all__ = ["BOT_ID", "BOT_USERNAME", "GROUP", "SECRET", "TelegramHarness", "User", "bot_user"]
