"""The Slack adapter: builds the parts and wires a Bolt AsyncApp to the dispatcher.

HTTP mode serves ``POST /slack/events`` on the bot's own aiohttp server (``webhook``);
Socket Mode (set SLACK_APP_TOKEN) opens an outbound WebSocket instead, for
networks that accept no inbound connections. Both feed the same ``listeners``.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import Adapter, Target
from bot.adapters.slack.direct import DirectCommands
from bot.adapters.slack.form_opener import FormOpener
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.identity import ProfileCache
from bot.adapters.slack.listeners import COMMANDS, Listeners
from bot.adapters.slack.outbound import ChannelPacer, SlackSender, error_code
from bot.adapters.slack.recovery import InboxRecovery
from bot.adapters.slack.respond import Responder
from bot.adapters.slack.webhook import SlackWebhook
from bot.settings import SettingsError
from core.config import SlackConfig
from core.messages import Reply

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger("krokodil.slack")


def check_config(config: SlackConfig) -> None:
    """Refuse to start with settings Slack would reject later, naming what is missing."""
    if not config.bot_token:
        raise SettingsError("Slack needs SLACK_BOT_TOKEN (the xoxb- bot token)")
    if not config.socket_mode and not config.signing_secret:
        raise SettingsError(
            "Slack HTTP mode needs SLACK_SIGNING_SECRET (Basic Information → Signing Secret), "
            "or set SLACK_APP_TOKEN to use Socket Mode instead"
        )


def configure_client(
    client: AsyncWebClient, config: SlackConfig, rate_limit_retries: int = 3
) -> AsyncWebClient:
    """Point the Web API client at slack.api_url and let it wait out 429s (Retry-After)."""
    client.base_url = config.api_url if config.api_url.endswith("/") else config.api_url + "/"
    client.retry_handlers = [
        AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
    ]
    return client


class SlackStartError(RuntimeError):
    """Slack refused to let the bot connect; the message says which setting to check."""


class SlackAdapter(Adapter):
    """Slack: slash commands, buttons, modals, mentions, DMs, App Home; outbound posts."""

    name = "slack"
    supports_modals = True

    def __init__(
        self,
        app: App,
        *,
        pacing_seconds: float = 1.0,
        rate_limit_retries: int = 3,
        profile_ttl: float = 3600.0,
    ) -> None:
        config = app.settings.slack
        check_config(config)
        self.config = config
        # Bolt builds its own client from the token (handing it one makes Bolt warn, because
        # it also reads SLACK_BOT_TOKEN from the environment); we then configure that client.
        self.bolt = AsyncApp(
            token=config.bot_token,
            signing_secret=config.signing_secret or "",
            # Socket Mode requests arrive over our own authenticated WebSocket, unsigned.
            request_verification_enabled=not config.socket_mode,
            logger=logging.getLogger("krokodil.slack.bolt"),
        )
        self.client = configure_client(self.bolt.client, config, rate_limit_retries)
        self.sender = SlackSender(self.client, ChannelPacer(pacing_seconds))
        self.profiles = ProfileCache(self.client, ttl=profile_ttl)
        forms = FormOpener(app.dispatcher, self.client)
        self.responder = Responder(app.deps, self.sender, forms)
        self.listeners = Listeners(
            app.dispatcher,
            app.deps,
            self.profiles,
            self.responder,
            forms,
            HomePublisher(app.dispatcher, self.client, self.profiles),
        )
        self.listeners.attach(self.bolt)
        self.recovery = InboxRecovery(
            app.deps, self.listeners, interval=max(app.settings.bot.tick_seconds, 1.0)
        )
        self.webhook = (
            SlackWebhook(
                self.bolt,
                config.signing_secret,
                DirectCommands(
                    self.bolt,
                    self.listeners.command,
                    COMMANDS,
                    self.client,
                    passing=(self.listeners.free_text.before_ack,),
                ),
            )
            if config.signing_secret
            else None
        )
        self._socket: AsyncSocketModeHandler | None = None

    def add_routes(self, web_app: web.Application) -> None:
        """POST /slack/events on the bot's HTTP server (HTTP mode only)."""
        if self.webhook is not None and not self.config.socket_mode:
            self.webhook.add_routes(web_app)

    async def start(self) -> None:
        """HTTP mode is served by the web app; Socket Mode connects out now. Either way the
        inbox is looked at for what a stopped process acknowledged and left unanswered."""
        self.recovery.start()
        app_token = self.config.app_token
        if app_token:
            self._socket = AsyncSocketModeHandler(
                self.bolt, app_token=app_token, web_client=self.client
            )
            # The socket client retries failed connections forever, which is right for a
            # network hiccup but hides a wrong token; so ask for the first address ourselves.
            try:
                opened = await self.client.apps_connections_open(app_token=app_token)
            except SlackApiError as error:
                code = error_code(error)
                raise SlackStartError(
                    f"Slack Socket Mode could not connect ({code}): check SLACK_APP_TOKEN "
                    "(an xapp- token with the connections:write scope)"
                ) from error
            self._socket.client.wss_uri = opened["url"]
            await self._socket.connect_async()
            log.info("slack socket mode connected")

    async def stop(self) -> None:
        """Stop taking events and let work after acknowledgements finish."""
        await self.recovery.stop()
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.listeners.drain()

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver an outbox message: a DM (conversations.open) or a channel post."""
        return await self.sender.send(target, reply)

    async def account_for_email(self, email: str) -> str | None:
        """The workspace member with this e-mail (users.lookupByEmail), for first contact."""
        return await self.profiles.user_for_email(email)

    async def drain(self) -> None:
        """Wait for work started after acknowledgements (tests, shutdown)."""
        await self.listeners.drain()
