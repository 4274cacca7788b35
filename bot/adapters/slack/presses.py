"""Button presses (and menu choices) in messages, modals and the App Home: answered before
the acknowledgement when in time, else stored in the inbox first (``acks``), and sent
again from a kept reply by ``recovery``. Two identical clicks in quick succession are one.
A part of ``listeners.Listeners`` (its base class), which holds what these use."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any

from bot.adapters.slack import inbound
from bot.adapters.slack.acks import AckWindow
from bot.adapters.slack.form_opener import OPEN_FORM_ACTION, FormOpener
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.identity import ProfileCache, SlackProfile
from bot.adapters.slack.respond import Respond, Responder
from bot.dispatch import Dispatcher
from core.messages import Invocation, Reply
from handlers.base import Deps

Ack = Callable[..., Awaitable[Any]]
# Two identical clicks within this many seconds are one click.
DOUBLE_CLICK_SECONDS = 2.0


class PressListeners:
    """The listener for block actions, and what recovery uses to answer a stored press."""

    dispatcher: Dispatcher
    deps: Deps
    profiles: ProfileCache
    responder: Responder
    forms: FormOpener
    home: HomePublisher
    window: AckWindow
    _clicks: dict[tuple[str, ...], float]
    _monotonic: Callable[[], float]

    async def action(self, ack: Ack, body: dict[str, Any], respond: Respond | None) -> None:
        """A button press (or menu choice) in a message, a modal or the App Home: answered
        before the acknowledgement when in time, else stored in the inbox first."""
        # Without a response_url (a press in a modal or the App Home) Bolt's respond
        # cannot answer; the responder then uses the DM.
        if not inbound.text_or_none(body.get("response_url")):
            respond = None
        stored = asyncio.Event()
        row: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
        work = asyncio.ensure_future(self.press(body, respond, stored, row))
        if await self.window.settle(work) != "late":
            await ack()
            return
        stored.set()
        await self.window.later(ack, body, "action", work, None, row=row)

    async def press(
        self,
        body: dict[str, Any],
        respond: Respond | None,
        stored: asyncio.Event | None = None,
        row: asyncio.Future[int | None] | None = None,
    ) -> bool:
        """Handle and answer every pressed element of one block_actions payload (`stored`:
        set once it goes to the inbox, `row`: its row there); True when the press kept its
        answer on the row, sent it and removed the row."""
        user = str(body["user"]["id"])
        actions = body["actions"]
        for action in actions:
            found = inbound.pressed(action)
            if found is None:
                continue  # a link button: Slack opened the link
            action_id, value = found
            if self._double_click(body, action_id, value):
                continue
            profile = await self.profiles.get(user)
            if action_id == OPEN_FORM_ACTION:
                await self._open_shelved(body, value, profile, respond)
                continue
            inv = inbound.action_invocation(
                body, action_id, value, inbound.text_or_none(action.get("action_ts")), profile
            )
            reply = await self.dispatcher.handle(inv)
            trigger = inbound.text_or_none(body.get("trigger_id"))
            if stored is None or not stored.is_set():
                await self._answer_press(body, inv, reply, profile, respond, trigger)
                continue
            # In the inbox: the press is marked handled before it is answered (the marks are
            # otherwise written a moment later), so recovery does not redo a press it answered.
            answer = partial(self._answer_press, body, inv, reply, profile, respond, trigger, True)
            item = await row if row is not None and len(actions) == 1 else None
            if item is None:
                await answer()
                continue
            # One action: its reply is kept on the row before the mark and the answer, so
            # recovery sends it (rather than finding a duplicate and sending nothing); the row
            # is removed after the answer, on the connection that kept it.
            await self.window.send_stored(item, reply, answer)
            return True
        return False

    async def send_kept_press(
        self, item: int, body: dict[str, Any], reply: Reply, respond: Respond | None
    ) -> None:
        """Recovery: post the reply a one-action press kept on its inbox row, forget the row."""
        user = str(body["user"]["id"])
        [action] = body["actions"]
        found = inbound.pressed(action)
        if found is None:
            return  # not kept for a link button
        profile = await self.profiles.get(user)
        action_ts = inbound.text_or_none(action.get("action_ts"))
        inv = inbound.action_invocation(body, *found, action_ts, profile)
        # (The trigger id has expired by now.)
        answer = partial(self._answer_press, body, inv, reply, profile, respond, None)
        await self.window.send_stored(item, None, answer)

    async def _answer_press(
        self,
        body: dict[str, Any],
        inv: Invocation,
        reply: Reply,
        profile: SlackProfile,
        respond: Respond | None,
        trigger: str | None,
        flush: bool = False,
    ) -> None:
        """Post a press's answer (after writing the finished marks, when `flush`) and refresh
        the App Home the press came from."""
        if flush:
            await self.dispatcher.events.flush()
        await self.responder.answer(inv, reply, profile, trigger_id=trigger, respond=respond)
        from_home = inbound.obj(body.get("view")).get("type") == "home"
        if from_home and not reply.data.get("duplicate"):
            await self.home.publish(str(body["user"]["id"]))

    async def _open_shelved(
        self, body: dict[str, Any], key: str, profile: SlackProfile, respond: Respond | None
    ) -> None:
        trigger = inbound.text_or_none(body.get("trigger_id"))
        tr = self.deps.translator(profile.locale)
        if await self.forms.open_shelved(key, trigger, tr):
            return
        if key in self.forms.shelf:
            text = tr.gettext("Slack opende het formulier niet. Druk nog een keer op de knop.")
        else:
            text = tr.gettext("Dit formulier is verlopen. Begin opnieuw.")
        gone = Reply(text=text, private=True)
        inv = inbound.action_invocation(body, OPEN_FORM_ACTION, key, None, profile)
        await self.responder.answer(inv, gone, profile, respond=respond)

    def _double_click(self, body: dict[str, Any], action_id: str, value: str) -> bool:
        """True for the second of two identical clicks in quick succession."""
        container = inbound.obj(body.get("container"))
        where = str(container.get("message_ts") or container.get("view_id") or "")
        key = (str(body["user"]["id"]), where, action_id, value)
        now = self._monotonic()
        last = self._clicks.get(key)
        self._clicks[key] = now
        if len(self._clicks) > 1000:
            self._clicks = {k: t for k, t in self._clicks.items() if now - t < DOUBLE_CLICK_SECONDS}
        return last is not None and now - last < DOUBLE_CLICK_SECONDS
