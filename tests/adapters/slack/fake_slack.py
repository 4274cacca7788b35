"""A local Slack Web API stand-in: records every call, serves canned answers, can rate-limit.

The real slack_sdk AsyncWebClient (inside the real Bolt app) is pointed at it
with ``slack.api_url``. It also plays the upload host of the external file
upload flow and the ``response_url`` endpoint of slash commands and buttons.

A ``response_url`` is modelled as Slack documents it (api.slack.com/interactivity/handling,
"Message responses"; /interactivity/slash-commands, "A note about replace_original"): it
takes up to 5 posts within 30 minutes (then 404), and a post with ``replace_original`` true
replaces the message that URL produced last (an answer in the acknowledgement counts),
keeping its visibility; any other post adds a message. `visible` is what the user sees.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web

BOT_USER = "UBOT"
# What Slack allows one response_url (api.slack.com/interactivity/handling).
RESPONSE_URL_USES = 5
RESPONSE_URL_SECONDS = 30 * 60


@dataclass
class Call:
    """One request the bot made."""

    method: str
    params: dict[str, Any]

    def blocks_text(self) -> str:
        """Every text in the call's blocks (or view blocks), joined, for assertions."""
        found: list[str] = []
        blocks = self.params.get("blocks") or (self.params.get("view") or {}).get("blocks") or []
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        _collect(blocks, found)
        return "\n".join(found)

    def button(self, label: str) -> tuple[str, str]:
        """(Slack action id, value) of the button with this label."""
        blocks = self.params.get("blocks") or (self.params.get("view") or {}).get("blocks") or []
        for block in blocks:
            for element in block.get("elements", ()) if block.get("type") == "actions" else ():
                if element["text"]["text"] == label:
                    return element["action_id"], element.get("value", "")
        raise AssertionError(f"no button {label!r} in:\n{self.blocks_text()}")


def _collect(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "text" and isinstance(value, str):
                found.append(value)
            else:
                _collect(value, found)
    elif isinstance(node, list):
        for item in node:
            _collect(item, found)


@dataclass
class SlackUser:
    """A workspace member as users.info describes them."""

    id: str
    email: str | None = None
    locale: str = "nl-NL"
    name: str = ""


@dataclass
class FakeSlack:
    """The stand-in server; start() returns its base URL."""

    calls: list[Call] = field(default_factory=list)
    users: dict[str, SlackUser] = field(default_factory=dict)
    # method → [remaining 429 answers, Retry-After seconds]
    throttled: dict[str, list[int]] = field(default_factory=dict)
    # method → Slack error code to answer with (ok: false) for the next calls
    failing: dict[str, str] = field(default_factory=dict)
    # method (or "respond", the response_url) → seconds to wait before answering (a slow Slack)
    delays: dict[str, float] = field(default_factory=dict)
    # posts to a response_url received and not yet answered (still on the wire)
    responding: int = 0
    # method → a gate its calls wait at until the test opens it (a Slack that answers late)
    holds: dict[str, asyncio.Event] = field(default_factory=dict)
    # method → HTTP status answered with an HTML page (a proxy or Slack itself in trouble)
    broken: dict[str, int] = field(default_factory=dict)
    # HTTP status the response_url endpoint answers with (Slack says 404 once it expired).
    respond_status: int = 200
    # Awaited with each post's params as a response_url receives it (before answering).
    on_respond: Callable[[dict[str, Any]], Awaitable[None]] | None = None
    # response_url → the messages it took, in order (an acknowledgement's first).
    through: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # response_url → (monotonic moment it was made, posts accepted so far).
    _urls: dict[str, list[float]] = field(default_factory=dict)
    url: str = ""
    _runner: web.AppRunner | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    # Socket Mode: envelopes to push to the connected bot, and what it acknowledged.
    envelopes: asyncio.Queue[dict[str, Any]] = field(default_factory=asyncio.Queue)
    socket_acks: list[dict[str, Any]] = field(default_factory=list)

    async def start(self) -> str:
        """Serve on 127.0.0.1 at a random port."""
        web_app = web.Application()
        web_app.router.add_post("/api/{method}", self._api)
        web_app.router.add_get("/api/{method}", self._api)
        web_app.router.add_post("/upload/{file_id}", self._upload)
        web_app.router.add_post("/respond/{token}", self._respond)
        web_app.router.add_get("/socket", self._socket)
        self._runner = web.AppRunner(web_app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}"
        return self.url

    async def close(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        """What `slack.api_url` should be."""
        return f"{self.url}/api/"

    def response_url(self, age: float = 0.0) -> str:
        """A fresh response_url for a command or button payload (`age` seconds old)."""
        url = f"{self.url}/respond/{next(self._ids)}"
        self._urls[url] = [time.monotonic() - age, 0]
        return url

    def visible(self, response_url: str) -> list[dict[str, Any]]:
        """The messages the user sees from one response_url, oldest first: `replace_original`
        replaces the last one shown, keeping its visibility; anything else adds one."""
        shown: list[dict[str, Any]] = []
        for params in self.through.get(response_url, []):
            if params.get("replace_original") in (True, "true") and shown:
                shown[-1] = {**params, "response_type": shown[-1].get("response_type")}
            else:
                shown.append({"response_type": "ephemeral", **params})
        return shown

    def add_user(
        self, user_id: str, email: str | None = None, locale: str = "nl-NL", name: str = ""
    ) -> SlackUser:
        """A workspace member users.info knows."""
        user = SlackUser(user_id, email, locale, name or user_id)
        self.users[user_id] = user
        return user

    def throttle(self, method: str, times: int, retry_after: int = 1) -> None:
        """Answer the next `times` calls of `method` with 429 and Retry-After."""
        self.throttled[method] = [times, retry_after]

    def to(self, method: str) -> list[Call]:
        """Recorded calls of one method."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, method: str, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until `method` was called `count` times; fails the test on timeout."""
        await self.wait_until(lambda: len(self.to(method)) >= count, within)
        return self.to(method)

    def posted(self) -> list[Call]:
        """Posts to response_urls (answers in an acknowledgement left out)."""
        return [c for c in self.to("respond") if not c.params.get("in_ack")]

    async def wait_for_posts(self, count: int = 1, within: float = 5.0) -> list[Call]:
        """Wait until `count` posts reached response_urls; fails the test on timeout."""
        await self.wait_until(lambda: len(self.posted()) >= count, within)
        return self.posted()

    async def wait_until(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until a call makes `condition` true (checked after every recorded call)."""
        async with asyncio.timeout(within):
            while not condition():
                self._changed.clear()
                await self._changed.wait()

    def shown_in_ack(self, response_url: str, body: dict[str, Any]) -> None:
        """A command answered in its acknowledgement: Slack shows it as it shows a message
        posted to the response_url, so it is recorded as one (with `in_ack`)."""
        params = {**body, "response_url": response_url, "in_ack": True}
        # The bot sent its acknowledgement before any post to the URL; the test records it
        # after reading the response, which may come after such a post.
        self.through.setdefault(response_url, []).insert(0, params)
        self._record("respond", params)

    def _refusal(self, response_url: str) -> str | None:
        """Why Slack would refuse a post to this response_url now (None: it takes it)."""
        made = self._urls.get(response_url)
        if made is None:
            return None  # made outside `response_url()`: no limits known
        if time.monotonic() - made[0] > RESPONSE_URL_SECONDS:
            return "expired_url"
        if made[1] >= RESPONSE_URL_USES:
            return "used_url"
        made[1] += 1
        return None

    def _record(self, method: str, params: dict[str, Any]) -> None:
        self.calls.append(Call(method, params))
        self._changed.set()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        params: dict[str, Any] = dict(request.query)
        raw = await request.read()
        if request.content_type == "application/json" and raw:
            params.update(json.loads(raw))
        elif raw:
            params.update(dict(parse_qsl(raw.decode("utf-8"))))
        for key in ("blocks", "view", "files"):
            if isinstance(params.get(key), str):
                params[key] = json.loads(params[key])
        return params

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        throttle = self.throttled.get(method)
        if throttle and throttle[0] > 0:
            throttle[0] -= 1
            self._record(f"{method}:429", {})
            return web.json_response(
                {"ok": False, "error": "ratelimited"},
                status=429,
                headers={"Retry-After": str(throttle[1])},
            )
        params = await self._params(request)
        params["_token"] = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.delays.get(method):
            await asyncio.sleep(self.delays[method])
        if method in self.holds:
            await self.holds[method].wait()
        self._record(method, params)
        if method in self.broken:
            page = "<html><body><h1>Service Unavailable</h1></body></html>"
            return web.Response(status=self.broken[method], text=page, content_type="text/html")
        if method in self.failing:
            return web.json_response({"ok": False, "error": self.failing[method]})
        return web.json_response(self._answer(method, params))

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        n = next(self._ids)
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER, "bot_id": "BBOT", "team_id": "T1"}
        if method == "users.info":
            user = self.users.get(str(params.get("user")))
            if user is None:
                return {"ok": False, "error": "user_not_found"}
            return {
                "ok": True,
                "user": {
                    "id": user.id,
                    "name": user.name,
                    "real_name": user.name,
                    "locale": user.locale,
                    "profile": {"email": user.email, "real_name": user.name},
                },
            }
        if method == "apps.connections.open":
            return {"ok": True, "url": self.url.replace("http", "ws", 1) + "/socket"}
        if method == "users.lookupByEmail":
            email = str(params.get("email", "")).lower()
            found = next((u for u in self.users.values() if (u.email or "").lower() == email), None)
            if found is None:
                return {"ok": False, "error": "users_not_found"}
            return {"ok": True, "user": {"id": found.id, "profile": {"email": found.email}}}
        if method == "conversations.open":
            return {"ok": True, "channel": {"id": "D" + str(params.get("users"))[1:]}}
        if method == "chat.postMessage":
            return {"ok": True, "channel": params.get("channel"), "ts": f"1700000000.{n:06d}"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": f"1700000000.{n:06d}"}
        if method in ("views.open", "views.update", "views.push", "views.publish"):
            view_id = params.get("view_id") or f"V{n}"
            params["_view_id"] = view_id
            return {"ok": True, "view": {"id": view_id, "hash": f"h{n}"}}
        if method == "files.getUploadURLExternal":
            return {"ok": True, "upload_url": f"{self.url}/upload/F{n}", "file_id": f"F{n}"}
        if method == "files.completeUploadExternal":
            files = params.get("files") or []
            return {"ok": True, "files": [{"id": f["id"], "title": f.get("title")} for f in files]}
        return {"ok": True}

    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        """Socket Mode: say hello, push queued envelopes, record the bot's acknowledgements."""
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._record("socket.connect", {})
        await ws.send_json({"type": "hello", "num_connections": 1})

        async def push() -> None:
            while True:
                await ws.send_json(await self.envelopes.get())

        pusher = asyncio.create_task(push())
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.socket_acks.append(json.loads(message.data))
                    self._record("socket.ack", json.loads(message.data))
        finally:
            pusher.cancel()
        return ws

    async def _upload(self, request: web.Request) -> web.Response:
        body = await request.read()
        self._record("upload", {"file_id": request.match_info["file_id"], "size": len(body)})
        return web.Response(text=f"OK - {len(body)}")

    async def _respond(self, request: web.Request) -> web.Response:
        self.responding += 1
        try:
            return await self._respond_now(request)
        finally:
            self.responding -= 1

    async def _respond_now(self, request: web.Request) -> web.Response:
        params = await self._params(request)
        url = f"{self.url}/respond/{request.match_info['token']}"
        params["response_url"] = url
        if self.delays.get("respond"):
            await asyncio.sleep(self.delays["respond"])
        if self.on_respond is not None:
            await self.on_respond(params)
        self._record("respond", params)
        if self.respond_status != 200:
            return web.Response(status=self.respond_status, text="expired_url")
        refused = self._refusal(url)
        if refused is not None:
            return web.Response(status=404, text=refused)
        self.through.setdefault(url, []).append(params)
        return web.Response(text="ok")
