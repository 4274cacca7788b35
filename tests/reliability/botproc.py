"""The bot as a real process: `krokodil run` with Telegram (webhook mode) on the local Bot API
stand-in, so tests can SIGKILL it, restart it, or run two of them on one database."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from tests.adapters.slack.harness import SECRET as SLACK_SECRET
from tests.adapters.telegram.harness import SECRET
from tests.adapters.telegram.standin import TOKEN, BotApiStandIn

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A local TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SlowBotApi(BotApiStandIn):
    """The Bot API stand-in, taking `delay` seconds per sent message (so a kill lands mid-way)."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__()
        self.delay = delay

    async def _handle(self, request: web.Request) -> web.Response:
        if self.delay and request.match_info.get("method") == "sendMessage":
            try:
                await request.read()  # kept by aiohttp for the real handler
            except ConnectionError:
                return web.Response(status=400)  # the bot died while sending
            await asyncio.sleep(self.delay)
        return await super()._handle(request)

    def messages(self) -> list[tuple[int, str]]:
        """(chat id, text) of every message it accepted, in order."""
        return [
            (int(c.params["chat_id"]), str(c.params.get("text", "")))
            for c in self.calls
            if c.method == "sendMessage" and c.status == 200
        ]


@dataclass
class BotProcess:
    """One `krokodil run` process; start, kill, stop, and post webhook updates to it."""

    database_url: str
    api: BotApiStandIn
    workdir: Path
    name: str = "bot"
    tick_seconds: float = 0.3
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None
    # The Slack Web API stand-in's base URL, to serve Slack (HTTP mode) too.
    slack_api: str | None = None

    @property
    def url(self) -> str:
        """Base URL of its HTTP server."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        """Its JSON log lines (stderr)."""
        return self.workdir / f"{self.name}.log"

    def _config(self) -> Path:
        path = self.workdir / f"{self.name}.toml"
        path.write_text(
            "[bot]\ndemo_data = false\n"
            f"tick_seconds = {self.tick_seconds}\n"
            "[server]\nhost = '127.0.0.1'\n"
            f"port = {self.port}\npublic_url = 'http://127.0.0.1:{self.port}'\n"
            "[telegram]\nallow_handovers = true\n",
            encoding="utf-8",
        )
        return path

    async def start(self, within: float = 60.0) -> None:
        """Start and wait until it takes webhook updates."""
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))}
        env.update(
            KROKODIL_DATABASE_URL=self.database_url,
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=self.api.base_url,
            TELEGRAM_MODE="webhook",
            TELEGRAM_WEBHOOK_SECRET=SECRET,
            KROKODIL_LOG_LEVEL="INFO",
            PYTHONUNBUFFERED="1",
        )
        if self.slack_api is not None:
            env.update(
                SLACK_BOT_TOKEN="xoxb-test",
                SLACK_SIGNING_SECRET=SLACK_SECRET,
                SLACK_API_URL=self.slack_api,
            )
        webhooks = len(self.api.ok("setWebhook"))
        with self.log.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "--config",
                str(self._config()),
                "run",
                "--no-migrate",
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=log,
            )
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            if self.process.returncode is not None:
                break
            if len(self.api.ok("setWebhook")) > webhooks and await self.ready():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"{self.name} did not start:\n{self.tail()}")

    async def ready(self) -> bool:
        """True when /readyz answers 200."""
        with contextlib.suppress(aiohttp.ClientError, OSError):
            async with (
                aiohttp.ClientSession() as http,
                http.get(f"{self.url}/readyz") as response,
            ):
                return response.status == 200
        return False

    async def readiness(self) -> dict[str, Any]:
        """The /readyz body (scheduler leader, last tick …)."""
        async with aiohttp.ClientSession() as http, http.get(f"{self.url}/readyz") as response:
            return dict(await response.json())

    async def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, nothing."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGKILL)
            await self.process.wait()

    async def stop(self) -> None:
        """SIGTERM: the graceful drain."""
        if self.process is not None and self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.process.wait(), 40)
            except TimeoutError:
                await self.kill()

    async def post(self, update: dict[str, Any], within: float = 20.0) -> int | None:
        """POST a webhook update as Telegram does; None when the connection failed."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        try:
            async with (
                aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=within)) as http,
                http.post(
                    f"{self.url}/telegram/webhook", data=json.dumps(update), headers=headers
                ) as response,
            ):
                answer = await response.read()
                status = response.status
        except (aiohttp.ClientError, OSError, TimeoutError):
            return None
        # Telegram carries out a Bot API call the webhook's response holds (a quick answer).
        self.api.carry_out(status, answer)
        return status

    def tail(self, size: int = 4000) -> str:
        """The end of its log."""
        try:
            return self.log.read_text(errors="replace")[-size:]
        except OSError:
            return "(no log)"

    def log_lines(self) -> list[dict[str, Any]]:
        """Its JSON log records (other lines skipped)."""
        found = []
        for line in self.log.read_text(errors="replace").splitlines():
            with contextlib.suppress(ValueError):
                record = json.loads(line)
                if isinstance(record, dict):
                    found.append(record)
        return found


def button_update(update_id: int, user_id: int, data: str) -> dict[str, Any]:
    """A callback query: the user taps a button whose callback data is `data`."""
    chat = {"id": user_id, "type": "private", "first_name": "T"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": {"id": user_id, "is_bot": False, "first_name": "T", "language_code": "nl"},
            "chat_instance": "ci",
            "message": {"message_id": 1, "date": 0, "chat": chat, "text": "…"},
            "data": data,
        },
    }


def message_update(update_id: int, user_id: int, text: str) -> dict[str, Any]:
    """A private message (a command when it starts with '/')."""
    chat = {"id": user_id, "type": "private", "first_name": "T"}
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": chat,
        "from": {"id": user_id, "is_bot": False, "first_name": "T", "language_code": "nl"},
        "text": text,
    }
    if text.startswith("/"):
        length = len(text.split()[0])
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
    return {"update_id": update_id, "message": message}
