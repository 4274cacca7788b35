"""Webhook or long polling, chosen by settings; webhook mode refuses to start without its secret."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.adapters.telegram import TelegramAdapter
from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from bot.bootstrap import App
from bot.runtime import platform_adapters
from bot.settings import SettingsError, load_settings, telegram_mode
from tests.adapters.telegram.harness import User
from tests.adapters.telegram.standin import BotApiStandIn

TOKEN_ENV = {"TELEGRAM_BOT_TOKEN": "123:abc"}


def test_mode_defaults_to_webhook_with_a_public_url_else_polling() -> None:
    assert telegram_mode(load_settings(None, env=TOKEN_ENV)) == "polling"
    env = {**TOKEN_ENV, "KROKODIL_PUBLIC_URL": "https://k.example.org"}
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        load_settings(None, env=env)
    ok = load_settings(None, env={**env, "TELEGRAM_WEBHOOK_SECRET": "abc_DEF-123"})
    assert telegram_mode(ok) == "webhook"
    polling = load_settings(None, env={**env, "TELEGRAM_MODE": "polling"})
    assert telegram_mode(polling) == "polling"


def test_webhook_mode_needs_a_public_url_and_a_valid_secret() -> None:
    with pytest.raises(SettingsError, match="public_url"):
        load_settings(
            None, env={**TOKEN_ENV, "TELEGRAM_MODE": "webhook", "TELEGRAM_WEBHOOK_SECRET": "x"}
        )
    with pytest.raises(SettingsError, match="may hold only"):
        load_settings(
            None,
            env={
                **TOKEN_ENV,
                "KROKODIL_PUBLIC_URL": "https://k.example.org",
                "TELEGRAM_WEBHOOK_SECRET": "no spaces allowed",
            },
        )


def test_the_token_and_secret_never_show_in_settings() -> None:
    settings = load_settings(
        None, env={**TOKEN_ENV, "TELEGRAM_WEBHOOK_SECRET": "geheim_123", "TELEGRAM_MODE": "polling"}
    )
    assert "123:abc" not in repr(settings) and "geheim_123" not in repr(settings)


async def test_run_starts_telegram_when_its_token_is_set(app: App) -> None:
    [adapter] = platform_adapters(app)
    assert isinstance(adapter, TelegramAdapter)
    assert adapter.mode == "webhook" and not adapter.supports_modals
    without_secret = replace(app.settings.telegram, webhook_secret=None)
    app.settings = replace(app.settings, telegram=without_secret)
    with pytest.raises(SettingsError, match="TELEGRAM_WEBHOOK_SECRET"):
        platform_adapters(app)
    app.settings = replace(app.settings, telegram=replace(without_secret, token=None))
    assert platform_adapters(app) == []


async def test_long_polling_takes_updates_without_a_webhook(
    app: App, bot_api: BotApiStandIn
) -> None:
    app.settings = replace(app.settings, telegram=replace(app.settings.telegram, mode="polling"))
    adapter = TelegramAdapter(app, rate_limiter=TelegramRateLimiter(private_per_second=50))
    app.add_adapter(adapter)
    await adapter.start()
    try:
        user = User(4242, "Fatima")
        bot_api.updates.append(
            {
                "update_id": 9001,
                "message": {
                    "message_id": 1,
                    "date": 1,
                    "chat": {"id": user.id, "type": "private"},
                    "from": user.as_json(),
                    "text": "/help",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                },
            }
        )
        await bot_api.wait_until(lambda: bool(bot_api.texts_to(user.id)))
    finally:
        await adapter.stop()
        await adapter.close()
    assert bot_api.texts_to(user.id)[0].startswith("<b>Wat ik kan</b>")
    assert bot_api.ok("deleteWebhook") and not bot_api.ok("setWebhook")
    assert bot_api.ok("setMyCommands")
