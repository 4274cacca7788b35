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
from dataclasses import replace
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.adapters.slack import inbound, modals
from bot.adapters.slack.acks import ANSWER_WITHIN, AckWindow
from bot.adapters.slack.form_opener import OPEN_FORM_ACTION, FormOpener
from bot.adapters.slack.free_text import FreeText
from bot.adapters.slack.home import HomePublisher
from bot.adapters.slack.identity import ProfileCache, SlackProfile
from bot.adapters.slack.respond import Respond, Responder
from bot.dispatch import Dispatcher
from bot.parsing import parse
from core.messages import Invocation, Reply
from handlers.base import Deps

log = logging.getLogger("krokodil.slack")

Ack = Callable[..., Awaitable[Any]]
Work = Callable[[], Awaitable[Any]]
# Two identical clicks within this many seconds are one click.
DOUBLE_CLICK_SECONDS = 2.0
# Every slash command is ours (Bolt's matcher and the webhook's direct path use this).
COMMANDS = re.compile(r"^/")
# How long a late command's acknowledgement still waits to know where it was asked.
PLACEHOLDER_LOOKUP_SECONDS = 0.2


class Listeners:
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
        where = asyncio.ensure_future(self.responder.in_app_dm(self._asked(body)))
        where.add_done_callback(_retrieved)
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

    async def home_opened(self, event: dict[str, Any]) -> None:
        """The App Home tab was opened: publish a fresh overview."""
        if event.get("tab", "home") != "home" or not inbound.text_or_none(event.get("user")):
            return
        async with self.busy():
            await self.home.publish(str(event["user"]))

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


def _retrieved(task: asyncio.Future[Any]) -> None:
    """Take a side task's outcome, so a failure nobody waited for is not logged as a crash."""
    if not task.cancelled():
        task.exception()


async def _ignore(event: dict[str, Any]) -> None:
    """Events we do not act on."""
