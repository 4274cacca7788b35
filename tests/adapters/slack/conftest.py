"""Fixtures: the Slack stand-in, and the bot serving /slack/events with the real Bolt app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from aiohttp import web

from bot.adapters.slack import SlackAdapter
from bot.bootstrap import App
from bot.http import make_web_app
from core.config import Settings, SlackConfig
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET, SlackHarness


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The Slack Web API stand-in on a random local port."""
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
def settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    """Test settings with Slack in HTTP mode, pointed at the stand-in."""
    return replace(
        settings,
        slack=SlackConfig(api_url=fake_slack.api_url, bot_token="xoxb-test", signing_secret=SECRET),
    )


@pytest.fixture
async def slack(app: App, fake_slack: FakeSlack) -> AsyncIterator[SlackHarness]:
    """The bot's own HTTP server with the Slack adapter, and a client that signs requests."""
    adapter = SlackAdapter(app, pacing_seconds=0.0)
    app.add_adapter(adapter)
    runner = web.AppRunner(make_web_app(app))
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    await adapter.start()
    yield SlackHarness(app, adapter, fake_slack, f"http://{host}:{port}")
    await adapter.stop()
    await runner.cleanup()
