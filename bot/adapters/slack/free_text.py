"""Mentions and direct messages: answered, or stored in the inbox, before Slack's 200.

Bolt acknowledges an Events API request before its listener runs (its asyncio listener
runner calls ``ack()`` first for listeners with automatic acknowledgement, as event
listeners are, unless ``process_before_response`` is on for the whole app), and Slack
never resends an event it got a 200 for. So a mention or a direct message does not go to
a Bolt event listener: :meth:`FreeText.before_ack` is a global Bolt middleware, which
Bolt runs before any listener and whose response it returns as it is (over HTTP and over
Socket Mode alike). The answer is worked out and posted against the acknowledgement
window: when it is posted in time the event is acknowledged; when it is not (slow to work
out, or waiting its turn in a busy channel), the event is written to the inbox (kind
``"event"``, with the reply once it is known), acknowledged, answered, and the row removed.
``recovery`` answers a row a stopped process left: an event has no ``response_url`` that
expires, so its answer goes to the thread or DM however late. The dispatcher's claim on
Slack's ``event_id`` makes a redelivery a duplicate, and it is closed only once the answer
is posted: a process that dies between the handler and the post leaves the claim open,
so the redelivery or the inbox row (whichever comes first) takes it over and answers.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.response import BoltResponse

from bot.adapters.slack import inbound
from bot.adapters.slack.acks import AckWindow
from bot.adapters.slack.identity import ProfileCache, SlackProfile
from bot.adapters.slack.respond import Responder
from bot.dispatch import Dispatcher
from core import inbox
from core.messages import Invocation, Reply

log = logging.getLogger("krokodil.slack")

Done = tuple[Invocation, Reply, SlackProfile]
# The event fields the bot reads; only these are stored in the inbox.
KEPT_FIELDS = ("type", "user", "channel", "channel_type", "text", "ts", "thread_ts")


def question(body: dict[str, Any]) -> dict[str, Any] | None:
    """The event of a mention or direct message the bot answers, else None (Bolt's to ack)."""
    if body.get("type") != "event_callback":
        return None
    event = inbound.obj(body.get("event"))
    if not _from_a_person(event):
        return None
    if event.get("type") == "app_mention":
        # Direct messages arrive as message.im too.
        return None if inbound.is_direct_channel(event.get("channel")) else event
    if event.get("type") == "message" and event.get("channel_type") == "im":
        return None if event.get("subtype") or event.get("bot_id") else event
    return None


def thread_of(event: dict[str, Any]) -> str | None:
    """Where the answer goes: a mention's thread (started at it), a DM's thread if any."""
    thread = inbound.text_or_none(event.get("thread_ts"))
    if event.get("type") == "app_mention":
        return thread or inbound.text_or_none(event.get("ts"))
    return thread


def stored_body(body: dict[str, Any]) -> dict[str, Any]:
    """What the inbox keeps of an event: its id and the fields the bot reads, nothing else."""
    event = inbound.obj(body.get("event"))
    return {
        "type": "event_callback",
        "event_id": body.get("event_id"),
        "event": {key: event[key] for key in KEPT_FIELDS if key in event},
    }


class FreeText:
    """Answers mentions and direct messages, within the window or through the inbox."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        profiles: ProfileCache,
        responder: Responder,
        window: AckWindow,
    ) -> None:
        self.dispatcher = dispatcher
        self.profiles = profiles
        self.responder = responder
        self.window = window
        self._after_ack: set[asyncio.Task[None]] = set()

    async def before_ack(
        self, body: dict[str, Any], resp: BoltResponse, next: Callable[[], Awaitable[None]]
    ) -> BoltResponse:
        """Bolt middleware: answer or store a mention or DM, then acknowledge it ourselves."""
        event = question(body)
        if event is None:
            await next()  # everything else goes on to Bolt's listeners
            return resp
        kept = stored_body(body)
        work = asyncio.ensure_future(self.reply(kept))
        posted = asyncio.ensure_future(self._answer_when_ready(work, thread_of(event)))
        # The window covers posting too: a post can wait its turn in a busy channel.
        if await self.window.settle(posted) == "late":
            item = await self.window.store(kept, "event")
            task = asyncio.create_task(
                self.window.finish(item, "event", work, lambda _done: posted)
            )
            self._after_ack.add(task)
            task.add_done_callback(self._after_ack.discard)
        return BoltResponse(status=200, body="")

    async def reply(self, body: dict[str, Any]) -> Done:
        """Dispatch a mention or DM: the invocation, its reply and the asker's profile."""
        profile = await self.profiles.get(str(body["event"]["user"]))
        inv = inbound.message_invocation(body, profile)
        return inv, await self.dispatcher.handle(inv, finish=False), profile

    async def _answer_when_ready(self, work: asyncio.Future[Done], thread_ts: str | None) -> None:
        await self.answer(await work, thread_ts)

    async def answer(self, done: Done, thread_ts: str | None) -> None:
        """Post the reply in the thread or DM it belongs to; then the event counts as handled."""
        inv, reply, profile = done
        await self.responder.answer(inv, reply, profile, thread_ts=thread_ts)
        await self.dispatcher.finish(inv)

    async def redo(self, row: inbox.InboxItem) -> None:
        """Answer an event a stopped process left in the inbox."""
        body = row.payload
        if row.reply is not None:
            # Worked out before the stop: sent as it was, never worked out again.
            profile = await self.profiles.get(row.account)
            done = (inbound.message_invocation(body, profile), Reply.from_json(row.reply), profile)
        else:
            # A duplicate when Slack's redelivery got to a running process first: it answers.
            done = await self.reply(body)
        await self.answer(done, thread_of(inbound.obj(body.get("event"))))


def _from_a_person(event: dict[str, Any]) -> bool:
    """A user message we can answer: a user id and (if any) a channel id, both strings."""
    channel = event.get("channel")
    return bool(inbound.text_or_none(event.get("user"))) and (
        channel is None or isinstance(channel, str)
    )
