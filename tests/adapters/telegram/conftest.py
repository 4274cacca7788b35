"""Fixtures: a Bot API stand-in, settings pointing at it, and the bot serving its webhook."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from bot.bootstrap import App
from core.config import ServerConfig, Settings, TelegramConfig
from tests.adapters.telegram.harness import SECRET, TelegramHarness
from tests.adapters.telegram.standin import TOKEN, BotApiStandIn


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    """The stand-in Bot API on a random local port."""
    api = BotApiStandIn()
    await api.start()
    yield api
    await api.stop()
    assert not api.refusals, f"the bot sent what Telegram refuses: {api.refusals}"


@pytest.fixture
def settings(settings: Settings, bot_api: BotApiStandIn) -> Settings:
    """Telegram on, in webhook mode, talking to the stand-in."""
    return replace(
        settings,
        server=ServerConfig(host="127.0.0.1", port=0, public_url="https://krokodil.example.org"),
        telegram=TelegramConfig(
            base_url=bot_api.base_url, token=TOKEN, webhook_secret=SECRET, mode="webhook"
        ),
    )


@pytest.fixture
async def telegram(app: App, bot_api: BotApiStandIn) -> AsyncIterator[TelegramHarness]:
    """The running bot with its Telegram webhook (private-chat pacing sped up for tests)."""
    adapter = TelegramAdapter(app, rate_limiter=TelegramRateLimiter(private_per_second=50))
    harness = TelegramHarness(app, bot_api, adapter)
    await harness.start()
    yield harness
    await harness.stop()
