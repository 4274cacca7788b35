"""One scheduler leader per database; tickers run only there."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.bootstrap import App, build
from bot.ticker import Leadership
from core.clock import FrozenClock
from core.events import instance_alive
from handlers.base import Deps
from tests.conftest import BACKEND


async def test_registered_tickers_run_and_report(app: App) -> None:
    seen: list[datetime] = []

    async def tick(deps: Deps, now: datetime) -> int:
        seen.append(now)
        return 1

    app.deps.registry.ticker("test.tick", tick)
    assert app.ticker is not None
    done = await app.ticker.run_pass()
    assert done["test.tick"] == 1
    assert seen == [app.deps.clock.now()]


async def test_a_failing_ticker_does_not_stop_the_others(app: App) -> None:
    async def broken(deps: Deps, now: datetime) -> int:
        raise RuntimeError("boom")

    async def fine(deps: Deps, now: datetime) -> int:
        return 2

    app.deps.registry.ticker("a.broken", broken)
    app.deps.registry.ticker("b.fine", fine)
    assert app.ticker is not None
    assert (await app.ticker.run_pass())["b.fine"] == 2


@pytest.mark.skipif(BACKEND != "postgresql", reason="advisory locks are PostgreSQL's")
async def test_only_one_process_leads_and_the_other_takes_over(
    app: App, clock: FrozenClock
) -> None:
    other = build(app.settings, clock=clock)
    try:
        first, second = Leadership(app.deps), Leadership(other.deps)
        assert await first.try_acquire()
        assert not await second.try_acquire()
        await first.release()
        assert await second.try_acquire()
        assert not await first.try_acquire()
        await second.release()
    finally:
        await other.close()


@pytest.mark.skipif(BACKEND != "postgresql", reason="advisory locks are PostgreSQL's")
async def test_a_process_counts_as_alive_until_it_has_finished_its_requests(app: App) -> None:
    assert app.ticker is not None

    async def alive() -> bool:
        async with app.deps.uow() as uow:
            return await instance_alive(uow.session, app.deps.instance)

    assert not await alive()  # no pass yet: nothing held
    await app.ticker.run_pass()
    assert await alive()
    # Shutting down: timers stop and leadership goes, but in-flight requests still run.
    await app.ticker.stop(keep_presence=True)
    assert not app.ticker.leadership.is_leader
    assert await alive()
    await app.ticker.presence.release()
    assert not await alive()
