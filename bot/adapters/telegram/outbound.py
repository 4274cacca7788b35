"""Sending rendered replies through the Bot API (the rate limiter paces and retries).

Whatever Telegram still refuses after the rate limiter's retries reaches the caller:
an answer to an update falls back to the outbox (``respond``), and an outbox message
raises :class:`bot.adapters.base.DeliveryError`, so the outbox tries again later.

An answer that is one message can instead travel in the webhook's HTTP response
(:class:`WebhookAnswer`): Telegram carries out one Bot API call given there, which saves
the round trip of a ``sendMessage``, but tells nobody whether it worked.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any

from telegram import Bot, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, RetryAfter, TelegramError

from bot.adapters.base import DeliveryError, Target
from bot.adapters.telegram.callbacks import CallbackCodec
from bot.adapters.telegram.ratelimit import TelegramRateLimiter
from bot.adapters.telegram.render import Rendered, keyboard, render_html
from core.messages import Reply

log = logging.getLogger("krokodil.telegram")


class WebhookAnswer:
    """Room for one Bot API call in the response to the webhook request being handled."""

    def __init__(self) -> None:
        self.call: dict[str, Any] | None = None
        self.open = True


# Set by the webhook around the handling of one update; None in polling mode.
WEBHOOK_ANSWER: ContextVar[WebhookAnswer | None] = ContextVar("webhook_answer", default=None)


class TelegramSender:
    """Turns a neutral reply into Telegram messages in one chat."""

    def __init__(self, bot: Bot, codec: CallbackCodec) -> None:
        self.bot = bot
        self.codec = codec

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver an outbox message to a chat (a group) or a user's private chat."""
        chat = target.chat or target.user or ""
        chat_id = _chat_id(chat)
        if chat_id is None:
            raise DeliveryError("no numeric Telegram chat yet (the user has not written the bot)")
        try:
            try:
                return str(await self.deliver(chat_id, reply))
            except ChatMigrated as moved:
                # A group that became a supergroup has a new id; the old one keeps pointing here.
                log.info("telegram group moved", extra={"to": moved.new_chat_id})
                return str(await self.deliver(moved.new_chat_id, reply))
        except RetryAfter as error:
            raise DeliveryError("Telegram asked to slow down") from error
        except TelegramError as error:
            raise DeliveryError(f"Telegram: {type(error).__name__}") from error

    async def deliver(
        self, chat_id: int | str, reply: Reply, *, reply_to: int | None = None
    ) -> int:
        """Send the reply; the id of its last message (0 when there was nothing to send).

        Raises python-telegram-bot's TelegramError subclasses; ``RetryAfter`` reaches the
        caller only after the rate limiter's own retries.
        """
        rendered = render_html(reply)
        if rendered.empty:
            return 0
        markup = await self._keyboard(rendered)
        last = 0
        for index, chunk in enumerate(rendered.chunks):
            first, final = index == 0, index == len(rendered.chunks) - 1
            message = await self.bot.send_message(
                chat_id,
                chunk,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if final else None,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
                reply_parameters=ReplyParameters(reply_to, allow_sending_without_reply=True)
                if reply_to and first
                else None,
            )
            last = message.message_id
        for document in rendered.documents:
            message = await self.bot.send_document(
                chat_id,
                InputFile(document.content, filename=document.filename),
                filename=document.filename,
            )
            last = message.message_id
        return last

    async def answer_in_webhook(self, chat_id: int, reply: Reply) -> bool:
        """Put a one-message reply in the webhook response; False when it does not fit there.

        It fits when the update came through the webhook, nothing else is in its response
        yet, the reply is one text message (with or without a keyboard), and the rate
        limiter has room for it now (``TelegramRateLimiter.room_now``).
        """
        slot = WEBHOOK_ANSWER.get()
        if slot is None or not slot.open or slot.call is not None:
            return False
        rendered = render_html(reply)
        if len(rendered.chunks) != 1 or rendered.documents:
            return False
        limiter = getattr(self.bot, "rate_limiter", None)
        if isinstance(limiter, TelegramRateLimiter) and not await limiter.room_now(chat_id):
            return False  # it would have to wait, or Telegram asked to slow down lately
        markup = await self._keyboard(rendered)
        call: dict[str, Any] = {
            "method": "sendMessage",
            "chat_id": chat_id,
            "text": rendered.chunks[0],
            "parse_mode": ParseMode.HTML.value,
            "link_preview_options": {"is_disabled": True},
        }
        if markup is not None:
            call["reply_markup"] = markup.to_dict()
        slot.call = call
        return True

    async def _keyboard(self, rendered: Rendered) -> InlineKeyboardMarkup | None:
        buttons = rendered.buttons
        data = await self.codec.encode_many((b.action_id, b.value) for b in buttons if not b.url)
        encoded = iter(data)
        return keyboard(buttons, [("" if b.url else next(encoded)) for b in buttons])


def _chat_id(chat: str) -> int | str | None:
    """A numeric chat id (groups are negative) or a public @channel name."""
    if chat.lstrip("-").isdecimal():
        return int(chat)
    return chat if chat.startswith("@") else None
