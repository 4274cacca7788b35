"""Sending to Slack: pacing per channel, 429 retries, DMs, files; failures become DeliveryError.

Slack allows about one message per second per channel; the pacer spaces posts
to the same channel by reserving slots, so concurrent senders queue up in
order. 429 answers are retried by slack_sdk's rate-limit retry handler
(honouring Retry-After); whatever still fails raises
:class:`bot.adapters.base.DeliveryError`, so the outbox tries again later.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.base import DeliveryError, Target
from bot.adapters.slack.render import fallback_text, reply_blocks
from core.messages import Attachment, Reply

log = logging.getLogger("krokodil.slack.outbound")

# What a Slack Web API call may raise when Slack or the network fails.
SLACK_FAILURES = (
    DeliveryError,
    SlackApiError,
    SlackClientError,
    ClientError,
    OSError,
    TimeoutError,
)


def error_code(error: SlackApiError) -> str:
    """Slack's error code, or the HTTP status when the answer was no Slack JSON (an HTML 5xx)."""
    # slack_sdk puts the raw aiohttp response (no .get) in the error when the body is not JSON.
    data = getattr(error.response, "data", None)
    code = data.get("error") if isinstance(data, dict) else None
    if isinstance(code, str):
        return code
    status = getattr(error.response, "status_code", None) or getattr(error.response, "status", "?")
    return f"http {status}"


class ChannelPacer:
    """At most one post per `interval` seconds per channel."""

    def __init__(
        self,
        interval: float = 1.0,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.interval = interval
        self._monotonic = monotonic
        self._sleep = sleep
        self._next: dict[str, float] = {}

    async def wait(self, channel: str) -> None:
        """Wait for this channel's next free slot (reserved before sleeping, so order holds)."""
        now = self._monotonic()
        slot = max(now, self._next.get(channel, now))
        self._next[channel] = slot + self.interval
        if len(self._next) > 1000:
            # Forget channels that have been quiet; keeps the table small in big workspaces.
            self._next = {c: t for c, t in self._next.items() if t > now}
        if slot > now:
            await self._sleep(slot - now)


def is_user_id(ref: str) -> bool:
    """Slack user ids start with U or W; channel ids with C, G or D."""
    return ref[:1] in ("U", "W")


class SlackSender:
    """Every outgoing Slack Web API call that posts something."""

    def __init__(self, client: AsyncWebClient, pacer: ChannelPacer) -> None:
        self.client = client
        self.pacer = pacer
        self._dm_channels: dict[str, str] = {}

    async def dm_channel(self, user: str) -> str:
        """The direct-message channel with a user (conversations.open, remembered)."""
        # Accounts are stored lowercase; Slack ids are uppercase.
        user = user.upper()
        if user not in self._dm_channels:
            response = await self._call(
                "conversations.open", self.client.conversations_open, users=user
            )
            self._dm_channels[user] = str(response["channel"]["id"])
        return self._dm_channels[user]

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver a reply to a user's DM or a channel; returns the message ts."""
        if target.user:
            channel = await self.dm_channel(target.user)
        elif target.chat:
            chat = target.chat.upper()
            channel = await self.dm_channel(chat) if is_user_id(chat) else chat
        else:
            raise DeliveryError("slack target without user or chat")
        return await self.post(channel, reply)

    async def post(self, channel: str, reply: Reply, *, thread_ts: str | None = None) -> str:
        """chat.postMessage with blocks, then any attachments as files."""
        ts = ""
        if reply.text or reply.title or reply.cards or reply.buttons or not reply.attachments:
            await self.pacer.wait(channel)
            extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
            response = await self._call(
                "chat.postMessage",
                self.client.chat_postMessage,
                channel=channel,
                text=fallback_text(reply),
                blocks=reply_blocks(reply),
                unfurl_links=False,
                **extra,
            )
            ts = str(response.get("ts") or "")
        for attachment in reply.attachments:
            ts = await self.upload(channel, attachment) or ts
        return ts

    async def post_ephemeral(
        self, channel: str, user: str, reply: Reply, *, thread_ts: str | None = None
    ) -> str:
        """chat.postEphemeral: only `user` sees it (attachments go to their DM)."""
        await self.pacer.wait(channel)
        extra: dict[str, Any] = {"thread_ts": thread_ts} if thread_ts else {}
        response = await self._call(
            "chat.postEphemeral",
            self.client.chat_postEphemeral,
            channel=channel,
            user=user,
            text=fallback_text(reply),
            blocks=reply_blocks(reply),
            **extra,
        )
        if reply.attachments:
            await self.attachments_to(user, reply.attachments)
        return str(response.get("message_ts") or "")

    async def attachments_to(self, user: str, attachments: tuple[Attachment, ...]) -> None:
        """Files for one person go to their DM, where only they can see them."""
        channel = await self.dm_channel(user)
        for attachment in attachments:
            await self.upload(channel, attachment)

    async def upload(self, channel: str, attachment: Attachment) -> str:
        """Upload one file into a channel (files.getUploadURLExternal flow)."""
        await self.pacer.wait(channel)
        response = await self._call(
            "files.upload",
            self.client.files_upload_v2,
            channel=channel,
            content=attachment.content,
            filename=attachment.filename,
            title=attachment.filename,
        )
        file = response.get("file") or {}
        return str(file.get("id") or "")

    async def _call(self, method: str, fn: Callable[..., Awaitable[Any]], **kwargs: Any) -> Any:
        try:
            return await fn(**kwargs)
        except SlackApiError as error:
            code = error_code(error)
            log.warning("slack %s failed: %s", method, code)
            raise DeliveryError(f"slack {method}: {code}") from error
        except (SlackClientError, ClientError, OSError, TimeoutError) as error:
            log.warning("slack %s failed: %s", method, type(error).__name__)
            raise DeliveryError(f"slack {method}: {type(error).__name__}") from error
