"""Answering an activity in the right place, privately where contact details are concerned.

In the personal chat the answer goes there. In a channel or group chat, whatever holds
contact details (or is private, or a form) goes to the asker's 1:1 chat, with a short
pointer in the channel that holds none; when the 1:1 chat cannot be had, the pointer says
so and nothing private is posted in the channel. A reply Teams will not take now goes to
the outbox under the activity's event id and is sent later.
"""

from __future__ import annotations

import logging

from microsoft_agents.activity import Activity

from bot.adapters.base import DeliveryError, Undeliverable, defer_to_outbox
from bot.adapters.teams import render
from bot.adapters.teams.inbound import Origin, event_id
from bot.adapters.teams.outbound import Connector
from bot.adapters.teams.references import ConversationBook, Reference, user_key
from core.i18n import N_, Translator
from core.messages import Recipient, Reply, shows_contact_details
from handlers.base import Deps

log = logging.getLogger("krokodil.teams")

SENT_PRIVATELY = N_("Ik heb je antwoord in een privéchat gestuurd.")
NO_PRIVATE_CHAT = N_(
    "Ik kan je geen privébericht sturen. Open een chat met mij (Groene Krokodil) en vraag "
    "het daar nog eens."
)


def needs_privacy(reply: Reply) -> bool:
    """True when a reply may not be shown to everyone in a channel or group chat."""
    return reply.private or reply.form is not None or shows_contact_details(reply)


class Responder:
    """Sends answers to activities through the connector, with the outbox as the fallback."""

    def __init__(
        self, connector: Connector, book: ConversationBook, deps: Deps, tenant_id: str | None
    ) -> None:
        self.connector = connector
        self.book = book
        self.deps = deps
        self.tenant_id = tenant_id

    async def answer(self, where: Origin, reply: Reply, tr: Translator) -> None:
        """Answer a message where it was asked (privately when it has to be)."""
        activity = render.message(reply, tr)
        if activity is None:
            return
        if where.is_direct or not needs_privacy(reply):
            thread = None if where.is_direct else where.activity_id
            await self._post(where, where.conversation_id, activity, reply, thread)
            return
        delivered = await self.privately(where, reply, tr)
        note = SENT_PRIVATELY if delivered else NO_PRIVATE_CHAT
        await self._post(
            where, where.conversation_id, render.pointer(tr.gettext(note)), None, where.activity_id
        )

    async def privately(self, where: Origin, reply: Reply, tr: Translator) -> bool:
        """Send to the asker's 1:1 chat (opened when needed); False when Teams does not allow it.

        A form sent there from a channel keeps that channel, so its result counts there.
        """
        origin_chat = None if where.is_direct else where.conversation_id
        activity = render.message(reply, tr, chat=origin_chat)
        if activity is None:
            return True
        try:
            ref = await self.personal_chat(where.account, where.user_id, where.service_url)
        except Undeliverable:
            return False
        except DeliveryError:
            await self.queue(where, f"user:{where.account}", reply)
            return True
        try:
            await self.connector.send(ref.service_url, ref.conversation_id, activity, None)
        except Undeliverable:
            self.book.forget(user_key(where.account))
            return False
        except DeliveryError:
            await self.queue(where, f"user:{where.account}", reply)
        return True

    async def personal_chat(
        self, account: str, user_id: str | None, service_url: str | None
    ) -> Reference:
        """The person's 1:1 chat: stored, else created where a validated token sent us."""
        key = user_key(account)
        known = await self.book.find(key)
        if known is not None:
            return known
        latest = await self.book.latest()
        url = service_url or (latest.service_url if latest else None)
        bot_id = latest.bot_id if latest else None
        if not url or not bot_id:
            raise Undeliverable("no Teams conversation seen yet to learn the service URL from")
        tenant = self.tenant_id or (latest.tenant_id if latest else None) or ""
        conversation = await self.connector.create_personal(url, user_id or account, tenant, bot_id)
        ref = Reference(conversation, url, tenant, user_id, bot_id)
        await self.book.store(key, ref)
        return ref

    async def _post(
        self,
        where: Origin,
        conversation_id: str,
        activity: Activity,
        reply: Reply | None,
        thread: str | None,
    ) -> None:
        try:
            await self.connector.send(where.service_url, conversation_id, activity, thread)
        except Undeliverable:
            log.info("teams conversation unreachable", extra={"event": event_id(where)})
        except DeliveryError:
            if reply is not None:
                await self.queue(where, conversation_id, reply)

    async def queue(self, where: Origin, chat: str, reply: Reply) -> None:
        """Hand a reply that could not be sent now to the outbox (retried with backoff)."""
        log.warning("teams reply deferred to the outbox", extra={"event": event_id(where)})
        await defer_to_outbox(
            self.deps,
            Recipient(platform="teams", chat=chat),
            reply,
            kind="teams.reply",
            dedupe_key=f"teams:reply:{event_id(where)}"[:200],
        )
