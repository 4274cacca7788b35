"""Answering an update: in the right chat, marking pressed buttons, never losing a reply.

A reply Telegram will not take now (still 429 after the rate limiter's retries, a
network failure) goes to the outbox under the update's id and is sent later.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import forms
from bot.adapters.base import defer_to_outbox
from bot.adapters.telegram.outbound import TelegramSender
from bot.adapters.telegram.render import escape
from core.messages import Recipient, Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.telegram")

# A short answer to a button in a group is shown as a pop-up, so the buttons stay for others.
TOAST_LIMIT = 200


class Responder:
    """Sends replies to updates through the sender, with the outbox as the fallback."""

    def __init__(self, sender: TelegramSender, deps: Deps) -> None:
        self.sender = sender
        self.deps = deps

    async def respond(
        self,
        update_id: int,
        chat: str,
        account: str,
        is_direct: bool,
        reply: Reply,
        reply_to: int | None = None,
    ) -> None:
        """Answer in the chat; a private answer to a group message goes to the user's chat."""
        if reply.private and not is_direct:
            try:
                await self.sender.deliver(int(account), reply)
                return
            except (Forbidden, BadRequest):
                pass  # the user never opened a chat with the bot: answer in the group
            except TelegramError:
                await self.queue(update_id, account, reply)
                return
        try:
            await self.sender.deliver(int(chat), reply, reply_to=reply_to)
        except Forbidden:
            log.info("telegram chat unreachable", extra={"update_id": update_id})
        except BadRequest as error:
            log.error("telegram refused a reply: %s", error.message)
        except TelegramError:
            await self.queue(update_id, chat, reply)

    async def queue(self, update_id: int, chat: str, reply: Reply) -> None:
        """Hand a reply that could not be sent now to the outbox (retried with backoff)."""
        log.warning("telegram reply deferred to the outbox", extra={"update_id": update_id})
        await defer_to_outbox(
            self.deps,
            Recipient(platform="telegram", chat=chat),
            reply,
            kind="telegram.reply",
            dedupe_key=f"telegram:update:{update_id}",
        )

    async def mark_choice(self, message: Message, data: str) -> None:
        """Show which button was pressed and remove the keyboard, so it is not pressed twice."""
        label = ""
        if message.reply_markup is not None:
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if button.callback_data == data:
                        label = button.text
        try:
            if message.text and label:
                await message.edit_text(
                    f"{message.text_html}\n\n✓ <b>{escape(label)}</b>",
                    parse_mode=ParseMode.HTML,
                    reply_markup=None,
                )
            else:
                await message.edit_reply_markup(reply_markup=None)
        except TelegramError as error:
            log.debug("telegram message not marked: %s", type(error).__name__)


def fits_a_toast(reply: Reply) -> bool:
    """Short plain text: shown as the pop-up answer to a button press."""
    return (
        bool(reply.text)
        and len(reply.text) <= TOAST_LIMIT
        and not (reply.title or reply.cards or reply.buttons or reply.attachments)
    )


def group_button_answer(action_id: str, reply: Reply) -> tuple[str | None, Reply | None]:
    """A button pressed in a group: the pop-up text, and what still has to be sent.

    The press is one person's (an RSVP, taking on a knelpunt), so the answer is theirs:
    a pop-up, and anything longer in their private chat. A form asked in the group goes
    on in the group, where its conversation lives.
    """
    form_ids = (forms.ANSWER_ACTION, forms.CANCEL_ACTION)
    if action_id in form_ids or any(b.action_id in form_ids for b in reply.buttons):
        return None, reply
    if fits_a_toast(reply):
        return reply.text, None
    first = (reply.text or reply.title).strip().split("\n", 1)[0]
    return first[:TOAST_LIMIT] or None, replace(reply, private=True)
