"""Work in flight is bounded: a burst waits its turn instead of failing."""

from __future__ import annotations

import asyncio

from bot.bootstrap import App
from core.messages import Invocation, Reply
from handlers.base import Command, CommandSpec, Deps
from tests.support import make_person


async def test_a_burst_waits_its_turn_and_every_request_is_answered(app: App) -> None:
    limit = app.settings.database.pool_size
    running, most = 0, 0

    async def slow(cmd: Command, deps: Deps) -> Reply:
        nonlocal running, most
        running += 1
        most = max(most, running)
        async with deps.uow() as uow:  # a pooled connection, held while it works
            await uow.session.connection()
            await asyncio.sleep(0.02)
        running -= 1
        return Reply(text="klaar")

    app.deps.registry.command(CommandSpec("traag", slow, "test", "/traag", public=True))
    burst = [
        app.dispatcher.handle(
            Invocation(platform="console", account=f"u{n}", chat="c", text="/traag")
        )
        for n in range(limit * 4)
    ]
    replies = await asyncio.gather(*burst)
    assert [r.text for r in replies] == ["klaar"] * (limit * 4)
    assert most == limit


async def test_the_index_knows_who_is_asking(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["jeugd"])
    await make_person(app, "Bas Visser", themes=["schulden"])
    directory = app.deps.directory
    assert directory is not None
    state = await directory.fresh()
    directory.end_request()
    assert state is not None
    actor = directory.actor(state, "console", "f.elamrani")
    assert actor is not None and actor.name == "Fatima el Amrani"
    assert directory.actor(state, "console", "onbekend") is None
    reply = await app.dispatcher.handle(
        Invocation(platform="console", account="f.elamrani", chat="c", text="/wie schulden")
    )
    assert [c.name for c in reply.cards] == ["Bas Visser"]
    assert reply.cards[0].phone is not None
