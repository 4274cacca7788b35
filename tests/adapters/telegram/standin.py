"""A local Bot API stand-in: the real python-telegram-bot client talks to it over HTTP.

It listens on 127.0.0.1 (a random port), serves ``/bot<token>/<method>``, records
every call with its decoded parameters, and answers in Bot API JSON. Tests can
make it answer 429 with ``parameters.retry_after`` (a flood-wait storm) or 403
for a chat the bot may not write to.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.adapters.telegram import bot_api_rules as rules

TOKEN = "123456:TEST-token_for-the-stand-in"
BOT_ID = 777000
BOT_USERNAME = "GroeneKrokodilBot"
# Parameters python-telegram-bot sends as plain strings (everything else is JSON-encoded).
_STRINGS = frozenset(
    {
        "text",
        "parse_mode",
        "callback_query_id",
        "url",
        "secret_token",
        "language_code",
        "caption",
        "filename",
        "inline_message_id",
        "description",
    }
)


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]
    status: int = 200
    result: Any = None
    at: float = field(default_factory=time.monotonic)
    # Carried out from the webhook's HTTP response (the bot never learns the result).
    in_webhook: bool = False


class BotApiStandIn:
    """Records Bot API calls and answers them like Telegram would."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: deque[dict[str, Any]] = deque()
        self._throttle: dict[str, deque[float]] = {}
        self.forbidden_chats: set[int] = set()
        # Groups that became supergroups: old id → new id (Telegram answers 400 with the new id).
        self.migrated_chats: dict[int, int] = {}
        # What the stand-in refused as Telegram would (400); tests expect this to stay empty.
        self.refusals: list[str] = []
        # method → a gate its calls wait at until the test opens it; `held` names the calls
        # waiting there now
        self.holds: dict[str, asyncio.Event] = {}
        self.held: list[str] = []
        self._message_id = 1000
        self._runner: web.AppRunner | None = None
        self._called = asyncio.Event()
        self.base_url = ""

    # -- control -------------------------------------------------------------------------

    async def start(self) -> str:
        """Listen on a random local port; returns the base URL for the bot (…/bot)."""
        web_app = web.Application()
        web_app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(web_app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}/bot"
        return self.base_url

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    def throttle(self, method: str, *retry_after: float) -> None:
        """Answer the next calls of a method with 429 and these retry_after values.

        Telegram sends whole seconds; fractions keep long storms quick in tests.
        """
        self._throttle.setdefault(method, deque()).extend(retry_after)

    async def wait_until(self, done: Callable[[], bool]) -> None:
        """Wait (at most ten seconds) until the bot's calls make ``done()`` true."""
        async with asyncio.timeout(10):
            while not done():
                self._called.clear()
                await self._called.wait()

    # -- what happened -------------------------------------------------------------------

    def ok(self, method: str) -> list[Call]:
        """Successful calls of one method, in order."""
        return [c for c in self.calls if c.method == method and c.status == 200]

    def sent_to(self, chat_id: int) -> list[Call]:
        """Messages successfully sent to one chat."""
        return [
            c
            for c in self.calls
            if c.method in ("sendMessage", "sendDocument")
            and c.status == 200
            and int(c.params["chat_id"]) == chat_id
        ]

    def texts_to(self, chat_id: int) -> list[str]:
        """Texts of the messages sent to one chat."""
        return [str(c.params.get("text", "")) for c in self.sent_to(chat_id)]

    def last_to(self, chat_id: int) -> Call:
        """The last message sent to a chat."""
        sent = self.sent_to(chat_id)
        assert sent, f"nothing was sent to {chat_id}; calls: {[c.method for c in self.calls]}"
        return sent[-1]

    # -- serving -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params = await _params(request)
        if method == "getUpdates":
            call = Call(method=method, params=params)
            self.calls.append(call)
            self._called.set()
            call.result = await self._get_updates(params)
            return web.json_response({"ok": True, "result": call.result})
        if method in self.holds:
            self.held.append(method)
            self._called.set()
            await self.holds[method].wait()
            self.held.remove(method)
        return self._call(method, params)

    def carry_out(self, status: int, body: bytes) -> None:
        """Do what a webhook response asks, as Telegram does: its ``method`` with the rest.

        Telegram tells nobody how that call went; here it is recorded like any other.
        """
        if status != 200:
            return
        try:
            payload = json.loads(body)
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            params = {k: v for k, v in payload.items() if k != "method"}
            self._call(payload["method"], params, in_webhook=True)

    def _call(
        self, method: str, params: dict[str, Any], *, in_webhook: bool = False
    ) -> web.Response:
        call = Call(method=method, params=params, in_webhook=in_webhook)
        self.calls.append(call)
        self._called.set()
        waits = self._throttle.get(method)
        if waits:
            wait = waits.popleft()
            call.status = 429
            return _error(429, f"Too Many Requests: retry after {wait}", {"retry_after": wait})
        refused = rules.problem(method, params)
        if refused is not None:
            call.status = 400
            self.refusals.append(refused)
            return _error(400, f"Bad Request: {refused}")
        chat = params.get("chat_id")
        if chat is not None and int(chat) in self.migrated_chats:
            call.status = 400
            new = self.migrated_chats[int(chat)]
            return _error(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": new},
            )
        if method.startswith("send") and chat is not None and int(chat) in self.forbidden_chats:
            call.status = 403
            return _error(403, "Forbidden: bot can't initiate conversation with a user")
        call.result = self._result(method, params)
        return web.json_response({"ok": True, "result": call.result})

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        while self.updates and self.updates[0]["update_id"] < offset:
            self.updates.popleft()
        if not self.updates:
            await asyncio.sleep(0.05)
        return [u for u in self.updates if u["update_id"] >= offset]

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return {**bot_user(), "can_join_groups": True, "can_read_all_group_messages": False}
        if method in ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"):
            return self._message(method, params)
        return True

    def _message(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = int(params["chat_id"])
        if method.startswith("send"):
            self._message_id += 1
            message_id = self._message_id
        else:
            message_id = int(params["message_id"])
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group"},
            "from": bot_user(),
        }
        if "text" in params:
            message["text"] = params["text"]
        if method == "sendDocument":
            message["document"] = {
                "file_id": f"doc{message_id}",
                "file_unique_id": f"u{message_id}",
                "file_name": params.get("filename") or "file",
            }
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        return message


def bot_user() -> dict[str, Any]:
    """The bot as a Telegram user."""
    return {"id": BOT_ID, "is_bot": True, "first_name": "Groene Krokodil", "username": BOT_USERNAME}


def _error(code: int, description: str, parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": code, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=code)


async def _params(request: web.Request) -> dict[str, Any]:
    if request.content_type == "application/json":
        data = await request.json()
        return dict(data) if isinstance(data, dict) else {}
    form = await request.post()
    params: dict[str, Any] = {}
    for key, value in form.items():
        if isinstance(value, web.FileField):
            params[key] = {"filename": value.filename, "size": len(value.file.read())}
        elif key in _STRINGS:
            params[key] = value
        else:
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
    return params
