"""Acknowledge only what is done or durably stored.

Slack waits three seconds for the acknowledgement of a request and never sends it again
once it got one, so an answer that exists only in memory after the acknowledgement dies
with the process. `AckWindow` lets the work run for `seconds` first: what is ready by
then is answered in or before the acknowledgement. What is not is written to the inbox
(`core.inbox`, one statement committed on its own) and only then acknowledged (a command
with a placeholder message that its answer replaces, see `respond`); once its answer is
delivered the row is removed. `recovery.InboxRecovery` answers the rows a process left
behind.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any, Literal

from bot.adapters.slack.inbound import obj
from core import inbox
from core.bsn import contains_bsn
from core.db import database_away
from core.messages import Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

# Slack gives up after 3 s; what is not ready after this many goes through the inbox.
ANSWER_WITHIN = 2.0
# Where a stored request keeps the placeholder its acknowledgement showed (Slack never
# sends this key), so an answer from recovery replaces it as it was shown.
PLACEHOLDER_KEY = "krokodil_placeholder"

Ack = Callable[..., Awaitable[Any]]
Busy = Callable[[], AbstractAsyncContextManager[None]]
Outcome = Literal["done", "late", "failed"]
# Kinds whose reply `finish` keeps on the row once worked out (a one-action press keeps its
# own, `Listeners.press`; any other press is redone through the dispatcher's event claim).
KEEPS_REPLY = ("command", "event")


def user_texts(body: dict[str, Any]) -> list[str]:
    """The texts a person typed or chose in a command, button or message payload."""
    found = [body.get("text"), obj(body.get("event")).get("text")]
    actions = body.get("actions")
    for action in actions if isinstance(actions, list) else []:
        action = obj(action)
        found += [action.get("value"), obj(action.get("selected_option")).get("value")]
    return [text for text in found if isinstance(text, str) and text]


async def _within(work: asyncio.Future[Any], seconds: float) -> bool:
    """Wait until `work` is done, at most `seconds`; whether it is (it goes on either way).
    One future and one timer, as `asyncio.wait` with one awaitable, less its bookkeeping."""
    if work.done():
        return True
    loop = asyncio.get_running_loop()
    waiter: asyncio.Future[None] = loop.create_future()

    def wake(_done: object = None) -> None:
        if not waiter.done():
            waiter.set_result(None)

    timer = loop.call_later(seconds, wake)
    work.add_done_callback(wake)
    try:
        await waiter
    finally:
        timer.cancel()
        work.remove_done_callback(wake)
    return work.done()


class AckWindow:
    """Runs a request's work against Slack's acknowledgement window."""

    def __init__(self, deps: Deps, busy: Busy, seconds: float = ANSWER_WITHIN) -> None:
        self.deps = deps
        self.busy = busy
        self.seconds = seconds
        # Rows written in groups: a burst that misses the window at once is one statement.
        self.writer = inbox.Writer(deps.uow.engine)

    async def settle(self, work: asyncio.Future[Any]) -> Outcome:
        """Wait for the work up to the window: done, late (still running) or failed (logged)."""
        async with self.busy():
            done = await _within(work, self.seconds)
        if not done:
            return "late"
        error = work.exception()
        if error is None:
            return "done"
        log.error("slack work failed before the acknowledgement", exc_info=error)
        return "failed"

    async def later(
        self,
        ack: Ack,
        body: dict[str, Any],
        kind: str,
        work: asyncio.Future[Any],
        deliver: Callable[[Any], Awaitable[None]] | None,
        placeholder: dict[str, Any] | None = None,
        row: asyncio.Future[int | None] | None = None,
    ) -> None:
        """Store the request (its id to `row`, None when not stored), acknowledge it (with
        the placeholder, if any), let the work finish and deliver, forget the row."""
        stored = body if placeholder is None else {**body, PLACEHOLDER_KEY: placeholder}
        item = None
        try:
            item = await self.store(stored, kind)
        finally:
            if row is not None:
                row.set_result(item)
        await (ack(placeholder) if placeholder is not None else ack())
        await self.finish(item, kind, work, deliver)

    async def finish(
        self,
        item: int | None,
        kind: str,
        work: asyncio.Future[Any],
        deliver: Callable[[Any], Awaitable[None]] | None,
    ) -> None:
        """After the acknowledgement: let the work finish, deliver, forget the row."""
        async with self.busy():
            result = await work
            if item is None:
                if deliver is not None:
                    await deliver(result)
                return
            if kind == "action" and result is True:
                return  # the press kept, sent and forgot its answer itself
            # Worked out: from now on the answer is only sent, never redone.
            reply = result[1] if deliver is not None and kind in KEEPS_REPLY else None
            send = (lambda: deliver(result)) if deliver is not None else None
            await self.send_stored(item, reply, send)

    async def send_stored(
        self, item: int, reply: Reply | None, send: Callable[[], Awaitable[None]] | None
    ) -> None:
        """Keep the reply on the row, send it, forget the row (`inbox.delivering`); when the
        database is away the answer is still sent once."""
        sending = False
        try:
            async with inbox.delivering(self.deps.uow.engine, item, reply):
                if send is not None:
                    sending = True
                    await send()
        except Exception as error:
            if not database_away(error):
                raise
            log.warning("slack inbox row not kept or removed: database unavailable")
            if send is not None and not sending:
                await send()

    async def store_reply(
        self, account: str, kind: str, payload: dict[str, Any], reply: Reply
    ) -> int | None:
        """A row holding an answer already worked out (a modal's result), written before the
        acknowledgement so it is sent even when the process dies after it; `payload` holds
        only what sending needs, never what the person typed. None when the database is away."""
        return await self._write(account, kind, payload, reply, "slack answer")

    async def store(self, body: dict[str, Any], kind: str) -> int | None:
        """The inbox row for a request; None when it may not or cannot be stored."""
        if any(contains_bsn(text) for text in user_texts(body)):
            return None  # refused before anything is stored (and answered at once)
        account = (
            body.get("user_id")
            or obj(body.get("user")).get("id")
            or obj(body.get("event")).get("user")
            or ""
        )
        return await self._write(str(account), kind, body, None, "slack request")

    async def _write(
        self,
        account: str,
        kind: str,
        payload: dict[str, Any],
        reply: Reply | None,
        what: str,
    ) -> int | None:
        """One row through the group writer; None (logged) when the database is away."""
        fields = inbox.new_row(
            platform="slack",
            kind=kind,
            account=account,
            payload=payload,
            instance=self.deps.instance,
            now=self.deps.clock.now(),
            reply=reply,
        )
        try:
            return await self.writer.store(fields)
        except Exception as error:
            if not database_away(error):
                raise
            log.warning("%s not stored in the inbox: database unavailable", what)
            return None
