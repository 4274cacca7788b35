"""Graceful shutdown with a request in flight: drain, finish it, flush what it queued, stop."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import replace

import aiohttp
from aiohttp import web

from bot.adapters.base import Adapter, Target
from bot.bootstrap import App
from bot.runtime import run_platforms
from core.messages import Invocation, Reply
from tests.support import make_person


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SlowPlatform(Adapter):
    """A platform whose webhook holds each request until the test lets it go."""

    name = "console"

    def __init__(self, app: App) -> None:
        self.app = app
        self.entered = asyncio.Event()
        self.release = asyncio.Event()
        self.sent: list[tuple[str, Reply]] = []
        self.stopped = asyncio.Event()

    async def start(self) -> None:
        """Nothing to connect to."""

    async def stop(self) -> None:
        """Remember that draining told us to stop."""
        self.stopped.set()

    async def send(self, target: Target, reply: Reply) -> str:
        """Keep outbox deliveries."""
        self.sent.append((target.user or target.chat or "?", reply))
        return str(len(self.sent))

    def add_routes(self, web_app: web.Application) -> None:
        """POST /slow: a chat message that waits before it is handled."""
        web_app.router.add_post("/slow", self.slow)

    async def slow(self, request: web.Request) -> web.Response:
        payload = await request.json()
        self.entered.set()
        await self.release.wait()
        reply = await self.app.dispatcher.handle(
            Invocation(platform="console", account=payload["from"], chat="c", text=payload["text"])
        )
        return web.json_response({"title": reply.title})


async def test_sigterm_drains_then_finishes_the_request_in_flight(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(
        app,
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
        themes=["wmo"],
        roles=["oliemannetje"],
    )
    port = free_port()
    app.settings = replace(app.settings, server=replace(app.settings.server, port=port))
    platform = SlowPlatform(app)
    stop = asyncio.Event()
    serving = asyncio.create_task(run_platforms(app, [platform], stop=stop))
    base = f"http://127.0.0.1:{port}"
    async with aiohttp.ClientSession() as http:
        async with asyncio.timeout(10):
            while True:
                try:
                    async with http.get(f"{base}/readyz") as ready:
                        if ready.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    await asyncio.sleep(0.05)
        assert app.ticker is not None and app.ticker.scheduler.running

        message = {"from": "f.elamrani", "text": "/knelpunt Wmo: de traplift kan alleen op papier"}
        in_flight = asyncio.create_task(http.post(f"{base}/slow", json=message))
        await platform.entered.wait()
        stop.set()  # what SIGTERM does
        await asyncio.wait_for(platform.stopped.wait(), timeout=10)
        assert app.draining

        # Draining: the load balancer sees "not ready", new work is refused, health stays up.
        async with http.get(f"{base}/readyz") as ready:
            assert ready.status == 503 and (await ready.json())["status"] == "draining"
        async with http.post(f"{base}/slow", json=message) as refused:
            assert refused.status == 503
        async with http.get(f"{base}/healthz") as health:
            assert health.status == 200
        assert not serving.done(), "shutdown must wait for the request in flight"
        assert not app.ticker.scheduler.running

        platform.release.set()
        async with await in_flight as finished:
            assert finished.status == 200
            assert (await finished.json())["title"] == "Knelpunt #1 ontvangen"
    await asyncio.wait_for(serving, timeout=20)
    # What the finished request queued for the oliemannetje went out before the process stopped.
    assert [who for who, _reply in platform.sent] == ["r.doelwijt"]
    assert "Nieuw knelpunt #1" in platform.sent[0][1].title
