"""Fixtures: the Bot Connector stand-in, settings pointing at it, and the bot serving Teams."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.teams import TeamsAdapter
from bot.bootstrap import App
from core.clock import FrozenClock
from core.config import Settings, TeamsConfig
from tests.adapters.teams.harness import TeamsHarness
from tests.adapters.teams.standin import APP_ID, APP_PASSWORD, TENANT_ID, ConnectorStandIn


@pytest.fixture
async def standin() -> AsyncIterator[ConnectorStandIn]:
    """The token service and Bot Connector stand-in on a random local port."""
    connector = ConnectorStandIn()
    await connector.start()
    yield connector
    await connector.stop()


@pytest.fixture
def settings(settings: Settings, standin: ConnectorStandIn) -> Settings:
    """Teams on, with tokens from and keys at the stand-in."""
    return replace(
        settings,
        teams=TeamsConfig(
            app_id=APP_ID,
            app_password=APP_PASSWORD,
            tenant_id=TENANT_ID,
            authority=standin.authority,
            openid_metadata_url=standin.metadata_url,
        ),
    )


@pytest.fixture
async def teams(
    app: App, standin: ConnectorStandIn, clock: FrozenClock
) -> AsyncIterator[TeamsHarness]:
    """The bot's own HTTP server with the Teams adapter, and a client that signs activities."""
    harness = TeamsHarness(app, standin, TeamsAdapter(app), clock)
    await harness.start()
    yield harness
    await harness.stop()
