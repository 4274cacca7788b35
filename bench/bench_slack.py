"""Slack timing against the local Slack Web API stand-in (real Bolt AsyncApp, real HTTP).

    python -m bench slack            # 300 commands from 100 workspace members
    python -m bench slack --quick    # 60 commands from 20 members

Signed slash commands (`/help`, `/wie schulden`, `/overdracht`) are POSTed to
/slack/events. Two moments are timed per command: the acknowledgement (HTTP 200 to Slack,
which must come within 3 seconds) and the answer (the `response_url` post, or `views.open`
for the handover modal, arriving at the stand-in). Sequential requests give the latency;
20 at a time give the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

from bench.colleagues import add_colleagues
from bot.adapters.slack import SlackAdapter
from bot.bootstrap import App, build
from bot.http import make_web_app
from bot.migrate import upgrade_async
from core.config import DatabaseConfig, Settings, SlackConfig
from directory.demo import seed_if_empty
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET, sign

COMMANDS = (("/help", ""), ("/wie", "schulden"), ("/overdracht", ""))


async def main(argv: list[str]) -> dict[str, Any]:
    """Acknowledgement and answer latency (ms) and commands per second."""
    parser = argparse.ArgumentParser(prog="python -m bench slack")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    people, commands = (20, 60) if args.quick else (100, 300)
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{Path(folder) / 'slack.db'}"
        return {"people": people, "commands": commands, **await _run(url, people, commands)}


async def _run(url: str, people: int, commands: int) -> dict[str, Any]:
    await upgrade_async(url)
    fake = FakeSlack()
    await fake.start()
    settings = replace(
        Settings(),
        database=DatabaseConfig(url=url, pool_size=10),
        slack=SlackConfig(api_url=fake.api_url, bot_token="xoxb-bench", signing_secret=SECRET),
    )
    app = build(settings)
    await seed_if_empty(app.deps.uow, app.deps.clock.now(), load_demo=False)
    await _directory(app, fake, people)
    adapter = SlackAdapter(app)
    app.add_adapter(adapter)
    runner = web.AppRunner(make_web_app(app))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    events = f"http://{host}:{port}/slack/events"
    try:
        async with aiohttp.ClientSession() as session:
            sequential = [
                await _command(session, events, fake, i, people) for i in range(min(commands, 100))
            ]
            gate = asyncio.Semaphore(20)

            async def one(i: int) -> tuple[float, float]:
                async with gate:
                    return await _command(session, events, fake, 1000 + i, people)

            started = time.perf_counter()
            await asyncio.gather(*(one(i) for i in range(commands)))
            elapsed = time.perf_counter() - started
    finally:
        await adapter.stop()
        await runner.cleanup()
        await app.close()
        await fake.close()
    acks = sorted(a for a, _ in sequential)
    answers = sorted(b for _, b in sequential)
    return {
        "ack_p50_ms": round(statistics.median(acks), 1),
        "ack_p95_ms": round(acks[int(len(acks) * 0.95) - 1], 1),
        "answer_p50_ms": round(statistics.median(answers), 1),
        "answer_p95_ms": round(answers[int(len(answers) * 0.95) - 1], 1),
        "throughput_commands_per_s": round(commands / elapsed, 1),
    }


async def _command(
    session: aiohttp.ClientSession, events: str, fake: FakeSlack, n: int, people: int
) -> tuple[float, float]:
    """(ms to the acknowledgement, ms to the answer at the stand-in) for one command."""
    command, text = COMMANDS[n % len(COMMANDS)]
    answer_url = fake.response_url()
    trigger = f"trigger.bench.{n}"
    body = urlencode(
        {
            "command": command,
            "text": text,
            "user_id": f"U{n % people:06d}",
            "channel_id": "C0BENCH",
            "trigger_id": trigger,
            "response_url": answer_url,
        }
    )
    moment = int(time.time())
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": sign(body, moment),
    }
    started = time.perf_counter()
    async with session.post(events, data=body, headers=headers) as response:
        await response.read()
        assert response.status == 200, response.status
    acked = time.perf_counter()

    def answered() -> bool:
        return any(
            c.params.get("response_url") == answer_url or c.params.get("trigger_id") == trigger
            for c in reversed(fake.calls[-200:])
        )

    await fake.wait_until(answered, within=30.0)
    done = time.perf_counter()
    return (acked - started) * 1000, (done - started) * 1000


async def _directory(app: App, fake: FakeSlack, people: int) -> None:
    for i, person in enumerate(await add_colleagues(app, people)):
        # Linked on their first command by the users.info e-mail, as in production.
        fake.add_user(f"U{i:06d}", email=str(person.email))
