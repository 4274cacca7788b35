"""The console chat: try the bot in a terminal, or pipe a script of messages into it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import TextIO

from bot.adapters.base import Adapter, Target
from bot.forms import ANSWER_ACTION, CANCEL_ACTION
from bot.render_text import render
from core.messages import Action, Button, Invocation, Reply

Dispatch = Callable[[Invocation], Awaitable[Reply]]


class ConsoleAdapter(Adapter):
    """Reads lines from stdin as one user; numbers pick the buttons of the last reply."""

    name = "console"

    def __init__(
        self,
        dispatch: Dispatch,
        handle: str,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        interactive: bool | None = None,
    ) -> None:
        self.dispatch = dispatch
        self.handle = handle.lower()
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.interactive = self.stdin.isatty() if interactive is None else interactive
        self._buttons: tuple[Button, ...] = ()
        # Buttons last sent to each console handle, so '/als joost' can press Joost's buttons.
        self._buttons_for: dict[str, tuple[Button, ...]] = {}
        self._lock = asyncio.Lock()
        self._stopping = False
        # The '> ' prompt is on screen, waiting: a message from a timer goes below it.
        self._prompting = False

    async def start(self) -> None:
        """Run the chat until end of input or /quit."""
        if self.interactive:
            self._print("Groene Krokodil — console. Typ /help, of /quit om te stoppen.")
        while not self._stopping:
            if self.interactive:
                self.stdout.write("> ")
                self.stdout.flush()
                self._prompting = True
            line = await asyncio.to_thread(self.stdin.readline)
            self._prompting = False
            if not line:
                break
            text = line.rstrip("\n")
            if text.strip() in ("/quit", "/exit"):
                break
            if not text.strip():
                continue
            if not self.interactive:
                self._print(f"> {text}")
            if text.strip().lower().startswith(("/als ", "/as ")):
                self._switch(text.strip().split(maxsplit=1)[1])
                continue
            reply = await self.dispatch(self.invocation(text))
            await self._show(reply)

    def invocation(self, text: str) -> Invocation:
        """A typed line as an invocation; a bare number presses that button of the last reply."""
        stripped = text.strip()
        if (
            stripped.isdecimal()
            and by_number(self._buttons)
            and 0 < int(stripped) <= len(self._buttons)
        ):
            button = self._buttons[int(stripped) - 1]
            return Invocation(
                platform="console",
                account=self.handle,
                chat=f"console:{self.handle}",
                action=Action(button.action_id, button.value),
            )
        return Invocation(
            platform="console", account=self.handle, chat=f"console:{self.handle}", text=text
        )

    def note(self, text: str) -> None:
        """A line about the chat itself (not from the bot), shown only to a person typing."""
        if self.interactive:
            self._print(text)

    def _switch(self, handle: str) -> None:
        """Console only: act as another demo person, to play both sides of a handover."""
        self.handle = handle.strip().lower()
        self._buttons = self._buttons_for.get(self.handle, ())
        self._print(f"(je bent nu {self.handle})")
        self._print("")

    async def _show(self, reply: Reply) -> None:
        async with self._lock:
            self._buttons = reply.buttons
            self._print(render(reply, numbered=by_number(reply.buttons)))
            self._print("")

    async def stop(self) -> None:
        """Stop after the current line."""
        self._stopping = True

    async def send(self, target: Target, reply: Reply) -> str:
        """Messages for other people and channels are shown inline, marked with who gets them."""
        who = target.user or target.chat or "?"
        async with self._lock:
            if target.user:
                self._buttons_for[target.user] = reply.buttons
                if target.user == self.handle:
                    # A message for whoever is typing now: its buttons are the ones to press.
                    self._buttons = reply.buttons
            if self._prompting:
                self._print("")
            self._print(f"--- bericht voor {who} ---")
            self._print(render(reply, numbered=by_number(reply.buttons)))
            self._print("---")
            if self._prompting:
                # Ask again, so the person sees they can type (an answer, /als, a number).
                self.stdout.write("> ")
                self.stdout.flush()
        return f"console:{who}"

    def _print(self, text: str) -> None:
        self.stdout.write(text + "\n")
        self.stdout.flush()


class CollectingAdapter(Adapter):
    """Console-platform sink that keeps what it was asked to deliver (for `say` and tests)."""

    name = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def start(self) -> None:
        """Nothing to receive."""

    async def stop(self) -> None:
        """Nothing to flush."""

    async def send(self, target: Target, reply: Reply) -> str:
        """Keep the message with its recipient handle or chat."""
        self.sent.append((target.user or target.chat or "?", reply))
        return f"collected:{len(self.sent)}"


def by_number(buttons: tuple[Button, ...]) -> bool:
    """Whether a typed number presses one of these buttons.

    Not when a form asks for typed text and the buttons only keep or cancel it: there a
    number is the answer (a seat limit of 1 is not 'Annuleren'), and the words stand in.
    """
    return any(not _keeps_or_cancels(b) for b in buttons)


def _keeps_or_cancels(button: Button) -> bool:
    return button.action_id == CANCEL_ACTION or (
        button.action_id == ANSWER_ACTION and button.value == "-"
    )
