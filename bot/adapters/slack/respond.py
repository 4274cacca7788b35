"""Answering the person who just did something, where they did it: the response_url, their
DM, an ephemeral message or a thread; a form as a modal; the outbox when Slack refuses.

A slash command whose answer is not ready within the acknowledgement window is acknowledged
with a short placeholder ("Even zoeken…"). Its answer then replaces that message through
the command's ``response_url`` (``replace_original``), so an answer sent a second time after
a crash replaces the same message instead of adding one. Slack never changes a message from
ephemeral to in channel, so the placeholder is shown as the answer will be.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from bot.adapters.base import DeliveryError, defer_to_outbox
from bot.adapters.slack.form_opener import FormOpener
from bot.adapters.slack.identity import SlackProfile
from bot.adapters.slack.outbound import SLACK_FAILURES, SlackSender
from bot.adapters.slack.render import fallback_text, reply_blocks
from core.i18n import N_
from core.messages import Invocation, Recipient, Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

Respond = Callable[..., Awaitable[Any]]
# The acknowledgement of a command still being worked on; its answer replaces it.
PLACEHOLDER = N_("Even zoeken…")


class Responder:
    """Shows a reply to one invocation, with the outbox as the fallback."""

    def __init__(self, deps: Deps, sender: SlackSender, forms: FormOpener) -> None:
        self.deps = deps
        self.sender = sender
        self.forms = forms

    async def answer(
        self,
        inv: Invocation,
        reply: Reply,
        profile: SlackProfile,
        *,
        trigger_id: str | None = None,
        respond: Respond | None = None,
        thread_ts: str | None = None,
        placeholder: dict[str, Any] | None = None,
    ) -> None:
        """Show a reply to the person who asked, where they asked (replacing the `placeholder`
        that acknowledged it, when there was one)."""
        if reply.data.get("duplicate"):
            return
        if reply.form is not None:
            tr = self.deps.translator(profile.locale)
            offered = await self.forms.offer(inv, reply, tr, trigger_id)
            if offered is None:
                return
            reply = offered
        try:
            await self._show(inv, reply, respond, thread_ts, placeholder)
        except SLACK_FAILURES as error:
            log.warning("answer failed, queued for retry: %s", type(error).__name__)
            await self.queue_for(inv.account, reply)

    async def in_ack(
        self, inv: Invocation, reply: Reply, profile: SlackProfile, trigger_id: Any
    ) -> dict[str, Any] | None:
        """A command's reply as the body of its acknowledgement ({}: a plain acknowledgement,
        the form opened as a modal); None when it cannot travel there (files, a duplicate)."""
        if reply.data.get("duplicate") or reply.attachments:
            return None
        if reply.form is not None:
            tr = self.deps.translator(profile.locale)
            trigger = trigger_id if isinstance(trigger_id, str) else None
            offered = await self.forms.offer(inv, reply, tr, trigger)
            if offered is None:
                return {}
            reply = offered
        in_app_dm = await self._in_app_dm(inv)
        return {
            "text": fallback_text(reply),
            "blocks": reply_blocks(reply),
            "response_type": "in_channel" if in_app_dm else "ephemeral",
        }

    def placeholder(self, in_app_dm: bool, language: str | None) -> dict[str, Any]:
        """The acknowledgement of a command whose answer is not ready: a short message in the
        asker's language, shown as the answer will be (Slack keeps a message's visibility)."""
        text = self.deps.translator(language).gettext(PLACEHOLDER)
        return {"text": text, "response_type": "in_channel" if in_app_dm else "ephemeral"}

    async def in_app_dm(self, inv: Invocation) -> bool:
        """Asked in the DM with the bot (where answers are `in_channel`)."""
        return await self._in_app_dm(inv)

    def in_app_dm_known(self, inv: Invocation) -> bool | None:
        """Asked in the DM with the bot, when that is known without asking Slack (None:
        a direct conversation other than the asker's own id, which Slack must tell)."""
        if inv.chat == inv.account:
            return True
        return None if inv.is_direct else False

    async def _in_app_dm(self, inv: Invocation) -> bool:
        """Asked in the DM with the bot, which only the asker reads."""
        known = self.in_app_dm_known(inv)
        if known is not None:
            return known
        return inv.chat == await self._dm_or_none(inv.account)

    async def _show(
        self,
        inv: Invocation,
        reply: Reply,
        respond: Respond | None,
        thread_ts: str | None,
        placeholder: dict[str, Any] | None = None,
    ) -> None:
        user = inv.account
        in_app_dm = await self._in_app_dm(inv)
        if respond is not None:
            # Only the asker reads the DM with the bot, so answers there may stay put;
            # anywhere else they are for the asker's eyes only. An answer to a placeholder
            # replaces it, as it was shown: sent twice, it is still one message.
            if placeholder is not None:
                shown_as = str(placeholder.get("response_type") or "ephemeral")
            else:
                shown_as = "in_channel" if in_app_dm else "ephemeral"
            response = await respond(
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
                response_type=shown_as,
                replace_original=placeholder is not None,
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
        await defer_to_outbox(
            self.deps, Recipient(platform="slack", chat=user), reply, kind="slack_retry"
        )
