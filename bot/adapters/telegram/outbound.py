"""Sending rendered replies through the Bot API (the rate limiter paces and retries)."""

from __future__ import annotations

from telegram import Bot, InputFile, LinkPreviewOptions, ReplyParameters
from telegram.constants import ParseMode

from bot.adapters.telegram.callbacks import CallbackCodec
from bot.adapters.telegram.render import keyboard, render_html
from core.messages import Reply


class Sender:
    """Turns a neutral reply into Telegram messages in one chat."""

    def __init__(self, bot: Bot, codec: CallbackCodec) -> None:
        self.bot = bot
        self.codec = codec

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
