"""The Slack adapter: a Bolt AsyncApp wired to the dispatcher, over HTTP or Socket Mode.

HTTP mode serves ``POST /slack/events`` on the bot's own aiohttp server;
Socket Mode (set SLACK_APP_TOKEN) opens an outbound WebSocket instead, for
networks that accept no inbound connections. Both feed the same listeners.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from aiohttp import web
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import Adapter, Target
from bot.adapters.slack import modals
from bot.adapters.slack.identity import ProfileCache
from bot.adapters.slack.interactions import Interactions
from bot.adapters.slack.outbound import ChannelPacer, SlackSender
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


def web_client(config: SlackConfig, rate_limit_retries: int = 3) -> AsyncWebClient:
    """The Web API client: honours slack.api_url and retries 429s after Retry-After."""
    base_url = config.api_url if config.api_url.endswith("/") else config.api_url + "/"
    return AsyncWebClient(
        token=config.bot_token,
        base_url=base_url,
        retry_handlers=[
            AsyncRateLimitErrorRetryHandler(max_retry_count=rate_limit_retries),
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
        ],
    )


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
        self.client = web_client(config, rate_limit_retries)
        self.bolt = AsyncApp(
            client=self.client,
            signing_secret=config.signing_secret or "",
            # Socket Mode requests arrive over our own authenticated WebSocket, unsigned.
            request_verification_enabled=not config.socket_mode,
            logger=logging.getLogger("krokodil.slack.bolt"),
        )
        self.sender = SlackSender(self.client, ChannelPacer(pacing_seconds))
        self.profiles = ProfileCache(self.client, ttl=profile_ttl)
        self.interactions = Interactions(
            app.dispatcher, app.deps, self.client, self.sender, self.profiles
        )
        self.webhook = (
            SlackWebhook(self.bolt, config.signing_secret) if config.signing_secret else None
        )
        self._socket: AsyncSocketModeHandler | None = None
        self._register()

    def _register(self) -> None:
        bolt, on = self.bolt, self.interactions
        bolt.command(re.compile(r"^/"))(on.command)
        bolt.action(re.compile(r".*"))(on.action)
        bolt.view_submission(modals.CALLBACK_ID)(on.view_submission)
        bolt.event("app_mention")(on.mention)
        bolt.event("message")(on.direct_message)
        bolt.event("app_home_opened")(on.home_opened)
        # Anything else we are subscribed to (or Slack adds) is acknowledged, so not retried.
        bolt.event(re.compile(r".*"))(_ignore)

    def add_routes(self, web_app: web.Application) -> None:
        """POST /slack/events on the bot's HTTP server (HTTP mode only)."""
        if self.webhook is not None and not self.config.socket_mode:
            self.webhook.add_routes(web_app)

    async def start(self) -> None:
        """HTTP mode is served by the web app; Socket Mode connects out now."""
        if self.config.socket_mode:
            self._socket = AsyncSocketModeHandler(
                self.bolt, app_token=self.config.app_token, web_client=self.client
            )
            await self._socket.connect_async()
            log.info("slack socket mode connected")

    async def stop(self) -> None:
        """Stop taking events and let work after acknowledgements finish."""
        if self._socket is not None:
            await self._socket.close_async()
            self._socket = None
        await self.interactions.drain()

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver an outbox message: a DM (conversations.open) or a channel post."""
        return await self.sender.send(target, reply)

    async def account_for_email(self, email: str) -> str | None:
        """The workspace member with this e-mail (users.lookupByEmail), for first contact."""
        return await self.profiles.user_for_email(email)

    async def drain(self) -> None:
        """Wait for work started after acknowledgements (tests, shutdown)."""
        await self.interactions.drain()


async def _ignore(event: dict[str, Any]) -> None:
    """Events we do not act on."""
