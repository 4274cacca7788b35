"""Building python-telegram-bot's Application from settings."""

from __future__ import annotations

import logging
import os

from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter

from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from core.config import TelegramConfig

# Update kinds the bot acts on; Telegram sends nothing else.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")


def file_url(base_url: str) -> str:
    """The Bot API file address that belongs with a base URL (…/bot → …/file/bot)."""
    head, sep, tail = base_url.rpartition("/bot")
    return f"{head}/file/bot{tail}" if sep else base_url.rstrip("/") + "/file/bot"


def build_application(
    config: TelegramConfig,
    *,
    polling: bool,
    rate_limiter: BaseRateLimiter[int] | None = None,
) -> Application:
    """A PTB Application on the configured Bot API, with outbound rate limiting."""
    if not config.token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    # httpx logs every request URL at INFO, and Bot API URLs contain the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # Opt in to PTB's coming time periods (timedelta, not int seconds); without it every
    # RetryAfter from Telegram also raises a deprecation warning inside PTB.
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    builder = (
        ApplicationBuilder()
        .token(config.token)
        .base_url(config.base_url)
        .base_file_url(file_url(config.base_url))
        .rate_limiter(rate_limiter or TelegramRateLimiter())
    )
    # Polling: chats are served side by side (the adapter keeps each chat's updates in order).
    # Webhook: updates arrive on the bot's own aiohttp server, so PTB needs no updater.
    builder = builder.concurrent_updates(True) if polling else builder.updater(None)
    return builder.build()
