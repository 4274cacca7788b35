"""Sending rendered replies through the Bot API (the rate limiter paces and retries).

Whatever Telegram still refuses after the rate limiter's retries reaches the caller:
an answer to an update falls back to the outbox (``respond``), and an outbox message
raises :class:`bot.adapters.base.DeliveryError`, so the outbox tries again later.
"""

from __future__ import annotations

import logging

from telegram import Bot, InputFile, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode
from telegram.error import ChatMigrated, RetryAfter, TelegramError

from bot.adapters.base import DeliveryError, Target
from bot.adapters.telegram.callbacks import CallbackCodec
from bot.adapters.telegram.render import keyboard, render_html
from core.messages import Reply

log = logging.getLogger("krokodil.telegram")


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
        buttons = rendered.buttons
        data = await self.codec.encode_many((b.action_id, b.value) for b in buttons if not b.url)
        encoded = iter(data)
        markup = keyboard(buttons, [("" if b.url else next(encoded)) for b in buttons])
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


def _chat_id(chat: str) -> int | str | None:
    """A numeric chat id (groups are negative) or a public @channel name."""
    if chat.lstrip("-").isdecimal():
        return int(chat)
    return chat if chat.startswith("@") else None
