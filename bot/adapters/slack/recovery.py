"""Answering what a stopped process acknowledged and left in the inbox.

Every Slack process looks at the inbox when it starts and then every `interval` seconds
(so a replica answers for one that is down). It adopts the rows of processes that no
longer run, one conditional UPDATE each, so two processes looking at once never answer
the same row. A row still inside the `response_url`'s life (Slack: 30 minutes) is
answered there: a kept reply is sent as it is, anything else is done again. A command's
answer replaces the placeholder its acknowledgement showed, so an answer the stopped
process had already sent is replaced by the same answer, not shown twice. An older row
gets a direct message (through the outbox) saying the question was not handled in time.
A mention or direct message (kind "event") has no response_url: it is answered in its
thread or DM however late (``free_text``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt.context.respond.async_respond import AsyncRespond

from bot.adapters.base import defer_to_outbox
from bot.adapters.slack import inbound
from bot.adapters.slack.acks import PLACEHOLDER_KEY
from core import inbox
from core.clock import amsterdam
from core.db import database_away
from core.i18n import N_
from core.messages import Recipient, Reply

if TYPE_CHECKING:
    from bot.adapters.slack.listeners import Listeners
    from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

# How long Slack accepts answers at a response_url.
RESPONSE_URL_LIFE = timedelta(minutes=30)
TOO_LATE = N_(
    "Je vroeg mij om {time} iets ({what}), maar ik kon het niet op tijd afhandelen. "
    "Vraag het alsjeblieft nog een keer."
)


class InboxRecovery:
    """Answers inbox rows left by stopped processes, exactly once."""

    def __init__(self, deps: Deps, listeners: Listeners, interval: float = 15.0) -> None:
        self.deps = deps
        self.listeners = listeners
        self.interval = interval
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Look now, then every `interval` seconds, until `stop`."""
        if self._task is None:
            self._task = asyncio.create_task(self._loop())

    async def stop(self) -> None:
        """Stop looking (a row being answered is finished first)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _loop(self) -> None:
        while True:
            try:
                await self.run_once()
            except Exception as error:
                if not database_away(error):
                    log.exception("slack inbox recovery failed")
                else:
                    log.warning("slack inbox recovery waits: database unavailable")
            await asyncio.sleep(self.interval)

    async def run_once(self) -> int:
        """One look: adopt and answer every row a stopped process left; how many."""
        async with self.deps.uow() as uow:
            rows = await inbox.orphans(uow.session, "slack", self.deps.instance)
        answered = 0
        for row in rows:
            async with self.deps.uow() as uow:
                mine = await inbox.adopt(uow.session, row, self.deps.instance)
                await uow.commit()
            if not mine:
                continue  # another process took it
            async with self.listeners.busy():
                await self._answer(row)
                # (A command's row is gone already, removed as its answer went out.)
                await inbox.answered(self.deps.uow.engine, row.id)
                answered += 1
        if answered:
            log.info("slack inbox: answered what a stopped process left", extra={"count": answered})
        return answered

    async def _answer(self, row: inbox.InboxItem) -> None:
        body: dict[str, Any] = row.payload
        if row.kind == "event":
            # A mention or DM is answered in its thread or DM, which does not expire.
            await self.listeners.free_text.redo(row)
            return
        if row.kind == "view":
            # A modal's result, worked out before the modal closed: sent to the DM as it was.
            if row.reply is not None:
                home = bool(body.get("home"))
                reply = Reply.from_json(row.reply)
                await self.listeners.send_view_result(None, row.account, reply, home=home)
            return
        url = inbound.text_or_none(body.get("response_url"))
        late = self.deps.clock.now() - row.received_at > RESPONSE_URL_LIFE
        if late or url is None:
            await self._too_late(row)
            return
        respond = AsyncRespond(response_url=url)
        if row.kind == "command":
            kept = None
            if row.reply is not None:
                profile = await self.listeners.profiles.get(row.account)
                inv = inbound.command_invocation(body, profile)
                done = (inv, Reply.from_json(row.reply), profile)
            else:
                done = await self.listeners.command_reply(body)
                kept = done[1]  # worked out again: kept before it is sent, as the first time
            shown = body.get(PLACEHOLDER_KEY)
            placeholder = shown if isinstance(shown, dict) else None
            await self.listeners.window.send_stored(
                row.id, kept, lambda: self.listeners.answer_command(done, respond, placeholder)
            )
        elif row.kind == "action" and row.reply is not None:
            # Handled and worked out before the kill: sent as it was, not redone.
            reply = Reply.from_json(row.reply)
            await self.listeners.send_kept_press(row.id, body, reply, respond)
        elif row.kind == "action":
            stored = asyncio.Event()
            stored.set()
            item: asyncio.Future[int | None] = asyncio.get_running_loop().create_future()
            item.set_result(row.id)
            await self.listeners.press(body, respond, stored, item)

    async def _too_late(self, row: inbox.InboxItem) -> None:
        profile = await self.listeners.profiles.get(row.account)
        tr = self.deps.translator(profile.locale)
        body = row.payload
        what = str(body.get("command") or tr.gettext("een knop"))
        moment = amsterdam(row.received_at, self.deps.settings.bot.timezone).strftime("%H:%M")
        text = tr.gettext(TOO_LATE, time=moment, what=what)
        recipient = Recipient(platform="slack", chat=row.account)
        await defer_to_outbox(
            self.deps,
            recipient,
            Reply(text=text, private=True),
            kind="slack.too_late",
            dedupe_key=f"slack:inbox:{row.id}",
        )
