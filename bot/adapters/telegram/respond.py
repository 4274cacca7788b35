"""Answering an update: in the right chat, marking pressed buttons, never losing a reply.

A reply Telegram will not take now (still 429 after the rate limiter's retries, a
network failure) goes to the outbox under the update's id and is sent later. A private
reply to a group message goes to the user's private chat, and only a pointer to the
group; when the user never opened that chat, it waits in the outbox until they do.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from sqlalchemy import ColumnElement, select, update
from telegram import Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, TelegramError

from bot import forms
from bot.adapters.base import defer_to_outbox
from bot.adapters.telegram.outbound import TelegramSender
from bot.adapters.telegram.render import escape
from core.i18n import N_
from core.messages import Recipient, Reply
from core.outbox import OutboxMessage
from handlers.base import Deps

log = logging.getLogger("krokodil.telegram")

SENT_PRIVATELY = N_("Ik heb je een privébericht gestuurd.")
NO_PRIVATE_CHAT = N_(
    "Mijn antwoord is alleen voor jou, maar ik kan je nog geen privébericht sturen. Open een "
    "privégesprek met mij: {link} en druk op Start. Dan stuur ik het je daar (tot een uur lang)."
)
# Outbox rows holding a private answer until the user opens a private chat with the bot.
KEPT_KIND = "telegram.private"

# A short answer to a button in a group is shown as a pop-up, so the buttons stay for others.
TOAST_LIMIT = 200


class Responder:
    """Sends replies to updates through the sender, with the outbox as the fallback."""

    def __init__(self, sender: TelegramSender, deps: Deps) -> None:
        self.sender = sender
        self.deps = deps
        # Accounts with a private answer kept by this process (or waiting when it started).
        self._kept_for: set[str] = set()

    async def respond(
        self,
        update_id: int,
        chat: str,
        account: str,
        is_direct: bool,
        reply: Reply,
        reply_to: int | None = None,
        *,
        language: str | None = None,
        pointer: bool = True,
        in_webhook: bool = False,
    ) -> None:
        """Answer in the chat; a private answer to a group message goes to the user's chat.

        In the group only a pointer is said (``pointer``: not after a button's pop-up), and
        when the user never opened a private chat with the bot, how to open one: the answer
        itself waits in the outbox for that chat and never goes to the group.

        With ``in_webhook``, an answer in a private chat that is one message goes in the
        webhook's response instead of a sendMessage (unconfirmed: see docs/reliability.md).
        Groups keep sendMessage: their rate limits are tight, and a refused answer goes to
        the outbox only when the bot hears of it.
        """
        if reply.private and not is_direct:
            await self._privately(update_id, chat, account, reply, reply_to, language, pointer)
            return
        if in_webhook and is_direct and await self.sender.answer_in_webhook(int(chat), reply):
            return
        await self._in_chat(update_id, chat, reply, reply_to)

    async def _privately(
        self,
        update_id: int,
        chat: str,
        account: str,
        reply: Reply,
        reply_to: int | None,
        language: str | None,
        pointer: bool,
    ) -> None:
        tr = self.deps.translator(language)
        try:
            await self.sender.deliver(int(account), reply)
        except (Forbidden, BadRequest):
            # Never started the bot, or blocked it: keep the answer for their private chat.
            await self._keep(update_id, account, reply)
            link = f"https://t.me/{self.sender.bot.username}?start=antwoord"
            note = Reply(text=tr.gettext(NO_PRIVATE_CHAT, link=link))
            await self._in_chat(update_id, chat, note, reply_to, queue=False)
            return
        except TelegramError:
            await self.queue(update_id, account, reply)
        if pointer:
            note = Reply(text=tr.gettext(SENT_PRIVATELY))
            await self._in_chat(update_id, chat, note, reply_to, queue=False)

    async def _in_chat(
        self, update_id: int, chat: str, reply: Reply, reply_to: int | None, *, queue: bool = True
    ) -> None:
        try:
            await self.sender.deliver(int(chat), reply, reply_to=reply_to)
        except Forbidden:
            log.info("telegram chat unreachable", extra={"update_id": update_id})
        except BadRequest as error:
            log.error("telegram refused a reply: %s", error.message)
        except TelegramError:
            if queue:
                await self.queue(update_id, chat, reply)

    async def _keep(self, update_id: int, account: str, reply: Reply) -> None:
        """A private answer the user cannot get yet: the outbox holds it for their chat."""
        self._kept_for.add(account)
        await defer_to_outbox(
            self.deps,
            Recipient(platform="telegram", chat=account),
            reply,
            kind=KEPT_KIND,
            dedupe_key=f"telegram:private:{update_id}",
        )

    async def find_kept(self) -> None:
        """At start: the accounts with kept answers waiting (kept before a restart)."""
        async with self.deps.uow() as uow:
            found = await uow.session.scalars(
                select(OutboxMessage.chat).where(*_waiting_kept()).distinct()
            )
            self._kept_for.update(chat for chat in found if chat)

    def may_have_kept(self, account: str, opening: bool) -> bool:
        """Whether a private message from this account should look for kept answers.

        Answers are kept when the bot may not write to someone: they never opened a private
        chat with it, or blocked it. Writing to the bot again starts with /start (or, after
        unblocking, a membership update): ``opening``. Another replica's kept answers are
        found then; this process's own at any message.
        """
        return opening or account in self._kept_for

    async def release_kept(self, account: str) -> None:
        """The user writes to the bot privately: what was kept for them goes out now."""
        now = self.deps.clock.now()
        waiting = (OutboxMessage.chat == account, *_waiting_kept())
        self._kept_for.discard(account)
        async with self.deps.uow() as uow:
            # Read first: nearly always there is nothing, and a read takes no write lock.
            if await uow.session.scalar(select(OutboxMessage.id).where(*waiting).limit(1)) is None:
                return
            await uow.session.execute(
                update(OutboxMessage).where(*waiting).values(next_attempt_at=now)
            )
            await uow.commit()
        self.deps.wake_delivery()

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


def _waiting_kept() -> tuple[ColumnElement[bool], ...]:
    """Outbox rows holding a private answer that has not gone out yet."""
    return (
        OutboxMessage.platform == "telegram",
        OutboxMessage.kind == KEPT_KIND,
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.failed_at.is_(None),
    )


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
