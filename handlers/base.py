"""What every handler sees: the command, its dependencies, and the registry it joins.

A handler is ``async def verb(cmd: Command, deps: Deps) -> Reply``. It never
sees a platform payload and never renders; it reads and writes through units of
work from ``deps.uow`` and answers with a neutral :class:`core.messages.Reply`.
"""

from __future__ import annotations

import random
import re
import uuid
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from core.clock import Clock
from core.config import Settings
from core.db import UnitOfWorkFactory
from core.i18n import Translator
from core.messages import Choice, Form, Invocation, Reply
from directory.identity import Actor
from directory.index.store import DirectoryIndex


@dataclass(frozen=True)
class Command:
    """One parsed user request, with who asked and in which language to answer."""

    invocation: Invocation
    name: str
    args: str
    actor: Actor | None
    tr: Translator
    now: datetime

    @property
    def person_id(self) -> int:
        """The asker's person id; handlers marked registered-only may rely on it."""
        if self.actor is None:
            raise RuntimeError("person_id used on a command from an unregistered account")
        return self.actor.person_id

    @property
    def action_value(self) -> str:
        """The value of the pressed button, or ''."""
        return self.invocation.action.value if self.invocation.action else ""


@dataclass
class Deps:
    """Everything a handler may use; built once in bot.bootstrap."""

    uow: UnitOfWorkFactory
    clock: Clock
    settings: Settings
    registry: Registry
    rng: random.Random = field(default_factory=random.Random)
    # This process's id in event claims (core.events); new on every start.
    instance: str = field(default_factory=lambda: uuid.uuid4().hex)
    # Called after a handler queued outbox messages, so delivery need not wait for the next tick.
    wake_delivery: Callable[[], None] = lambda: None
    # Ask for an extra timer pass at a moment (e.g. a reminder due at 09:00 sharp).
    wake_at: Callable[[datetime], None] = lambda _when: None
    # The directory in memory (None: every lookup reads the database).
    directory: DirectoryIndex | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    def translator(self, language: str | None) -> Translator:
        """A translator for someone else (e.g. the receiver of a handover)."""
        return Translator.for_language(
            language or self.settings.bot.language, self.settings.bot.timezone
        )


Handler = Callable[[Command, Deps], Awaitable[Reply]]
Suggest = Callable[[Command, Deps, str, dict[str, Any]], Awaitable[tuple[Choice, ...]]]
# A line to show right after one answer of a step-by-step form (field name, answers so far),
# or "" for nothing.
Note = Callable[[Command, Deps, str, dict[str, Any]], Awaitable[str]]
# Whether a question applies, given the answers so far (a one-off meeting has no holidays).
Applies = Callable[[str, dict[str, Any]], bool]
Ticker = Callable[[Deps, datetime], Awaitable[int]]
# Plain text no command pattern matched: a reply when the text is understood anyway, else None.
Guess = Callable[[Command, Deps], Awaitable[Reply | None]]


@dataclass(frozen=True)
class CommandSpec:
    """A chat command: its Dutch name, English alias, help line and natural-language triggers."""

    name: str
    handler: Handler
    summary: str
    example: str
    aliases: tuple[str, ...] = ()
    public: bool = False
    patterns: tuple[re.Pattern[str], ...] = ()
    hidden: bool = False
    # A form this command opens that needs no database: Slack opens it as a modal at once
    # (trigger ids expire in 3 s); other platforms get it from the handler's reply.
    form_builder: Callable[[Translator], Form] | None = None
    # The platforms the municipality keeps this command off (from the settings): menus and
    # /help there leave it out. The capability declares it; adapters only read it.
    kept_off: Callable[[Settings], Collection[str]] | None = None
    # The command changes nothing (no write, no outbox message, no form): a platform event
    # that asks it again (a redelivery) is simply answered again, so from a known account
    # it takes no claim in the database (core.events, docs/reliability.md).
    reads_only: bool = False

    def offered_on(self, platform: str, settings: Settings) -> bool:
        """True when menus and /help on this platform show the command."""
        return not self.hidden and (
            self.kept_off is None or platform not in self.kept_off(settings)
        )


@dataclass(frozen=True)
class ActionSpec:
    """A button: action ids are '<capability>.<verb>', the value says on what."""

    action_id: str
    handler: Handler
    public: bool = False


@dataclass(frozen=True)
class FormSpec:
    """A form's submit handler and, optionally, choices that depend on earlier answers.

    ``note`` is asked after each answer on platforms that ask a form step by step, so
    something worth knowing about that answer is said at once rather than after the last
    question (a modal submits every answer together, so its submit handler says it).
    ``applies`` leaves out, step by step, the questions that earlier answers made moot (a
    modal shows every field at once; its submit handler ignores what does not apply).
    """

    form_id: str
    submit: Handler
    suggest: Suggest | None = None
    note: Note | None = None
    applies: Applies | None = None


@dataclass
class Registry:
    """All commands, buttons, forms and periodic work of the bot."""

    commands: dict[str, CommandSpec] = field(default_factory=dict)
    actions: dict[str, ActionSpec] = field(default_factory=dict)
    forms: dict[str, FormSpec] = field(default_factory=dict)
    tickers: dict[str, Ticker] = field(default_factory=dict)
    guesses: dict[str, Guess] = field(default_factory=dict)
    _names: dict[str, str] = field(default_factory=dict)

    def command(self, spec: CommandSpec) -> None:
        """Add a command; a clashing name or alias is a programming error."""
        for word in (spec.name, *spec.aliases):
            if word in self._names:
                raise ValueError(f"command word {word!r} is taken by /{self._names[word]}")
            self._names[word] = spec.name
        self.commands[spec.name] = spec

    def action(self, spec: ActionSpec) -> None:
        """Add a button handler."""
        if spec.action_id in self.actions:
            raise ValueError(f"action {spec.action_id!r} registered twice")
        self.actions[spec.action_id] = spec

    def form(self, spec: FormSpec) -> None:
        """Add a form."""
        if spec.form_id in self.forms:
            raise ValueError(f"form {spec.form_id!r} registered twice")
        self.forms[spec.form_id] = spec

    def ticker(self, name: str, fn: Ticker) -> None:
        """Add periodic work: ``fn(deps, now)`` does what is due and returns how much."""
        if name in self.tickers:
            raise ValueError(f"ticker {name!r} registered twice")
        self.tickers[name] = fn

    def guess(self, command: str, fn: Guess) -> None:
        """Let a command try plain text that no pattern matched ('kan de huur niet betalen')."""
        if command in self.guesses:
            raise ValueError(f"guess for /{command} registered twice")
        self.guesses[command] = fn

    def lookup(self, word: str) -> CommandSpec | None:
        """The command for a name or alias (case-insensitive)."""
        name = self._names.get(word.lower())
        return self.commands.get(name) if name else None

    def offered(self, platform: str, settings: Settings) -> list[CommandSpec]:
        """The commands menus and /help show on a platform, in registration order."""
        return [spec for spec in self.commands.values() if spec.offered_on(platform, settings)]

    def words(self) -> list[str]:
        """Every command name and alias (for suggestions)."""
        return list(self._names)


# Ids are 32-bit integer columns; a larger number would overflow the database driver.
MAX_ID = 2**31 - 1


def parse_id(text: str) -> int | None:
    """An id typed by a person or carried in a button or form ('12', '#12'); None when it is
    no number. A number too large for an id is 0, which no row has, so it is answered as not
    found rather than overflowing the database driver."""
    cleaned = text.strip().lstrip("#")
    if not cleaned or not cleaned.isascii() or not cleaned.isdecimal():
        return None
    value = int(cleaned)
    return value if value <= MAX_ID else 0
