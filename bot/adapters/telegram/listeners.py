"""python-telegram-bot's update handler: what the bot does with each kind of update.

Every update PTB receives (webhook or long polling) arrives in :meth:`Listeners.on_update`,
one at a time per chat (``ordering``). A message or a button press goes ``inbound``
(update → invocation) → the dispatcher → ``respond`` (the right chat) → ``render`` and
``outbound``; the bot joining a group gets a welcome.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable

from telegram import ChatMember, Message, Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.adapters.telegram import inbound
from bot.adapters.telegram.callbacks import CallbackCodec
from bot.adapters.telegram.identity import UsernameLinks
from bot.adapters.telegram.ordering import ChatOrder
from bot.adapters.telegram.respond import Responder, group_button_answer
from bot.dispatch import UNAVAILABLE, Dispatcher
from core import events
from core.db import database_away
from core.i18n import N_
from core.messages import Invocation, Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.telegram")

BUTTON_GONE = N_("Deze knop werkt niet meer.")
GROUP_WELCOME = N_(
    "Hallo! Ik ben Groene Krokodil: ik help professionals in het sociaal domein elkaar te "
    "vinden. In deze groep reageer ik op opdrachten zoals /help@{bot}, op berichten waarin je "
    "mij noemt (@{bot}) en op antwoorden op mijn berichten. Andere berichten lees ik niet."
)


class Listeners:
    """Messages, button presses and group joins."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        deps: Deps,
        codec: CallbackCodec,
        responder: Responder,
        identity: UsernameLinks,
    ) -> None:
        self.dispatcher = dispatcher
        self.deps = deps
        self.codec = codec
        self.responder = responder
        self.identity = identity
        # Who the bot is (getMe); set when the adapter starts.
        self.me: inbound.BotIdentity | None = None
        self._order = ChatOrder()

    async def on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        """Every update PTB receives (webhook or polling) arrives here."""
        if self.me is None:
            return
        chat = update.effective_chat
        async with self._order.turn(str(chat.id if chat is not None else "")):
            if update.callback_query is not None:
                await self._on_button(update)
            elif update.message is not None:
                await self._on_message(update, update.message)
            elif update.my_chat_member is not None:
                await self._on_membership(update)

    async def on_private_text(self, message: inbound.PrivateText) -> None:
        """A text in a private chat, read without PTB's objects (webhook.py): as on_update."""
        if self.me is None:
            return
        async with self._order.turn(message.invocation.chat):
            await self._answer_message(message.invocation, message.username, None)

    async def _on_message(self, update: Update, message: Message) -> None:
        assert self.me is not None
        inv = inbound.message_invocation(update, self.me)
        if inv is None:
            return
        user = message.from_user
        username = user.username if user is not None else None
        reply_to = None if inv.is_direct else message.message_id
        await self._answer_message(inv, username, reply_to)

    async def _answer_message(
        self, inv: Invocation, username: str | None, reply_to: int | None
    ) -> None:
        await self.identity.complete(inv.account, username)
        opening = inv.text.startswith("/start")
        if inv.is_direct and self.responder.may_have_kept(inv.account, opening):
            # Answers kept while the user had no private chat with the bot go out now.
            await self._release(inv.account)
        # The update counts as handled once it is answered (see `_answered`).
        reply = await self.dispatcher.handle(inv, finish=False)
        if reply.data.get("duplicate"):
            return
        async with self._answered(inv):
            await self.responder.respond(
                int(inv.event_id or 0),
                inv.chat,
                inv.account,
                inv.is_direct,
                reply,
                reply_to,
                language=inv.language_hint,
                in_webhook=True,
            )

    async def _release(self, account: str) -> None:
        try:
            await self.responder.release_kept(account)
        except Exception as error:
            if not database_away(error):
                raise
            # They wait for the outbox's next try; the dispatcher still answers calmly.
            log.warning("telegram kept answers not released: %s", type(error).__name__)

    async def _on_button(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        try:
            action = await self.codec.decode(query.data or "")
        except Exception as error:
            if not database_away(error):
                raise
            log.warning("telegram button not read: %s", type(error).__name__)
            tr = self.deps.translator(query.from_user.language_code)
            await _quietly(query.answer(tr.gettext(UNAVAILABLE)))
            return
        if action is None:
            tr = self.deps.translator(query.from_user.language_code)
            await _quietly(query.answer(tr.gettext(BUTTON_GONE)))
            return
        inv = inbound.callback_invocation(update, action)
        if inv is None:
            await _quietly(query.answer())
            return
        reply = await self.dispatcher.handle(inv, finish=False)
        if reply.data.get("duplicate"):
            return
        async with self._answered(inv):
            if inv.is_direct:
                await _quietly(query.answer())
            else:
                toast, later = group_button_answer(action.action_id, reply)
                await _quietly(query.answer(toast))
                if later is None:
                    return
                reply = later
            if inv.is_direct and isinstance(query.message, Message):
                await self.responder.mark_choice(query.message, query.data or "")
            # In a group the pop-up already said where the rest of the answer went.
            await self.responder.respond(
                update.update_id,
                inv.chat,
                inv.account,
                inv.is_direct,
                reply,
                language=inv.language_hint,
                pointer=False,
            )

    @contextlib.asynccontextmanager
    async def _answered(self, inv: Invocation) -> AsyncIterator[None]:
        """Close the update's claim once its answer is sent, handed to the outbox or put in
        the webhook response.

        Until then a process that dies leaves the claim open, so Telegram's redelivery of
        the update (it got no 200) is handled and answered again instead of being a
        duplicate that nobody answers. A failure closes it too (it is logged, not redone);
        a cancellation (shutdown) leaves it open.
        """
        try:
            yield
        except Exception:
            await self.dispatcher.finish(inv)
            raise
        await self.dispatcher.finish(inv)

    async def _on_membership(self, update: Update) -> None:
        change = update.my_chat_member
        assert change is not None and self.me is not None
        joined = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
        was_out = change.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)
        if not (joined and was_out):
            return
        if inbound.is_private(change.chat):
            # Unblocked: answers kept while the bot could not write go out now.
            await self._release(str(change.chat.id))
            return
        async with self.deps.uow() as uow:
            first = await events.first_delivery(
                uow.session, "telegram", str(update.update_id), self.deps.clock.now()
            )
            await uow.commit()
        if first:
            tr = self.deps.translator(None)
            welcome = Reply(text=tr.gettext(GROUP_WELCOME, bot=self.me.username))
            chat = str(change.chat.id)
            await self.responder.respond(update.update_id, chat, chat, False, welcome)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update once, without its contents."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(
            "telegram update failed",
            exc_info=context.error,
            extra={"update_id": update_id},
        )


async def _quietly(call: Awaitable[object]) -> None:
    """Answer a button press; a late or repeated answer is not worth an error."""
    try:
        await call
    except TelegramError as error:
        log.debug("telegram callback answer failed: %s", type(error).__name__)
