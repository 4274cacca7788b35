"""Build everything from settings, in one place: engine, registry, dispatcher, adapters, timers."""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.adapters.base import Adapter
from bot.delivery import Delivery
from bot.dispatch import Dispatcher
from bot.metrics import Metrics
from bot.ticker import Ticker
from core.clock import Clock, SystemClock
from core.config import Settings
from core.db import UnitOfWorkFactory, make_engine
from directory.index.store import DirectoryIndex
from directory.versioning import track_changes
from handlers import build_registry
from handlers.base import Deps

log = logging.getLogger("krokodil.bootstrap")


@dataclass
class App:
    """One running bot: what `krokodil run`, `krokodil say` and the tests hold on to."""

    settings: Settings
    engine: AsyncEngine
    deps: Deps
    dispatcher: Dispatcher
    metrics: Metrics
    delivery: Delivery
    ticker: Ticker | None = None
    adapters: dict[str, Adapter] = field(default_factory=dict)
    in_flight: int = 0
    # Set whenever no HTTP request is being handled (graceful shutdown waits for it).
    idle: asyncio.Event = field(default_factory=asyncio.Event)
    draining: bool = False
    extras: dict[str, Any] = field(default_factory=dict)

    def add_adapter(self, adapter: Adapter) -> None:
        """Register a running platform (for delivery of DMs and channel posts)."""
        self.adapters[adapter.name] = adapter
        if adapter.supports_modals:
            self.dispatcher.modal_platforms = self.dispatcher.modal_platforms | {adapter.name}

    async def close(self) -> None:
        """Stop timers and release the database."""
        if self.ticker is not None:
            await self.ticker.stop()
        if self.deps.directory is not None:
            await self.deps.directory.close()
        # Finished marks still waiting to be written (core.events).
        await self.dispatcher.events.close()
        await self.dispatcher.open_forms.close()
        self.deps.uow.quick.close()
        await self.engine.dispose()


def build(
    settings: Settings,
    *,
    clock: Clock | None = None,
    rng: random.Random | None = None,
    metrics: Metrics | None = None,
) -> App:
    """Wire the bot; nothing connects until used."""
    engine = make_engine(settings.database.url, pool_size=settings.database.pool_size)
    # Every directory write in this process raises the directory's version (directory.versioning).
    track_changes()
    uow = UnitOfWorkFactory(engine)
    metrics = metrics or Metrics()
    deps = Deps(
        uow=uow,
        clock=clock or SystemClock(),
        settings=settings,
        registry=build_registry(),
        rng=rng or random.Random(),
        directory=DirectoryIndex(uow),
    )
    dispatcher = Dispatcher(deps, metrics)
    app = App(
        settings=settings,
        engine=engine,
        deps=deps,
        dispatcher=dispatcher,
        metrics=metrics,
        delivery=Delivery(uow, deps.clock, {}, metrics),
    )
    app.delivery.adapters = app.adapters
    app.idle.set()
    deps.wake_delivery = app.delivery.wake
    app.ticker = Ticker(deps, metrics, settings.bot.tick_seconds)
    return app
