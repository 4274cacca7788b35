"""Modal submissions: the form's work is done before the acknowledgement, whose body says
what the modal does next (close, field errors, the next step); the result for the person's
DM is kept in the inbox (kind ``view``) before the acknowledgement and sent after it.
A part of ``listeners.Listeners`` (its base class), which holds what these use."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace
from functools import partial
from typing import Any

from bot.adapters.slack import inbound, modals
from bot.adapters.slack.acks import AckWindow
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.identity import ProfileCache
from bot.adapters.slack.respond import Responder
from bot.dispatch import Dispatcher
from core.messages import Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

Ack = Callable[..., Awaitable[Any]]


class SubmissionListeners:
    """The listener for view submissions, and what recovery uses to send a kept result."""

    dispatcher: Dispatcher
    deps: Deps
    profiles: ProfileCache
    responder: Responder
    home: HomePublisher
    window: AckWindow
    # Counts work after the acknowledgement (`Listeners.busy`).
    busy: Callable[[], AbstractAsyncContextManager[None]]

    async def view_submission(self, ack: Ack, body: dict[str, Any]) -> None:
        """A modal submitted: the answer (close, errors, next form) goes in the ack."""
        view = body["view"]
        user = str(body["user"]["id"])
        try:
            submission = modals.submission_of(view, self.deps.settings.bot.timezone)
            _form, _context, chat = modals.read_metadata(view)
        except modals.MalformedSubmission:
            log.warning("unreadable modal submission")
            await ack()
            return
        profile = await self.profiles.get(user)
        tr = self.deps.translator(profile.locale)
        missing = modals.missing_people(view, submission, tr)
        if missing:
            await ack(response_action="errors", errors=missing)
            return
        inv = inbound.submission_invocation(body, submission, chat, profile)
        reply = await self.dispatcher.handle(inv)
        if reply.data.get("duplicate"):
            await ack()
            return
        if reply.data.get("user_error"):
            errors = modals.field_errors(view, reply.text, reply.data.get("field"))
            if errors:
                await ack(response_action="errors", errors=errors)
                return
        if reply.form is not None:
            form = await self.dispatcher.with_suggestions(inv, reply.form)
            try:
                next_view = modals.form_view(form, tr, chat)
            except ValueError:
                # A form Slack cannot hold is a bug; close the modal rather than fail with 500.
                log.exception("follow-up form does not fit a modal", extra={"form": form.form_id})
                await ack()
                return
            if reply.text or reply.cards:
                await self._result_after_ack(
                    partial(ack, response_action="update", view=next_view),
                    user,
                    chat,
                    replace(reply, form=None),
                    home=False,
                )
            else:
                await ack(response_action="update", view=next_view)
            return
        await self._result_after_ack(ack, user, chat, reply, home=chat == user)

    async def _result_after_ack(
        self,
        ack: Callable[[], Awaitable[Any]],
        user: str,
        chat: str | None,
        reply: Reply,
        *,
        home: bool,
    ) -> None:
        """A modal's result for the person's DM: kept in the inbox before the modal is
        acknowledged (the work is done by then), sent after it, then forgotten; recovery
        sends it when the process died in between."""
        item = await self.window.store_reply(user, "view", {"chat": chat, "home": home}, reply)
        await ack()
        async with self.busy():
            await self.send_view_result(item, user, reply, home=home)

    async def send_view_result(
        self, item: int | None, user: str, reply: Reply, *, home: bool
    ) -> None:
        """Post a modal's result to the DM (and refresh the App Home it came from)."""

        async def send() -> None:
            await self.responder.to_user(user, reply)
            if home:
                # Opened from the App Home (e.g. the profile): show the change there too.
                await self.home.publish(user)

        if item is None:
            await send()
        else:
            await self.window.send_stored(item, None, send)
