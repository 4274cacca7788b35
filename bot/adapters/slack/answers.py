"""Showing a reply to whoever asked, where they asked: response_url, DM, ephemeral, thread,
a modal, or the App Home; and the outbox when Slack refuses.

A form can only open as a modal with a fresh trigger id (a command or a click). A form
that comes from a mention or a DM (no trigger) waits on a shelf and the answer gets an
"open the form" button; the click brings the trigger.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import DeliveryError
from bot.adapters.slack import modals
from bot.adapters.slack.blocks import fallback_text, reply_blocks
from bot.adapters.slack.home import home_view
from bot.adapters.slack.identity import ProfileCache, SlackProfile
from bot.adapters.slack.outbound import SlackSender
from bot.dispatch import Dispatcher
from core import outbox
from core.i18n import Translator
from core.messages import Button, Form, Invocation, Recipient, Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

Respond = Callable[..., Awaitable[Any]]
SLACK_FAILURES = (
    DeliveryError,
    SlackApiError,
    SlackClientError,
    ClientError,
    OSError,
    TimeoutError,
)
# The button that opens a shelved form; handled by the adapter, not by a capability.
OPEN_FORM_ACTION = "slack.open_form"
SHELF_SECONDS = 3600.0


class FormShelf:
    """Forms waiting for a click that brings a trigger id (kept in memory for an hour)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._forms: dict[str, tuple[float, Form, str]] = {}

    def put(self, form: Form, chat: str) -> str:
        """Keep a form; returns the key for the button's value."""
        now = self._monotonic()
        self._forms = {k: v for k, v in self._forms.items() if v[0] > now}
        key = secrets.token_urlsafe(12)
        self._forms[key] = (now + SHELF_SECONDS, form, chat)
        return key

    def restore(self, key: str, form: Form, chat: str) -> None:
        """Put a taken form back under its key (its button may be pressed again)."""
        self._forms[key] = (self._monotonic() + SHELF_SECONDS, form, chat)

    def __contains__(self, key: str) -> bool:
        found = self._forms.get(key)
        return found is not None and found[0] > self._monotonic()

    def take(self, key: str) -> tuple[Form, str] | None:
        """The form and its chat, once; None when unknown or expired (e.g. after a restart)."""
        found = self._forms.pop(key, None)
        if found is None or found[0] <= self._monotonic():
            return None
        return found[1], found[2]


class Responder:
    """Everything that answers the person who just did something."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        deps: Deps,
        client: AsyncWebClient,
        sender: SlackSender,
        profiles: ProfileCache,
    ) -> None:
        self.dispatcher = dispatcher
        self.deps = deps
        self.client = client
        self.sender = sender
        self.profiles = profiles
        self.shelf = FormShelf()

    def translator(self, profile: SlackProfile) -> Translator:
        """The user's language as far as Slack knows it (the directory may say otherwise)."""
        return self.deps.translator(profile.locale)

    async def answer(
        self,
        inv: Invocation,
        reply: Reply,
        profile: SlackProfile,
        *,
        trigger_id: str | None = None,
        respond: Respond | None = None,
        thread_ts: str | None = None,
    ) -> None:
        """Show a reply to the person who asked, where they asked."""
        if reply.data.get("duplicate"):
            return
        if reply.form is not None:
            tr = self.translator(profile)
            form = await self.dispatcher.with_suggestions(inv, reply.form)
            if trigger_id and await self.open_form(trigger_id, form, tr, inv.chat) is not None:
                return
            key = self.shelf.put(form, inv.chat)
            label = form.title or tr.gettext("Formulier openen")
            reply = replace(
                reply,
                form=None,
                text=reply.text or tr.gettext("Vul het formulier in:"),
                buttons=(*reply.buttons, Button(label, OPEN_FORM_ACTION, key, "primary")),
            )
        try:
            await self._show(inv, reply, respond, thread_ts)
        except SLACK_FAILURES as error:
            log.warning("answer failed, queued for retry: %s", type(error).__name__)
            await self.queue_for(inv.account, reply)

    async def open_shelved(self, key: str, trigger_id: str | None, profile: SlackProfile) -> bool:
        """The 'open the form' button: open the shelved form; False when it did not open.

        A form Slack would not open (a trigger that expired on the way) stays on the shelf,
        so the same button works again.
        """
        found = self.shelf.take(key)
        if found is None:
            return False
        form, chat = found
        tr = self.translator(profile)
        if trigger_id and await self.open_form(trigger_id, form, tr, chat) is not None:
            return True
        self.shelf.restore(key, form, chat)
        return False

    async def _show(
        self, inv: Invocation, reply: Reply, respond: Respond | None, thread_ts: str | None
    ) -> None:
        user = inv.account
        in_app_dm = inv.chat == user or (inv.is_direct and inv.chat == await self._dm_or_none(user))
        if respond is not None:
            # Only the asker reads the DM with the bot, so answers there may stay put;
            # anywhere else they are for the asker's eyes only.
            response = await respond(
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
                response_type="in_channel" if in_app_dm else "ephemeral",
                replace_original=False,
            )
            status = getattr(response, "status_code", 200)
            if status != 200:
                raise DeliveryError(f"response_url answered {status}")
            if reply.attachments:
                await self.sender.attachments_to(user, reply.attachments)
        elif in_app_dm:
            await self.sender.post(await self.sender.dm_channel(user), reply, thread_ts=thread_ts)
        elif reply.private:
            await self.sender.post_ephemeral(inv.chat, user, reply, thread_ts=thread_ts)
        else:
            await self.sender.post(inv.chat, reply, thread_ts=thread_ts)

    async def _dm_or_none(self, user: str) -> str | None:
        try:
            return await self.sender.dm_channel(user)
        except DeliveryError:
            return None

    async def to_user(self, user: str, reply: Reply) -> None:
        """A message in the user's DM with the bot (results of modals)."""
        try:
            await self.sender.post(await self.sender.dm_channel(user), reply)
        except DeliveryError:
            await self.queue_for(user, reply)

    async def queue_for(self, user: str, reply: Reply) -> None:
        """Slack failed: hand the answer to the outbox, which retries it into the user's DM."""
        async with self.deps.uow() as uow:
            await outbox.enqueue(
                uow.session,
                Recipient(platform="slack", chat=user),
                reply,
                now=self.deps.clock.now(),
                kind="slack_retry",
            )
            await uow.commit()
        self.deps.wake_delivery()

    async def open_form(
        self, trigger_id: str, form: Form, tr: Translator, chat: str
    ) -> dict[str, Any] | None:
        """views.open for a form: the opened view, or None when Slack refused (stale trigger)."""
        try:
            response = await self.client.views_open(
                trigger_id=trigger_id, view=modals.form_view(form, tr, chat)
            )
        except SLACK_FAILURES as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else None
            log.warning("views.open failed: %s", code or type(error).__name__)
            return None
        view = response.get("view")
        return view if isinstance(view, dict) else {}

    async def refine_form(
        self, opened: dict[str, Any], form: Form, inv: Invocation, tr: Translator
    ) -> None:
        """Replace an instantly opened modal with one holding suggested choices, if any."""
        better = await self.dispatcher.with_suggestions(inv, form)
        if better == form or not opened.get("id"):
            return
        try:
            await self.client.views_update(
                view_id=opened["id"],
                hash=opened.get("hash"),
                view=modals.form_view(better, tr, inv.chat),
            )
        except SLACK_FAILURES as error:
            # E.g. hash_conflict: the user already moved on; the plain form still works.
            log.info("views.update skipped: %s", type(error).__name__)

    async def publish_home(self, user: str) -> None:
        """Build the home from the hidden 'home' command and publish it (views.publish)."""
        profile = await self.profiles.get(user)
        inv = Invocation(
            platform="slack",
            account=user,
            chat=user,
            text="/home",
            email_hint=profile.email,
            language_hint=profile.locale,
            display_name=profile.name,
        )
        reply = await self.dispatcher.handle(inv)
        try:
            await self.client.views_publish(user_id=user, view=home_view(reply))
        except SLACK_FAILURES as error:
            log.warning("views.publish failed: %s", type(error).__name__)
