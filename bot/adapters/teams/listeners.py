"""The SDK's turn handler: what the bot does with each kind of Teams activity.

The Agents SDK's ``CloudAdapter`` calls :meth:`Listeners.on_turn` (the SDK's ``Agent``
protocol) for every request the webhook let through. A message goes ``inbound`` → the
dispatcher → ``respond`` (the right conversation) → ``render`` and ``outbound``, all before
the HTTP answer, so Teams' acknowledgement means done. A card action is answered in the
invoke response itself (``presses``). Being added to a chat or team stores where the bot is.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from microsoft_agents.activity import Activity, ActivityTypes, InvokeResponse
from microsoft_agents.hosting.core import TurnContext

from bot.adapters.teams import inbound
from bot.adapters.teams.identity import Profiles
from bot.adapters.teams.presses import Presses
from bot.adapters.teams.references import ConversationBook
from bot.adapters.teams.respond import Responder
from bot.dispatch import Dispatcher
from handlers.base import Deps

log = logging.getLogger("krokodil.teams")

INSTALL_EVENTS = ("conversationUpdate", "installationUpdate")


class Listeners:
    """Handles each validated activity; never raises into the SDK for a user's mistake."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        deps: Deps,
        book: ConversationBook,
        profiles: Profiles,
        responder: Responder,
        presses: Presses,
    ) -> None:
        self.dispatcher = dispatcher
        self.deps = deps
        self.book = book
        self.profiles = profiles
        self.responder = responder
        self.presses = presses

    async def on_turn(self, context: TurnContext) -> None:
        """Every validated activity arrives here (called by the SDK's CloudAdapter)."""
        activity = context.activity
        identity = context.identity
        if identity is None:
            return  # never: the webhook sets the validated claims on every request
        service_url = str(identity.get_claim_value("serviceurl"))
        if activity.type == ActivityTypes.message:
            await self.message(activity, inbound.origin(activity, service_url))
        elif activity.type == ActivityTypes.invoke:
            body = await self.invoke(activity, service_url)
            await context.send_activity(
                Activity(
                    type=ActivityTypes.invoke_response,
                    value=InvokeResponse(status=200, body=body),
                )
            )
        elif activity.type in INSTALL_EVENTS and activity.from_property is not None:
            # Added to a chat or team: remember where we are, for later posts.
            where = inbound.origin(activity, service_url)
            if where.user_id and where.bot_id:
                await self.book.remember(where)

    async def message(self, activity: Activity, where: inbound.Origin) -> None:
        """A typed message: dispatched and answered in the right conversation."""
        await self.book.remember(where)
        email = await self.profiles.email_hint(where)
        inv = inbound.message_invocation(activity, where, email)
        if not inv.text:
            return  # a picture, a sticker, a card: nothing to answer
        # Handled once answered: a process that dies before that leaves the activity's claim
        # open, so a redelivery is answered instead of counted as a duplicate.
        reply = await self.dispatcher.handle(inv, finish=False)
        if reply.data.get("duplicate"):
            return
        try:
            if reply.form is not None:
                form = await self.dispatcher.with_suggestions(inv, reply.form)
                reply = replace(reply, form=form)
            await self.responder.answer(where, reply, self.deps.translator(inv.language_hint))
        except Exception:
            await self.dispatcher.finish(inv)  # logged by on_turn_error, not redone
            raise
        await self.dispatcher.finish(inv)  # not when cancelled (shutdown): left open

    async def invoke(self, activity: Activity, service_url: str) -> dict[str, object]:
        """An invoke: card actions get the body of the invoke response."""
        if activity.name != inbound.ACTION_INVOKE:
            return {"statusCode": 200, "type": "application/vnd.microsoft.activity.message"}
        where = inbound.origin(activity, service_url)
        await self.book.remember(where)
        return await self.presses.handle(activity, where)

    async def on_turn_error(self, context: TurnContext, error: Exception) -> None:
        """Log a failed turn once, without its contents."""
        log.error(
            "teams activity failed",
            exc_info=error,
            extra={"type": str(context.activity.type) if context.activity else None},
        )
