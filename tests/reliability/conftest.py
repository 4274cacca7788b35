"""Fixtures for the reliability tests: the backend switch and a bot serving Slack and Telegram
over real HTTP against the local stand-ins."""

from __future__ import annotations

import logging
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from bot.adapters.slack import SlackAdapter
from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from bot.bootstrap import App
from core.config import ServerConfig, Settings, SlackConfig, TelegramConfig
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET as SLACK_SECRET
from tests.adapters.slack.harness import SlackHarness
from tests.adapters.telegram.harness import SECRET as TELEGRAM_SECRET
from tests.adapters.telegram.harness import TelegramHarness
from tests.adapters.telegram.standin import TOKEN, BotApiStandIn
from tests.conftest import BACKEND
from tests.reliability.botproc import SlowBotApi

postgresql_only = pytest.mark.skipif(
    BACKEND != "postgresql", reason="needs PostgreSQL (run with KROKODIL_TEST_DB=postgresql)"
)


@pytest.fixture
async def api() -> AsyncIterator[SlowBotApi]:
    """The Bot API stand-in for a bot process (it serves Telegram too)."""
    stand_in = SlowBotApi()
    await stand_in.start()
    yield stand_in
    await stand_in.stop()


@pytest.fixture
async def fake(request: pytest.FixtureRequest) -> AsyncIterator[FakeSlack]:
    """The Slack stand-in for a bot process, with a member per request of the test module's
    burst (`BURST`): U000, U001, …"""
    stand_in = FakeSlack()
    await stand_in.start()
    for n in range(request.module.BURST):
        stand_in.add_user(f"U{n:03d}")
    yield stand_in
    await stand_in.close()


@dataclass
class Platforms:
    """The bot's one HTTP server with both adapters, and a client for each platform."""

    slack: SlackHarness
    telegram: TelegramHarness

    @property
    def base_url(self) -> str:
        """http://127.0.0.1:<port> of the bot."""
        return self.slack.url


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The Slack Web API stand-in."""
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


@pytest.fixture
async def bot_api() -> AsyncIterator[BotApiStandIn]:
    """The Telegram Bot API stand-in."""
    api = BotApiStandIn()
    await api.start()
    yield api
    await api.stop()


def with_platforms(settings: Settings, fake: FakeSlack, api: BotApiStandIn) -> Settings:
    """Settings with Slack in HTTP mode and Telegram in webhook mode, on the stand-ins."""
    return replace(
        settings,
        server=ServerConfig(host="127.0.0.1", port=0, public_url="https://krokodil.example.org"),
        slack=SlackConfig(api_url=fake.api_url, bot_token="xoxb-test", signing_secret=SLACK_SECRET),
        telegram=TelegramConfig(
            base_url=api.base_url, token=TOKEN, webhook_secret=TELEGRAM_SECRET, mode="webhook"
        ),
    )


async def serve_platforms(
    app: App, fake: FakeSlack, api: BotApiStandIn, *, slack_retries: int = 3
) -> Platforms:
    """Start the bot's HTTP server with Slack (HTTP mode) and Telegram (webhook mode)."""
    slack = SlackAdapter(app, pacing_seconds=0.0, rate_limit_retries=slack_retries)
    app.add_adapter(slack)
    telegram = TelegramAdapter(app, rate_limiter=TelegramRateLimiter(private_per_second=0))
    # The Telegram harness builds the web app from every adapter the bot has: both routes.
    harness = TelegramHarness(app, api, telegram)
    await harness.start()
    base = harness.url.removesuffix("/telegram/webhook")
    return Platforms(SlackHarness(app, slack, fake, base), harness)


async def stop_platforms(platforms: Platforms) -> None:
    """Stop both adapters and the server."""
    await platforms.slack.adapter.stop()
    await platforms.telegram.stop()


def crash_site(record: logging.LogRecord) -> str:
    """The exception of a log record and the last line of ours it passed through."""
    if not record.exc_info or record.exc_info[1] is None:
        return ""
    error = record.exc_info[1]
    frames = traceback.extract_tb(error.__traceback__)
    root = str(Path(__file__).resolve().parents[2]) + "/"
    ours = [f for f in frames if f.filename.startswith(root) and "/.venv/" not in f.filename]
    where = f"{ours[-1].filename.removeprefix(root)}:{ours[-1].lineno}" if ours else "?"
    last = frames[-1] if frames else None
    inside = f" (raised in {last.filename.rsplit('/', 1)[-1]}:{last.lineno})" if last else ""
    return f"{type(error).__name__}: {str(error)[:120]} at {where}{inside}"


@pytest.fixture
def crashes(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    """The captured log (read at assertion time: pytest renews the list per test phase)."""
    caplog.set_level(logging.WARNING)
    return caplog


def assert_calm(log: pytest.LogCaptureFixture) -> None:
    """Nothing was logged as an error or with a traceback (named by where it was raised)."""
    bad = [r for r in log.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [f"{r.name}: {r.getMessage()} {crash_site(r)}" for r in bad]
