"""Replicas that start at the same moment prepare the database one after the other."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace

from sqlalchemy import func, select

from bot.bootstrap import build
from bot.runtime import prepare
from core.clock import FrozenClock
from core.config import Settings
from directory.models import Person, Theme
from directory.themes import load_catalog


async def test_three_replicas_starting_together_all_come_up_with_one_catalog(
    settings: Settings, clock: FrozenClock
) -> None:
    # The fresh database of a pilot: no themes, no people; every replica loads the demo.
    demo = replace(settings, bot=replace(settings.bot, demo_data=True))
    replicas = [build(demo, clock=clock, rng=random.Random(n)) for n in range(3)]
    try:
        outcomes = await asyncio.gather(
            *(prepare(r, migrate=False) for r in replicas), return_exceptions=True
        )
        assert [o for o in outcomes if isinstance(o, BaseException)] == []
        async with replicas[0].deps.uow() as unit:
            keys = list(await unit.session.scalars(select(Theme.key).where(Theme.from_catalog)))
            people = await unit.session.scalar(select(func.count()).select_from(Person))
        assert sorted(keys) == sorted(t.key for t in load_catalog())
        # The demo directory once, not three times.
        async with replicas[0].deps.uow() as unit:
            emails = list(await unit.session.scalars(select(Person.email)))
        assert people == len(set(emails)) > 0
    finally:
        for r in replicas:
            await r.close()
