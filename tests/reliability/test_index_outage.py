"""The database goes away: the directory index keeps answering from memory, says so once,
and catches up by itself when the database is back."""

from __future__ import annotations

import logging
import random
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.bootstrap import App, build
from core.clock import FrozenClock
from core.config import Settings
from directory.search import search_people
from tests.reliability.conftest import postgresql_only
from tests.reliability.proxy import FlakyProxy
from tests.support import make_person


@pytest.fixture
async def road(database_url: str) -> AsyncIterator[FlakyProxy]:
    """A proxy in front of the test database that can be cut."""
    proxy = FlakyProxy.to(database_url)
    await proxy.start()
    yield proxy
    await proxy.close()


@postgresql_only
async def test_an_outage_is_answered_from_memory_and_logged_once(
    app: App,
    settings: Settings,
    clock: FrozenClock,
    road: FlakyProxy,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await make_person(app, "Bas Visser", themes=["schulden"])
    behind = build(
        replace(settings, database=replace(settings.database, url=road.url(settings.database.url))),
        clock=clock,
        rng=random.Random(3),
    )
    directory = behind.deps.directory
    assert directory is not None
    try:
        await directory.start()
        await road.cut()
        caplog.set_level(logging.WARNING, logger="krokodil.directory.index")
        # The directory changes while this replica cannot see the database.
        await make_person(app, "Vera Nieuw", themes=["schulden"])
        for _ in range(3):
            state = await directory.fresh()
            directory.end_request()
            assert state is not None
            found = await search_people(directory.source(state), "schulden", now=clock.now())
            assert [m.person.name for m in found.matches] == ["Bas Visser"]
        warnings = [r.getMessage() for r in caplog.records if r.name == "krokodil.directory.index"]
        assert len([w for w in warnings if "unavailable" in w]) == 1, warnings
        await road.restore()
        state = await directory.fresh()
        directory.end_request()
        assert state is not None
        found = await search_people(directory.source(state), "schulden", now=clock.now())
        assert {m.person.name for m in found.matches} == {"Bas Visser", "Vera Nieuw"}
        assert any("answers again" in r.getMessage() for r in caplog.records)
    finally:
        await behind.close()
