"""The Telegram adapter: updates in (webhook or long polling), replies and outbox messages out.

Every update goes through python-telegram-bot's Application (one TypeHandler),
is translated into a neutral invocation and handed to the dispatcher; the reply
is rendered as HTML with an inline keyboard. A reply that cannot be sent now
(Telegram kept answering 429, the network failed) goes to the outbox, so it is
delivered later instead of lost.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import TYPE_CHECKING

from aiohttp import web
from telegram import ChatMember, Message, Update
from telegram.error import ChatMigrated, RetryAfter, TelegramError
from telegram.ext import Application, BaseRateLimiter, ContextTypes, TypeHandler

from bot.adapters.base import Adapter, DeliveryError, Target
from bot.adapters.telegram import inbound, webhook
from bot.adapters.telegram.callbacks import KEEP_FOR, CallbackCodec
from bot.adapters.telegram.menu import MENU_LANGUAGES, menu
from bot.adapters.telegram.ordering import ChatOrder
from bot.adapters.telegram.outbound import Sender
from bot.adapters.telegram.responder import Responder, group_button_answer
from bot.adapters.telegram.wiring import ALLOWED_UPDATES, build_application
from bot.dispatch import UNAVAILABLE
from bot.settings import SettingsError, telegram_mode
from core import events
from core.db import database_away
from core.i18n import N_
from core.messages import Reply
from directory import linking
from directory.identity import IdentityRepository
from handlers.handover.common import HANDOVER_COMMANDS, avoided_platforms

if TYPE_CHECKING:
    from bot.bootstrap import App

log = logging.getLogger("krokodil.telegram")

BUTTON_GONE = N_("Deze knop werkt niet meer.")
GROUP_WELCOME = N_(
    "Hallo! Ik ben Groene Krokodil: ik help professionals in het sociaal domein elkaar te "
    "vinden. In deze groep reageer ik op opdrachten zoals /help@{bot}, op berichten waarin je "
    "mij noemt (@{bot}) en op antwoorden op mijn berichten. Andere berichten lees ik niet."
)


class TelegramAdapter(Adapter):
    """Telegram through python-telegram-bot, webhook or long polling."""

    name = "telegram"
    supports_modals = False

    def __init__(self, app: App, *, rate_limiter: BaseRateLimiter[int] | None = None) -> None:
        self.app = app
        config = app.settings.telegram
        self.mode = telegram_mode(app.settings)
        if self.mode == "webhook" and not config.webhook_secret:
            raise SettingsError(
                "Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET; set it, "
                "or set TELEGRAM_MODE=polling"
            )
        self.secret = config.webhook_secret
        self.application: Application = build_application(
            config, polling=self.mode == "polling", rate_limiter=rate_limiter
        )
        self.application.add_handler(TypeHandler(Update, self._on_update))
        self.application.add_error_handler(self._on_error)
        self.codec = CallbackCodec(app.deps.uow, app.deps.clock)
        self.sender = Sender(self.application.bot, self.codec)
        self.responder = Responder(self.sender, app.deps)
        self.me: inbound.BotIdentity | None = None
        self._ready = False
        # Accounts known to be linked: no need to look for an imported @username again.
        self._linked: set[str] = set()
        self._order = ChatOrder()

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        """Log in (getMe), publish the command menu, then take updates."""
        await self.application.initialize()
        bot = self.application.bot
        self.me = inbound.BotIdentity(bot.id, bot.username)
        await self.publish_menu()
        await self.codec.forget_older_than(self.app.deps.clock.now() - KEEP_FOR)
        if self.mode == "webhook":
            public = (self.app.settings.server.public_url or "").rstrip("/")
            await bot.set_webhook(
                url=public + webhook.WEBHOOK_PATH,
                secret_token=self.secret,
                allowed_updates=list(ALLOWED_UPDATES),
            )
        else:
            await self.application.start()
            assert self.application.updater is not None
            await self.application.updater.start_polling(allowed_updates=list(ALLOWED_UPDATES))
        self._ready = True
        log.info("telegram started", extra={"mode": self.mode, "bot": bot.username})

    async def stop(self) -> None:
        """Stop taking updates; requests in flight still finish and sending keeps working."""
        self._ready = False
        updater = self.application.updater
        if updater is not None and updater.running:
            await updater.stop()
        if self.application.running:
            await self.application.stop()

    async def close(self) -> None:
        """Release the HTTP connections (after the outbox was flushed)."""
        await self.application.shutdown()

    def add_routes(self, web_app: web.Application) -> None:
        """Add POST /telegram/webhook to the bot's HTTP server."""
        handler = webhook.make_handler(
            self.secret, self.application.bot, self.application.process_update, self.ready
        )
        web_app.router.add_post(webhook.WEBHOOK_PATH, handler)

    def ready(self) -> bool:
        """True while updates are taken."""
        return self._ready

    async def publish_menu(self) -> None:
        """setMyCommands in Dutch (the default) and English; handovers only where allowed."""
        refused = self.name in avoided_platforms(self.app.deps)
        leave_out = HANDOVER_COMMANDS if refused else ()
        for language, code in MENU_LANGUAGES:
            commands = menu(self.app.deps.registry, self.app.deps.translator(language), leave_out)
            try:
                await self.application.bot.set_my_commands(commands, language_code=code)
            except TelegramError as error:
                log.warning("telegram command menu not set: %s", type(error).__name__)

    # -- outgoing --------------------------------------------------------------------------

    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver an outbox message to a chat (a group) or a user's private chat."""
        chat = target.chat or target.user or ""
        chat_id = _chat_id(chat)
        if chat_id is None:
            raise DeliveryError("no numeric Telegram chat yet (the user has not written the bot)")
        try:
            try:
                return str(await self.sender.deliver(chat_id, reply))
            except ChatMigrated as moved:
                # A group that became a supergroup has a new id; the old one keeps pointing here.
                log.info("telegram group moved", extra={"to": moved.new_chat_id})
                return str(await self.sender.deliver(moved.new_chat_id, reply))
        except RetryAfter as error:
            raise DeliveryError("Telegram asked to slow down") from error
        except TelegramError as error:
            raise DeliveryError(f"Telegram: {type(error).__name__}") from error

    # -- incoming --------------------------------------------------------------------------

    async def _on_update(self, update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
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

    async def _on_message(self, update: Update, message: Message) -> None:
        assert self.me is not None
        inv = inbound.message_invocation(update, self.me)
        if inv is None:
            return
        user = message.from_user
        if user is not None and user.username and inv.account not in self._linked:
            try:
                await self._claim_username(inv.account, user.username)
            except Exception as error:
                if not database_away(error):
                    raise
                # Linking can wait; the dispatcher still answers (calmly, with the database away).
                log.warning("telegram username link skipped: %s", type(error).__name__)
        reply = await self.app.dispatcher.handle(inv)
        if reply.data.get("duplicate"):
            return
        reply_to = None if inv.is_direct else message.message_id
        await self.responder.respond(
            update.update_id, inv.chat, inv.account, inv.is_direct, reply, reply_to
        )

    async def _on_button(self, update: Update) -> None:
        query = update.callback_query
        assert query is not None
        try:
            action = await self.codec.decode(query.data or "")
        except Exception as error:
            if not database_away(error):
                raise
            log.warning("telegram button not read: %s", type(error).__name__)
            tr = self.app.deps.translator(query.from_user.language_code)
            await _quietly(query.answer(tr.gettext(UNAVAILABLE)))
            return
        if action is None:
            tr = self.app.deps.translator(query.from_user.language_code)
            await _quietly(query.answer(tr.gettext(BUTTON_GONE)))
            return
        inv = inbound.callback_invocation(update, action)
        if inv is None:
            await _quietly(query.answer())
            return
        reply = await self.app.dispatcher.handle(inv)
        if reply.data.get("duplicate"):
            return
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
        await self.responder.respond(update.update_id, inv.chat, inv.account, inv.is_direct, reply)

    async def _on_membership(self, update: Update) -> None:
        change = update.my_chat_member
        assert change is not None and self.me is not None
        joined = change.new_chat_member.status in (ChatMember.MEMBER, ChatMember.ADMINISTRATOR)
        was_out = change.old_chat_member.status in (ChatMember.LEFT, ChatMember.BANNED)
        if not (joined and was_out) or inbound.is_private(change.chat):
            return
        async with self.app.deps.uow() as uow:
            first = await events.first_delivery(
                uow.session, "telegram", str(update.update_id), self.app.deps.clock.now()
            )
            await uow.commit()
        if first:
            tr = self.app.deps.translator(None)
            welcome = Reply(text=tr.gettext(GROUP_WELCOME, bot=self.me.username))
            chat = str(change.chat.id)
            await self.responder.respond(update.update_id, chat, chat, False, welcome)

    async def _claim_username(self, account: str, username: str) -> None:
        """Complete a link a directory import made by @username, on the user's first message."""
        now = self.app.deps.clock.now()
        async with self.app.deps.uow() as uow:
            known = await uow.repo(IdentityRepository).person_for_account("telegram", account)
            if known is None:
                known_id = await linking.claim_username(
                    uow.session, "telegram", account, username, now
                )
                await uow.commit()
            else:
                known_id = known.id
        if known_id is not None:
            self._linked.add(account)

    async def _on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update once, without its contents."""
        update_id = update.update_id if isinstance(update, Update) else None
        log.error(
            "telegram update failed",
            exc_info=context.error,
            extra={"update_id": update_id},
        )


def _chat_id(chat: str) -> int | str | None:
    """A numeric chat id (groups are negative) or a public @channel name."""
    if chat.lstrip("-").isdigit():
        return int(chat)
    return chat if chat.startswith("@") else None


async def _quietly(call: Awaitable[object]) -> None:
    """Answer a button press; a late or repeated answer is not worth an error."""
    try:
        await call
    except TelegramError as error:
        log.debug("telegram callback answer failed: %s", type(error).__name__)
