"""Telegram webhook timing against the local Bot API stand-in (real PTB client, real HTTP).

    python -m bench telegram            # 300 updates from 100 linked people
    python -m bench telegram --quick    # 60 updates from 20 people

Each update is POSTed to /telegram/webhook (secret checked, dispatched, answered in the
webhook response when the answer is one message, else with sendMessage to the stand-in)
and timed until the webhook answers. Measured twice: with
the production rate limits (about 30 messages a second for the whole bot) and with that
overall limit lifted (one message a second per private chat stays), to see whether the
limiter or the bot's own work sets the pace. Sequential requests give the latency; 20 at
a time give the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
from aiohttp import web

from bench.colleagues import add_colleagues
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from bot.bootstrap import App, build
from bot.http import make_web_app
from bot.migrate import upgrade_async
from core.config import DatabaseConfig, ServerConfig, Settings, TelegramConfig
from directory.demo import seed_if_empty
from directory.identity import IdentityRepository
from tests.adapters.telegram.standin import TOKEN, BotApiStandIn

SECRET = "bench_secret"
TEXTS = ("/help", "/wie schulden", "wie kan helpen met schulden in Noord?")


async def main(argv: list[str]) -> dict[str, Any]:
    """Time the webhook with and without the overall rate limit; milliseconds and updates/s."""
    parser = argparse.ArgumentParser(prog="python -m bench telegram")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    people, updates = (20, 60) if args.quick else (100, 300)
    results: dict[str, Any] = {"people": people, "updates": updates}
    for label, overall in (("production_limits", 30.0), ("overall_limit_lifted", 0.0)):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'telegram.db'}"
            results[label] = await _run(url, people, updates, overall)
    return results


async def _run(url: str, people: int, updates: int, overall: float) -> dict[str, float]:
    await upgrade_async(url)
    api = BotApiStandIn()
    base = await api.start()
    settings = replace(
        Settings(),
        database=DatabaseConfig(url=url, pool_size=10),
        server=ServerConfig(host="127.0.0.1", port=0, public_url="https://bench.example.org"),
        telegram=TelegramConfig(base_url=base, token=TOKEN, webhook_secret=SECRET),
    )
    app = build(settings)
    await seed_if_empty(app.deps.uow, app.deps.clock.now(), load_demo=False)
    await _directory(app, people)
    limiter = TelegramRateLimiter(overall_per_second=overall)
    adapter = TelegramAdapter(app, rate_limiter=limiter)
    app.add_adapter(adapter)
    runner = web.AppRunner(make_web_app(app))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    hook = f"http://{host}:{port}/telegram/webhook"
    await adapter.start()
    try:
        async with aiohttp.ClientSession() as session:
            counter = iter(range(1, 10**9))
            sequential = [
                await _post(session, hook, next(counter), i % people, api)
                for i in range(min(updates, 100))
            ]
            started = time.perf_counter()
            gate = asyncio.Semaphore(20)

            async def one(i: int) -> float:
                async with gate:
                    return await _post(session, hook, next(counter), i % people, api)

            await asyncio.gather(*(one(i) for i in range(updates)))
            elapsed = time.perf_counter() - started
    finally:
        await adapter.stop()
        await adapter.close()
        await runner.cleanup()
        await app.close()
        await api.stop()
    sequential.sort()
    return {
        "latency_p50_ms": round(statistics.median(sequential), 1),
        "latency_p95_ms": round(sequential[int(len(sequential) * 0.95) - 1], 1),
        "throughput_updates_per_s": round(updates / elapsed, 1),
        "replies_sent": float(len(api.ok("sendMessage"))),
    }


async def _post(
    session: aiohttp.ClientSession, hook: str, update_id: int, user: int, api: BotApiStandIn
) -> float:
    uid = 10_000 + user
    text = TEXTS[update_id % len(TEXTS)]
    command = text.split()[0] if text.startswith("/") else ""
    message: dict[str, Any] = {
        "message_id": update_id,
        "date": 1,
        "chat": {"id": uid, "type": "private"},
        "from": {"id": uid, "is_bot": False, "first_name": f"P{user}"},
        "text": text,
    }
    if command:
        message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
    body = json.dumps({"update_id": update_id, "message": message})
    headers = {"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET}
    started = time.perf_counter()
    async with session.post(hook, data=body, headers=headers) as response:
        answer = await response.read()
        assert response.status == 200, response.status
    took = (time.perf_counter() - started) * 1000
    # A one-message answer comes in the webhook response; Telegram would send it.
    api.carry_out(response.status, answer)
    return took


async def _directory(app: App, people: int) -> None:
    now = app.deps.clock.now()
    colleagues = await add_colleagues(app, people)
    async with app.deps.uow() as uow:
        identity = uow.repo(IdentityRepository)
        for i, person in enumerate(colleagues):
            await identity.link(person, "telegram", str(10_000 + i), now)
        await uow.commit()
