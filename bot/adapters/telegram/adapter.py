"""The Telegram adapter: builds python-telegram-bot's Application and wires the parts.

Updates arrive on ``POST /telegram/webhook`` (``webhook``) or by long polling, go
through PTB's Application (one TypeHandler) to ``listeners``, which translate them
(``inbound``), dispatch them and answer (``respond``, ``render``, ``outbound``). A
reply that cannot be sent now (Telegram kept answering 429, the network failed)
goes to the outbox, so it is delivered later instead of lost.
"""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from aiohttp import web
from telegram import Update
from telegram.error import TelegramError
from telegram.ext import Application, ApplicationBuilder, BaseRateLimiter, TypeHandler

from bot.adapters.base import Adapter, Target
from bot.adapters.telegram import inbound
from bot.adapters.telegram.callbacks import KEEP_FOR, CallbackCodec
from bot.adapters.telegram.identity import UsernameLinks
from bot.adapters.telegram.listeners import Listeners
from bot.adapters.telegram.menu import MENU_LANGUAGES, menu
from bot.adapters.telegram.outbound import TelegramSender
from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from bot.adapters.telegram.respond import Responder
from bot.adapters.telegram.webhook import WEBHOOK_PATH, TelegramWebhook
from bot.settings import SettingsError, telegram_mode
from core.config import TelegramConfig
from core.messages import Reply

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger("krokodil.telegram")

# Update kinds the bot acts on; Telegram sends nothing else.
ALLOWED_UPDATES = ("message", "callback_query", "my_chat_member")


class TelegramAdapter(Adapter):
    """Telegram through python-telegram-bot, webhook or long polling."""

    name = "telegram"
    supports_modals = False

    def __init__(self, app: App, *, rate_limiter: BaseRateLimiter[int] | None = None) -> None:
        self.app = app
        config = app.settings.telegram
        self.mode = telegram_mode(app.settings)
        if self.mode == "webhook" and not config.webhook_secret:
            raise SettingsError(
                "Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET; set it, "
                "or set TELEGRAM_MODE=polling"
            )
        self.secret = config.webhook_secret
        self.application: Application = build_application(
            config, polling=self.mode == "polling", rate_limiter=rate_limiter
        )
        self.codec = CallbackCodec(app.deps.uow, app.deps.clock)
        self.sender = TelegramSender(self.application.bot, self.codec)
        self.responder = Responder(self.sender, app.deps)
        self.identity = UsernameLinks(app.deps)
        self.listeners = Listeners(
            app.dispatcher, app.deps, self.codec, self.responder, self.identity
        )
        self.application.add_handler(TypeHandler(Update, self.listeners.on_update))
        self.application.add_error_handler(self.listeners.on_error)
        self.webhook = TelegramWebhook(
            self.secret,
            self.application.bot,
            self.application.process_update,
            self.ready,
            self.listeners.on_private_text,
        )
        self._ready = False

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (getMe), publish the command menu, then take updates."""
        await self.application.initialize()
        bot = self.application.bot
        self.listeners.me = inbound.BotIdentity(bot.id, bot.username)
        await self.publish_menu()
        await self.codec.forget_older_than(self.app.deps.clock.now() - KEEP_FOR)
        await self.responder.find_kept()
        if self.mode == "webhook":
            public = (self.app.settings.server.public_url or "").rstrip("/")
            await bot.set_webhook(
                url=public + WEBHOOK_PATH,
                secret_token=self.secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        else:
            await self.application.start()
            assert self.application.updater is not None
            await self.application.updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
        self._ready = True
        log.info("telegram started", extra={"mode": self.mode, "bot": bot.username})

    async def stop(self) -> None:
        """Stop taking updates; requests in flight still finish and sending keeps working."""
        self._ready = False
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()

    async def close(self) -> None:
        """Release the HTTP connections (after the outbox was flushed)."""
        await self.application.shutdown()

    def add_routes(self, web_app: web.Application) -> None:
        """Add POST /telegram/webhook to the bot's HTTP server."""
        self.webhook.add_routes(web_app)

    def ready(self) -> bool:
        """True while updates are taken."""
        return self._ready

    async def publish_menu(self) -> None:
        """setMyCommands in Dutch (the default) and English; only the commands offered here."""
        deps = self.app.deps
        for language, code in MENU_LANGUAGES:
            commands = menu(deps.registry, deps.translator(language), deps.settings)
            try:
                await self.application.bot.set_my_commands(commands, language_code=code)
            except TelegramError as error:
                log.warning("telegram command menu not set: %s", type(error).__name__)

    # -- outgoing --------------------------------------------------------------------------

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver an outbox message to a chat (a group) or a user's private chat."""
        return await self.sender.send(target, reply)


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
