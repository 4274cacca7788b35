"""Card actions (Action.Execute): dispatch the press, answer with the card that replaces it.

An ``adaptiveCard/action`` invoke is answered in its HTTP response: the updated card (the
next form, the form again with the complaint under its field, or the result), or a short
message that leaves the card as it is (a press in a channel, whose card others still use;
anything private then goes to the presser's 1:1 chat). A double click sends two invokes
with different ids; the second one within a few seconds gets the first one's answer and
does nothing else, so it has one effect.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from microsoft_agents.activity import Activity

from bot.adapters.teams import cards, inbound, render
from bot.adapters.teams.identity import Profiles
from bot.adapters.teams.inbound import Origin, Press
from bot.adapters.teams.respond import NO_PRIVATE_CHAT, SENT_PRIVATELY, Responder, needs_privacy
from bot.dispatch import Dispatcher
from core import conversation
from core.i18n import N_, Translator
from core.messages import Form, Reply
from handlers.base import Deps

Body = dict[str, Any]
BUTTON_GONE = N_("Deze knop werkt niet meer.")
ALREADY_DONE = N_("Dit is al verwerkt.")
STOPPED = N_("Gestopt. Er is niets opgeslagen.")
DONE = N_("Gedaan.")
# A second identical press within this many seconds is the same press.
DOUBLE_CLICK_SECONDS = 5.0


class Presses:
    """Turns card actions into invocations and their answers into invoke responses."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        deps: Deps,
        responder: Responder,
        profiles: Profiles,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dispatcher = dispatcher
        self.deps = deps
        self.responder = responder
        self.profiles = profiles
        self._monotonic = monotonic
        self._recent: dict[str, tuple[float, asyncio.Future[Body]]] = {}

    async def handle(self, activity: Activity, where: Origin) -> Body:
        """The invoke response body for one press (never raises)."""
        tr = self.deps.translator(inbound.language(where.locale))
        what = inbound.press(activity)
        if what is None:
            return render.invoke_message(tr.gettext(BUTTON_GONE))
        key = _press_key(where, activity)
        now = self._monotonic()
        self._recent = {k: v for k, v in self._recent.items() if v[0] > now}
        earlier = self._recent.get(key)
        if earlier is not None:
            return await asyncio.shield(earlier[1])
        future: asyncio.Future[Body] = asyncio.get_running_loop().create_future()
        self._recent[key] = (now + DOUBLE_CLICK_SECONDS, future)
        try:
            body = await self._answer(what, where, tr)
        except BaseException:
            body = render.invoke_message(tr.gettext("Er ging iets mis aan mijn kant."))
            future.set_result(body)
            raise
        future.set_result(body)
        return body

    async def _answer(self, what: Press, where: Origin, tr: Translator) -> Body:
        if what.kind == cards.CANCEL:
            await self._cancel(what, where)
            return render.invoke_card(cards.card([cards.text_block(tr.gettext(STOPPED))]))
        email = await self.profiles.email_hint(where)
        inv = inbound.press_invocation(where, what, email)
        reply = await self.dispatcher.handle(inv)
        if reply.data.get("duplicate"):
            return render.invoke_message(tr.gettext(ALREADY_DONE))
        if what.submission is not None and reply.data.get("user_error"):
            form = _form_of(what.spec, what.form_id)
            if form is not None:
                field = reply.data.get("field") or (form.fields[0].name if form.fields else "")
                values = dict(what.submission.values)
                return render.invoke_card(
                    render.form_card(
                        form, tr, values=values, errors={str(field): reply.text}, chat=what.chat
                    )
                )
        if reply.form is not None:
            reply = replace(reply, form=await self.dispatcher.with_suggestions(inv, reply.form))
        if where.is_direct:
            content = render.reply_card(reply, tr, chat=what.chat)
            if content is None:
                return render.invoke_message(tr.gettext(DONE))
            return render.invoke_card(content)
        return await self._in_a_group(where, reply, tr)

    async def _in_a_group(self, where: Origin, reply: Reply, tr: Translator) -> Body:
        """A press in a channel is one person's: a short answer, the rest in their 1:1 chat."""
        short = not (reply.title or reply.cards or reply.buttons or reply.form or reply.attachments)
        if short and not needs_privacy(reply) and len(reply.text) <= 200:
            return render.invoke_message(reply.text or tr.gettext(DONE))
        delivered = await self.responder.privately(where, reply, tr)
        if not delivered:
            return render.invoke_message(tr.gettext(NO_PRIVATE_CHAT))
        first = (reply.text or reply.title).strip().split("\n", 1)[0]
        if first and not needs_privacy(replace(reply, cards=(), form=None, private=False)):
            # The gist where the button was pressed; the whole answer in the 1:1 chat.
            return render.invoke_message(first[:200])
        return render.invoke_message(tr.gettext(SENT_PRIVATELY))

    async def _cancel(self, what: Press, where: Origin) -> None:
        # A form on a card keeps nothing on the server; a step-by-step one would end here.
        async with self.deps.uow() as uow:
            await conversation.end(uow.session, "teams", where.account, where.conversation_id)
            await uow.commit()


def _press_key(where: Origin, activity: Activity) -> str:
    action = inbound.obj(inbound.obj(activity.value).get("action"))
    data = json.dumps(action.get("data"), sort_keys=True, default=str)
    verb = action.get("verb")
    return f"{where.account}|{where.conversation_id}|{where.reply_to_id}|{verb}|{data}"


def _form_of(spec: dict[str, Any] | None, form_id: str) -> Form | None:
    """The form a submit button carried, when it is whole and the one submitted."""
    if spec is None:
        return None
    try:
        form = Reply.from_json({"form": spec}).form
    except (KeyError, TypeError, ValueError):
        return None
    return form if form is not None and form.form_id == form_id else None
