"""`krokodil run` as a real process: SIGTERM while a Telegram update is being answered.

The process serves Telegram (webhook mode) against a local Bot API stand-in whose
sendMessage is slow, so the webhook request is still in flight when SIGTERM
arrives. The process must report "draining", refuse new work, finish the answer,
and exit 0.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from tests.adapters.telegram.harness import SECRET, User
from tests.adapters.telegram.standin import TOKEN, BotApiStandIn

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]


class SlowBotApi(BotApiStandIn):
    """The stand-in, with a sendMessage that takes its time."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.sending = asyncio.Event()

    async def _handle(self, request: web.Request) -> web.Response:
        if request.match_info["method"] == "sendMessage":
            self.sending.set()
            await asyncio.sleep(self.delay)
        return await super()._handle(request)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


GROUP_ID = -100300400


def update(user: User, text: str, update_id: int) -> dict[str, Any]:
    """A message update in a group (answered with sendMessage, not in the webhook response)."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": GROUP_ID, "type": "supergroup", "title": "Netwerk"},
            "from": user.as_json(),
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        },
    }


async def test_sigterm_with_a_webhook_in_flight(database_url: str, tmp_path: Path) -> None:
    api = SlowBotApi(delay=1.5)
    api_url = await api.start()
    port = free_port()
    config = tmp_path / "config.toml"
    config.write_text("[bot]\ndemo_data = false\ntick_seconds = 1.0\n", encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_"))},
        "KROKODIL_DATABASE_URL": database_url,
        "KROKODIL_HOST": "127.0.0.1",
        "KROKODIL_PORT": str(port),
        "KROKODIL_PUBLIC_URL": "https://krokodil.example.org",
        "KROKODIL_LOG_LEVEL": "INFO",
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_url,
        "TELEGRAM_MODE": "webhook",
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(config),
        "run",
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    user = User(id=4242, first_name="Sanne")
    try:
        async with aiohttp.ClientSession() as http:
            await _until_ready(http, base, api, process)
            in_flight = asyncio.create_task(
                http.post(
                    f"{base}/telegram/webhook", json=update(user, "/help", 1), headers=headers
                )
            )
            await asyncio.wait_for(api.sending.wait(), timeout=10)
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(10):
                while True:
                    async with http.get(f"{base}/readyz") as ready:
                        if ready.status == 503:
                            assert (await ready.json())["status"] == "draining"
                            break
            async with http.post(
                f"{base}/telegram/webhook", json=update(user, "/help", 2), headers=headers
            ) as refused:
                assert refused.status == 503
            assert not in_flight.done(), "the answer is still being sent"
            async with await in_flight as answered:
                assert answered.status == 200
        code = await asyncio.wait_for(process.wait(), timeout=30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        await api.stop()
    assert process.stderr is not None
    logs = (await process.stderr.read()).decode()
    assert code == 0, logs
    # Exactly one answer went out: to the first update, none to the refused one.
    assert len(api.sent_to(GROUP_ID)) == 1
    assert "Groene Krokodil" in api.texts_to(GROUP_ID)[0]
    events = [json.loads(line) for line in logs.splitlines() if line.startswith("{")]
    assert any(e["event"] == "shutting down" for e in events)
    assert "/help" not in logs  # no message contents in the logs


async def _until_ready(
    http: aiohttp.ClientSession, base: str, api: BotApiStandIn, process: asyncio.subprocess.Process
) -> None:
    """Wait until the process serves /readyz and told the stand-in its webhook."""
    async with asyncio.timeout(30):
        while True:
            if process.returncode is not None:
                raise AssertionError(f"krokodil run exited with {process.returncode}")
            try:
                async with http.get(f"{base}/readyz") as ready:
                    if ready.status == 200 and api.ok("setWebhook"):
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.1)
