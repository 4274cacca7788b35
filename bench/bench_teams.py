"""Microsoft Teams timing against the local Bot Connector stand-in (real Agents SDK, real HTTP).

    python -m bench teams            # 300 activities from 100 linked people
    python -m bench teams --quick    # 60 activities from 20 people

Each message activity (`/help`, `/wie schulden`, a plain question) is signed like the Bot
Connector signs it and POSTed to /api/messages; the bot validates the token, dispatches,
renders the Adaptive Card and sends it to the stand-in's connector before it answers 202,
so the time measured is the time until the answer is delivered. Beside it, in the same
run, a bare aiohttp app on the same route that only validates the token (same PyJWT
check) and parses the body before answering 202: the floor any Teams bot pays. Sequential
requests give the latency; 20 at a time give the throughput.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import jwt
from aiohttp import web

from bench.colleagues import add_colleagues
from bot.adapters.teams import TeamsAdapter
from bot.bootstrap import App, build
from bot.http import make_web_app
from bot.migrate import upgrade_async
from core.config import DatabaseConfig, ServerConfig, Settings, TeamsConfig
from directory.demo import seed_if_empty
from directory.identity import IdentityRepository
from tests.adapters.teams.standin import APP_ID, APP_PASSWORD, TENANT_ID, ConnectorStandIn

TEXTS = ("/help", "/wie schulden", "wie kan helpen met schulden in Noord?")
CONCURRENCY = 20


async def main(argv: list[str]) -> dict[str, Any]:
    """Latency and throughput of the bot and of a bare app; milliseconds and activities/s."""
    parser = argparse.ArgumentParser(prog="python -m bench teams")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    people, activities = (20, 60) if args.quick else (100, 300)
    standin = ConnectorStandIn()
    await standin.start()
    try:
        results: dict[str, Any] = {"people": people, "activities": activities}
        results["bare_app"] = await _bare(standin, people, activities)
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'teams.db'}"
            results["bot"] = await _bot(url, standin, people, activities)
    finally:
        await standin.stop()
    return results


async def _bot(
    url: str, standin: ConnectorStandIn, people: int, activities: int
) -> dict[str, float]:
    await upgrade_async(url)
    settings = replace(
        Settings(),
        database=DatabaseConfig(url=url, pool_size=10),
        server=ServerConfig(host="127.0.0.1", port=0, public_url="https://bench.example.org"),
        teams=TeamsConfig(
            app_id=APP_ID,
            app_password=APP_PASSWORD,
            tenant_id=TENANT_ID,
            authority=standin.authority,
            openid_metadata_url=standin.metadata_url,
        ),
    )
    app = build(settings)
    await seed_if_empty(app.deps.uow, app.deps.clock.now(), load_demo=False)
    await _directory(app, people)
    adapter = TeamsAdapter(app)
    app.add_adapter(adapter)
    before = len(standin.sent())
    try:
        numbers = await _serve(make_web_app(app), standin, people, activities, adapter.start)
    finally:
        await adapter.stop()
        await adapter.close()
        await app.close()
    numbers["answers_delivered"] = float(len(standin.sent()) - before)
    return numbers


async def _bare(standin: ConnectorStandIn, people: int, activities: int) -> dict[str, float]:
    public = standin.key.public_key()

    async def messages(request: web.Request) -> web.Response:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            jwt.decode(
                token,
                public,
                algorithms=["RS256"],
                audience=APP_ID,
                issuer="https://api.botframework.com",
            )
        except jwt.InvalidTokenError:
            return web.Response(status=401)
        json.loads(await request.read())
        return web.Response(status=202)

    bare = web.Application()
    bare.router.add_post("/api/messages", messages)

    async def nothing() -> None:
        return None

    return await _serve(bare, standin, people, activities, nothing)


async def _serve(
    web_app: web.Application,
    standin: ConnectorStandIn,
    people: int,
    activities: int,
    start: Callable[[], Awaitable[None]],
) -> dict[str, float]:
    runner = web.AppRunner(web_app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    host, port = runner.addresses[0][:2]
    url = f"http://{host}:{port}/api/messages"
    await start()
    token = standin.sign(time.time())
    try:
        async with aiohttp.ClientSession() as session:
            counter = iter(range(1, 10**9))
            sequential = [
                await _post(session, url, token, standin, next(counter), i % people)
                for i in range(min(activities, 100))
            ]
            gate = asyncio.Semaphore(CONCURRENCY)

            async def one(i: int) -> float:
                async with gate:
                    return await _post(session, url, token, standin, next(counter), i % people)

            started = time.perf_counter()
            concurrent = await asyncio.gather(*(one(i) for i in range(activities)))
            elapsed = time.perf_counter() - started
    finally:
        await runner.cleanup()
    sequential.sort()
    concurrent.sort()
    return {
        "latency_p50_ms": round(statistics.median(sequential), 1),
        "latency_p95_ms": round(sequential[int(len(sequential) * 0.95) - 1], 1),
        "loaded_p95_ms": round(concurrent[int(len(concurrent) * 0.95) - 1], 1),
        "loaded_max_ms": round(concurrent[-1], 1),
        "throughput_per_s": round(activities / elapsed, 1),
    }


async def _post(
    session: aiohttp.ClientSession,
    url: str,
    token: str,
    standin: ConnectorStandIn,
    number: int,
    person: int,
) -> float:
    aad = _aad(person)
    activity = {
        "type": "message",
        "id": str(number),
        "serviceUrl": standin.service_url,
        "channelId": "msteams",
        "from": {"id": f"29:p{person}", "name": f"P{person}", "aadObjectId": aad},
        "conversation": {"id": f"a:personal-{aad}", "conversationType": "personal"},
        "recipient": {"id": f"28:{APP_ID}", "name": "Groene Krokodil"},
        "text": TEXTS[number % len(TEXTS)],
        "locale": "nl-NL",
        "channelData": {"tenant": {"id": TENANT_ID}},
    }
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    async with session.post(url, data=json.dumps(activity), headers=headers) as response:
        await response.read()
        assert response.status == 202, response.status
    return (time.perf_counter() - started) * 1000


def _aad(person: int) -> str:
    return f"00000000-0000-4000-8000-{person:012d}"


async def _directory(app: App, people: int) -> None:
    now = app.deps.clock.now()
    colleagues = await add_colleagues(app, people)
    async with app.deps.uow() as uow:
        identity = uow.repo(IdentityRepository)
        for i, person in enumerate(colleagues):
            await identity.link(person, "teams", _aad(i), now)
        await uow.commit()
