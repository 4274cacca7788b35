"""PostgreSQL goes away while the bot runs: requests get a calm answer, /readyz says 503,
nothing is logged as a crash, and the bot recovers by itself when the database is back.

Two kinds of outage: a proxy between the bot and the shared server cuts every connection
and refuses new ones (what a restart looks like from the bot), and a real fast restart of
a private throwaway cluster (skipped where one cannot be created)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Protocol

import aiohttp
import pytest

from bot.bootstrap import App
from bot.migrate import upgrade_async
from core.config import Settings
from directory.models import Account
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram.harness import User
from tests.adapters.telegram.standin import BotApiStandIn
from tests.reliability.conftest import (
    Platforms,
    postgresql_only,
    serve_platforms,
    stop_platforms,
    with_platforms,
)
from tests.reliability.private_pg import private_cluster
from tests.reliability.proxy import FlakyProxy
from tests.support import make_person

CALM = "Ik kan even niet bij de gegevens. Probeer het zo nog eens."
TG_USER = User(4242, "Fatima", username="fatima_ea")


class Outage(Protocol):
    """Something that takes the database away and brings it back."""

    async def cut(self) -> None: ...

    async def restore(self) -> None: ...


@pytest.fixture(params=["proxy", "restart"])
async def outage(
    request: pytest.FixtureRequest, database_url: str
) -> AsyncIterator[tuple[str, Outage]]:
    """The database URL the bot uses, and the switch of its outage."""
    if request.param == "proxy":
        road = FlakyProxy.to(database_url)
        await road.start()
        yield road.url(database_url), road
        await road.close()
        return
    async with private_cluster() as cluster:
        await upgrade_async(cluster.url)
        yield cluster.url, cluster


@pytest.fixture
def settings(
    settings: Settings,
    outage: tuple[str, Outage],
    fake_slack: FakeSlack,
    bot_api: BotApiStandIn,
) -> Settings:
    """Both platforms on their stand-ins; the database one that will go away."""
    on_platforms = with_platforms(settings, fake_slack, bot_api)
    return replace(on_platforms, database=replace(on_platforms.database, url=outage[0]))


@pytest.fixture
async def platforms(
    app: App, fake_slack: FakeSlack, bot_api: BotApiStandIn
) -> AsyncIterator[Platforms]:
    """A registered asker on Slack (U1) and Telegram (4242), and a colleague for schulden."""
    asker = await make_person(
        app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"]
    )
    await make_person(app, "Bas Visser", email="b.visser@example.org", themes=["schulden"])
    fake_slack.add_user("U1", email="f.elamrani@example.org")
    async with app.deps.uow() as uow:
        uow.session.add(
            Account(
                person_id=asker.id,
                platform="telegram",
                external_id=str(TG_USER.id),
                linked_at=app.deps.clock.now(),
            )
        )
        await uow.commit()
    running = await serve_platforms(app, fake_slack, bot_api)
    yield running
    await stop_platforms(running)


async def _get(url: str) -> tuple[int, dict[str, object] | str]:
    async with aiohttp.ClientSession() as http, http.get(url) as response:
        if response.content_type == "application/json":
            return response.status, await response.json()
        return response.status, await response.text()


async def _slack_wie(platforms: Platforms, fake: FakeSlack) -> str:
    return await _slack(platforms, fake, "/wie", "schulden")


async def _slack(platforms: Platforms, fake: FakeSlack, command: str, text: str) -> str:
    before = len(fake.to("respond"))
    answer = await platforms.slack.command(command, text)
    assert answer.status == 200, answer
    calls = await fake.wait_for("respond", before + 1)
    return str(calls[-1].params.get("text")) + "\n" + calls[-1].blocks_text()


async def _telegram_wie(platforms: Platforms, api: BotApiStandIn) -> str:
    before = len(api.sent_to(TG_USER.id))
    assert await platforms.telegram.say(TG_USER, "/wie schulden") == 200
    await api.wait_until(lambda: len(api.sent_to(TG_USER.id)) > before)
    return api.texts_to(TG_USER.id)[-1]


def _tap(platforms: Platforms, data: str) -> dict[str, object]:
    update_id = platforms.telegram.next_update_id()
    chat = {"id": TG_USER.id, "type": "private", "first_name": TG_USER.first_name}
    message = {"message_id": 1, "date": 0, "chat": chat, "text": "…"}
    return {
        "update_id": update_id,
        "callback_query": {
            "id": f"cq{update_id}",
            "from": TG_USER.as_json(),
            "chat_instance": "ci1",
            "message": message,
            "data": data,
        },
    }


@postgresql_only
async def test_an_outage_gets_calm_answers_and_the_bot_recovers_by_itself(
    app: App,
    outage: tuple[str, Outage],
    platforms: Platforms,
    fake_slack: FakeSlack,
    bot_api: BotApiStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    base = platforms.base_url
    assert "Bas Visser" in await _slack_wie(platforms, fake_slack)
    assert "Bas Visser" in await _telegram_wie(platforms, bot_api)

    await outage[1].cut()
    caplog.clear()
    caplog.set_level(logging.WARNING)
    # A lookup needs no database: the directory index answers it from memory (a Slack
    # slash command is never sent twice, so it is not claimed either).
    assert "Bas Visser" in await _slack_wie(platforms, fake_slack)
    # What must be written waits for the database, with a calm answer.
    assert CALM in await _slack(platforms, fake_slack, "/taal", "en")
    # A new process knows no linked accounts yet: the Telegram adapter looks for a link first.
    platforms.telegram.adapter.identity._linked.clear()
    assert CALM in await _telegram_wie(platforms, bot_api)
    # A long button payload is read from the database: the tap still gets the calm answer.
    assert await platforms.telegram.post(_tap(platforms, "~0123456789abcdefghijkl")) == 200
    await bot_api.wait_until(lambda: bool(bot_api.ok("answerCallbackQuery")))
    assert bot_api.ok("answerCallbackQuery")[-1].params.get("text") == CALM
    ready_status, ready = await _get(f"{base}/readyz")
    assert ready_status == 503 and isinstance(ready, dict)
    assert ready["status"] == "database unavailable"
    assert (await _get(f"{base}/healthz"))[0] == 200
    assert (await _get(f"{base}/metrics"))[0] == 200
    # Timers and the outbox worker wait quietly for the database.
    assert app.ticker is not None
    assert await app.ticker.run_pass() == {}
    serving = asyncio.create_task(app.delivery.serve(interval=0.05))
    await asyncio.sleep(0.3)
    app.delivery.stop_serving()
    await serving
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not crashes, [(r.name, r.getMessage()) for r in crashes]

    await outage[1].restore()
    async with asyncio.timeout(15):
        while (await _get(f"{base}/readyz"))[0] != 200:  # noqa: ASYNC110 (polling over HTTP)
            await asyncio.sleep(0.2)
    assert "Bas Visser" in await _slack_wie(platforms, fake_slack)
    assert "Bas Visser" in await _telegram_wie(platforms, bot_api)
    assert app.ticker is not None and "handovers.timers" in await app.ticker.run_pass()


async def test_an_exhausted_connection_pool_is_a_calm_wait_not_a_crash(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Every connection busy (a load peak): the asker hears 'probeer het zo nog eens'."""
    import random

    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.bootstrap import build
    from core.clock import FrozenClock
    from core.config import DatabaseConfig
    from core.db import UnitOfWorkFactory
    from core.messages import Invocation

    settings = replace(Settings(), database=DatabaseConfig(url=database_url))
    app = build(settings, clock=FrozenClock(), rng=random.Random(1))
    tiny = create_async_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    app.deps.uow = UnitOfWorkFactory(tiny)
    caplog.set_level(logging.WARNING)
    try:
        async with tiny.connect() as busy:
            await busy.exec_driver_sql("SELECT 1")
            reply = await app.dispatcher.handle(
                Invocation(platform="console", account="iemand", chat="c", text="/wie schulden")
            )
    finally:
        await tiny.dispose()
        await app.close()
    assert CALM in reply.text
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not crashes, [(r.name, r.getMessage()) for r in crashes]
