"""The Teams adapter: activities in through the Agents SDK's CloudAdapter, answers out.

``webhook`` authenticates and checks a request, the SDK's ``CloudAdapter`` turns it into a
turn (its connection manager gets tokens from our ``ClientCredentials``), and ``listeners``
handles the activity. Outbox messages (handover requests, reminders, channel posts) go to
stored conversation references, or to a 1:1 chat created for the person.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from aiohttp import web
from microsoft_agents.hosting.aiohttp import CloudAdapter

from bot.adapters.base import Adapter, DeliveryError, Target, Undeliverable
from bot.adapters.teams import inbound, render, webhook
from bot.adapters.teams.auth import SigningKeys, TokenValidator
from bot.adapters.teams.identity import Profiles
from bot.adapters.teams.listeners import Listeners
from bot.adapters.teams.outbound import Connector
from bot.adapters.teams.presses import Presses
from bot.adapters.teams.references import ConversationBook, chat_key, user_key
from bot.adapters.teams.respond import Responder
from bot.adapters.teams.tokens import ClientCredentials, connection_manager
from core.messages import Reply

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger("krokodil.teams")


class TeamsAdapter(Adapter):
    """Microsoft Teams through the Microsoft 365 Agents SDK."""

    name = "teams"
    # Teams cards hold inputs: forms are shown whole, not asked step by step.
    supports_modals = True

    def __init__(self, app: App, *, connector: Connector | None = None) -> None:
        self.app = app
        config = app.settings.teams
        if not (config.app_id and config.app_password and config.tenant_id):
            raise ValueError("Teams needs TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID")
        inbound.quiet_sdk_validation_logs()
        self.tokens = ClientCredentials(config)
        self.keys = SigningKeys(config.openid_metadata_url)
        self.validator = TokenValidator(self.keys, config.app_id, app.deps.clock.now)
        self.connector = connector or Connector(self.tokens, rng=app.deps.rng)
        self.book = ConversationBook(app.deps.uow, app.deps.clock)
        self.profiles = Profiles(self.connector, app.deps.uow)
        self.responder = Responder(self.connector, self.book, app.deps, config.tenant_id)
        self.presses = Presses(app.dispatcher, app.deps, self.responder, self.profiles)
        self.listeners = Listeners(
            app.dispatcher, app.deps, self.book, self.profiles, self.responder, self.presses
        )
        self.cloud = CloudAdapter(connection_manager=connection_manager(self.tokens))
        # The SDK's default posts the exception text into the chat; ours only logs it.
        self.cloud.on_turn_error = self.listeners.on_turn_error
        self._ready = False

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Take activities (Teams calls us; there is nothing to connect to first)."""
        self._ready = True
        log.info("teams started", extra={"app": self.app.settings.teams.app_id})

    async def stop(self) -> None:
        """Stop taking activities; sending keeps working for the outbox flush."""
        self._ready = False

    async def close(self) -> None:
        """Release the HTTP connections (after the outbox was flushed)."""
        await self.connector.close()
        await self.tokens.close()
        await self.keys.close()

    def ready(self) -> bool:
        """True while activities are taken."""
        return self._ready

    def add_routes(self, web_app: web.Application) -> None:
        """Add POST /api/messages to the bot's HTTP server."""
        handler = webhook.make_handler(self.validator, self._process, self.ready)
        web_app.router.add_post(webhook.WEBHOOK_PATH, handler)

    async def _process(self, request: web.Request) -> web.StreamResponse:
        response = await self.cloud.process(request, self.listeners)
        return response if response is not None else web.Response(status=202)

    # -- outgoing --------------------------------------------------------------------------

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver an outbox message to a person's 1:1 chat or a channel the bot was in."""
        activity = render.message(reply, self.app.deps.translator(None))
        if activity is None:
            return ""
        chat = target.chat or ""
        if chat.startswith("user:") or (not chat and target.user):
            account = chat.removeprefix("user:") if chat else (target.user or "").lower()
            key = user_key(account)
            ref = await self.responder.personal_chat(account, None, None)
        else:
            key = chat_key(chat)
            found = await self.book.find(key)
            if found is None:
                raise DeliveryError("the bot has not been in this Teams conversation")
            ref = found
        try:
            return await self.connector.send(ref.service_url, ref.conversation_id, activity, None)
        except Undeliverable:
            self.book.forget(key)
            raise
