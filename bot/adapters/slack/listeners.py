"""Bolt's listeners: what the bot does with each kind of Slack request, once Bolt has routed it.

A request goes webhook → Bolt → a listener here → ``inbound`` (payload → invocation) →
the dispatcher → ``respond`` (where the answer goes) → ``render`` and ``outbound``.

Slack forgets a request once it is acknowledged, so the acknowledgement means *done or
durably stored*. A slash command whose answer is ready within ``answer_within`` seconds
gets it as the body of the acknowledgement (Slack shows it as the answer); a button
press is answered before it is acknowledged. Anything slower is written to the inbox
(``core.inbox``) first, then acknowledged (a command with a placeholder message that its
answer replaces), then answered, and the row removed; a process that dies in between
leaves the row to ``recovery``. Modal submissions answer in the
acknowledgement itself (close, errors, next form). Commands with a form builder open
their modal first, because the trigger id expires in 3 seconds. Mentions and direct
messages are answered or stored before Bolt's acknowledgement by ``free_text``. Opening
the App Home is acknowledged first and then published: a lost one is published again at
the next opening.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack import inbound, modals
from bot.adapters.slack.acks import ANSWER_WITHIN, AckWindow
from bot.adapters.slack.form_opener import FormOpener
from bot.adapters.slack.free_text import FreeText
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.identity import ProfileCache, SlackProfile
from bot.adapters.slack.presses import PressListeners
from bot.adapters.slack.respond import Respond, Responder
from bot.adapters.slack.submissions import SubmissionListeners
from bot.dispatch import Dispatcher
from bot.parsing import parse
from core.messages import Invocation, Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

Ack = Callable[..., Awaitable[Any]]
Work = Callable[[], Awaitable[Any]]
# Every slash command is ours (Bolt's matcher and the webhook's direct path use this).
COMMANDS = re.compile(r"^/")
# How long a late command's acknowledgement still waits to know where it was asked.
PLACEHOLDER_LOOKUP_SECONDS = 0.2


class Listeners(PressListeners, SubmissionListeners):
    """Slash commands, buttons, modal submissions, mentions, DMs and the App Home."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        deps: Deps,
        profiles: ProfileCache,
        responder: Responder,
        forms: FormOpener,
        home: HomePublisher,
        *,
        answer_within: float = ANSWER_WITHIN,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.dispatcher = dispatcher
        self.deps = deps
        self.profiles = profiles
        self.responder = responder
        self.forms = forms
        self.home = home
        self.window = AckWindow(deps, self.busy, answer_within)
        self.free_text = FreeText(dispatcher, profiles, responder, self.window)
        self._monotonic = monotonic
        self._clicks: dict[tuple[str, ...], float] = {}
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()

    def attach(self, bolt: AsyncApp) -> None:
        """Register every listener with Bolt."""
        bolt.command(COMMANDS)(self.command)
        bolt.action(re.compile(r".*"))(self.action)
        bolt.view_submission(modals.CALLBACK_ID)(self.view_submission)
        # Mentions and DMs before any listener: Bolt would acknowledge them first.
        bolt.middleware(self.free_text.before_ack)
        bolt.event("app_home_opened")(self.home_opened)
        # Anything else we are subscribed to (or Slack adds) is acknowledged, so not retried.
        bolt.event(re.compile(r".*"))(_ignore)

    # -- bookkeeping -------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def busy(self) -> AsyncIterator[None]:
        """Count work that runs after the ack, so shutdown and tests can wait for it."""
        self._in_flight += 1
        self._idle.clear()
        try:
            yield
        except Exception:
            # After the ack nobody is waiting for an exception: log it once, calmly.
            log.exception("slack work failed after the acknowledgement")
        finally:
            self._in_flight -= 1
            if self._in_flight == 0:
                self._idle.set()

    async def drain(self, grace: float = 20.0) -> None:
        """Wait until work started after acknowledgements has finished."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), grace)

    # -- listeners ---------------------------------------------------------------------

    async def command(self, ack: Ack, body: dict[str, Any], respond: Respond) -> None:
        """A slash command: its answer in the acknowledgement when ready in time, else stored
        in the inbox, acknowledged and answered at the response_url."""
        parsed = parse(inbound.command_text(body))
        spec = self.deps.registry.lookup(parsed.word or "")
        # A bare command with a form builder opens its modal before any database work;
        # with arguments the handler decides (it may need no form at all).
        has_form = spec is not None and spec.form_builder is not None
        if has_form and not parsed.args and body.get("trigger_id"):
            await ack()
            async with self.busy():
                await self.open_command_form(body, respond)
            return
        work = asyncio.ensure_future(self.command_reply(body))
        # Meanwhile: is this the DM with the bot? A placeholder must be shown as the answer.
        where = self._where(self._asked(body))
        try:
            outcome = await self.window.settle(work)
            if outcome == "failed":
                await ack()
                return
            if outcome == "done":
                inv, reply, profile = work.result()
                shown = await self.responder.in_ack(inv, reply, profile, body.get("trigger_id"))
                if shown is not None:
                    await (ack(shown) if shown else ack())
                    return
            placeholder = await self.placeholder(body, where)
        finally:
            where.cancel()
        await self.window.later(
            ack,
            body,
            "command",
            work,
            lambda done: self.answer_command(done, respond, placeholder),
            placeholder,
        )

    async def placeholder(
        self, body: dict[str, Any], where: asyncio.Future[bool]
    ) -> dict[str, Any]:
        """What acknowledges a command still being worked on ("Even zoeken…"), in the asker's
        language when their profile is known already (Dutch otherwise); `where` tells whether
        it was asked in the DM with the bot (not known in time: shown as elsewhere, and the
        answer then too)."""
        done, _ = await asyncio.wait({where}, timeout=PLACEHOLDER_LOOKUP_SECONDS)
        in_app_dm = bool(done) and where.exception() is None and where.result()
        profile = self.profiles.cached(str(body["user_id"]))
        return self.responder.placeholder(in_app_dm, profile.locale if profile else None)

    def _where(self, asked: Invocation) -> asyncio.Future[bool]:
        """Whether a command was asked in the DM with the bot: known at once, or Slack is
        asked meanwhile (`Responder.in_app_dm_known`)."""
        known = self.responder.in_app_dm_known(asked)
        if known is None:
            where = asyncio.ensure_future(self.responder.in_app_dm(asked))
            where.add_done_callback(_retrieved)
            return where
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        done.set_result(known)
        return done

    def _asked(self, body: dict[str, Any]) -> Invocation:
        """A command's invocation before the asker's profile is known (where it was asked)."""
        user = str(body["user_id"])
        return inbound.command_invocation(body, self.profiles.cached(user) or SlackProfile(user))

    async def command_reply(self, body: dict[str, Any]) -> tuple[Invocation, Reply, SlackProfile]:
        """Dispatch a slash command: the invocation, its reply and the asker's profile."""
        profile = await self.profiles.get(str(body["user_id"]))
        inv = inbound.command_invocation(body, profile)
        return inv, await self.dispatcher.handle(inv), profile

    async def answer_command(
        self,
        done: tuple[Invocation, Reply, SlackProfile],
        respond: Respond | None,
        placeholder: dict[str, Any] | None = None,
    ) -> None:
        """Show a command's reply at its response_url, replacing the placeholder that
        acknowledged it (or a form, or in the DM)."""
        inv, reply, profile = done
        trigger = None  # by now the trigger id has expired
        await self.responder.answer(
            inv, reply, profile, trigger_id=trigger, respond=respond, placeholder=placeholder
        )

    async def open_command_form(self, body: dict[str, Any], respond: Respond) -> None:
        """A bare command with a form: the modal at once, suggestions after."""
        user, trigger = str(body["user_id"]), str(body["trigger_id"])
        profile = await self.profiles.get(user)
        parsed = parse(inbound.command_text(body))
        spec = self.deps.registry.lookup(parsed.word or "")
        assert spec is not None and spec.form_builder is not None
        tr = self.deps.translator(profile.locale)
        form, chat = spec.form_builder(tr), str(body["channel_id"])
        opened = await self.forms.open(trigger, form, tr, chat)
        inv = inbound.command_invocation(body, profile)
        if opened is not None:
            # Now there is time for the database: fill in suggested choices.
            await self.forms.refine(opened, form, inv, tr)
            return
        # Slack refused the modal (the trigger expired on the way, a hiccup): answer as
        # without a trigger, which offers the form behind a button, never nothing.
        reply = await self.dispatcher.handle(inv)
        await self.responder.answer(inv, reply, profile, trigger_id=None, respond=respond)

    async def home_opened(self, event: dict[str, Any]) -> None:
        """The App Home tab was opened: publish a fresh overview."""
        if event.get("tab", "home") != "home" or not inbound.text_or_none(event.get("user")):
            return
        async with self.busy():
            await self.home.publish(str(event["user"]))


def _retrieved(task: asyncio.Future[Any]) -> None:
    """Take a side task's outcome, so a failure nobody waited for is not logged as a crash."""
    if not task.cancelled():
        task.exception()


async def _ignore(event: dict[str, Any]) -> None:
    """Events we do not act on."""
