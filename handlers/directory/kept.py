"""/wie answers kept for the minute and given to every asker they fit.

A busy network asks the same few questions over and over ("schulden", "wonen in
Molenwijk"), and the directory changes a few times a day. An answer depends on who asks in
three ways only: the asker is left out of it, people the asker knows come first, and
without a wijk in the question people who work where the asker works do. So for an asker
who knows nobody in the directory yet, the answer worked out *without leaving the asker
out* is the answer for everyone with the same wijken, unless the asker is in it: leaving
out someone who is not among the people it shows, the absent people they stand in for,
the role holders or the oliemannetjes it considered changes nothing.

Such answers are kept per question, language, time zone, visibility (registered or not)
and the asker's wijken, for one index version and one minute
(:class:`directory.index.kept.KeptAnswers`): a change to the directory, and the next
minute (reachability is worked out to the minute), start afresh. An asker who knows
someone, or who is among the people a kept answer involves, gets an answer worked out
for them, as before. How the question was understood (its wijk, its themes; no role
asked that anyone holds) is kept with it (:class:`Reading`), so an answer worked out for
other wijken, or for such an asker, starts at the people search.
"""

from __future__ import annotations

from collections.abc import Awaitable, Collection, Hashable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from core.i18n import Translator
from core.messages import ContactCard, Reply
from directory.index.state import State
from directory.index.store import DirectoryIndex
from directory.person_view import PersonView
from directory.reference import Reference
from directory.scoring import Ranked
from directory.search import Source
from directory.understanding import Understanding
from handlers.base import Command, Deps


@dataclass
class Reading:
    """How a question was understood when it led to the people search, worked out
    without leaving anyone out: it names no role anyone holds and is clear, for every
    asker (noted by `_who`, and given to it again to skip reading the question)."""

    understood: Understanding | None = None


class Work(Protocol):
    """`_who` of handlers.directory.search: the answer, leaving the asker out or not."""

    def __call__(
        self,
        cmd: Command,
        deps: Deps,
        source: Source,
        query: str,
        *,
        exclude_asker: bool,
        reading: Reading | None = None,
    ) -> Awaitable[Reply]: ...


class Involved:
    """A directory source that notes every person it hands out (a Source)."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.ids: set[int] = set()
        # A ranking preferred the asker's wijken (no wijk asked, an asker known).
        self.by_wijken = False

    async def reference(self) -> Reference:
        return await self.source.reference()

    async def rank(self, weights: Mapping[int, float], **options: Any) -> list[Ranked]:
        """`Source.rank` (its keyword arguments passed on), noting whom it found."""
        found = await self.source.rank(weights, **options)
        prefer, asker_id = options["prefer"], options["asker_id"]
        if not prefer and options["prefer_asker_wijken"] and asker_id:
            self.by_wijken = True
        for row in found:
            self.ids.add(row.person_id)
            if row.substitute_for is not None:
                self.ids.add(row.substitute_for)
        return found

    async def people(self, ids: Collection[int]) -> Mapping[int, PersonView]:
        found = await self.source.people(ids)
        self.ids.update(found)
        return found

    def card(
        self,
        person: PersonView,
        now: datetime,
        tr: Translator,
        *,
        show_contact: bool,
        note: str = "",
    ) -> ContactCard:
        self.ids.add(person.id)
        return self.source.card(person, now, tr, show_contact=show_contact, note=note)

    async def fallback(
        self, ref: Reference, text: str, keys: tuple[str, ...], exclude: Collection[int]
    ) -> tuple[PersonView | None, str, dict[str, str]]:
        person, reason, values = await self.source.fallback(ref, text, keys, exclude)
        if person is not None:
            self.ids.add(person.id)
        return person, reason, values

    async def stand_in_if_away(self, person: PersonView, now: datetime) -> PersonView | None:
        found = await self.source.stand_in_if_away(person, now)
        if found is not None:
            self.ids.add(found.id)
        return found

    async def role_holders(self, role: str) -> list[int]:
        found = await self.source.role_holders(role)
        self.ids.update(found)
        return found

    async def covering(self, ids: Collection[int], wijk_id: int) -> set[int]:
        return await self.source.covering(ids, wijk_id)


@dataclass(frozen=True)
class KeptAnswer:
    """An answer worked out without leaving the asker out, the people it involved, and
    whether it went by the asker's wijken (a question without a wijk in it)."""

    reply: Reply
    involved: frozenset[int]
    by_wijken: bool
    reading: Reading


def answer_key(cmd: Command, query: str) -> Hashable:
    """What a kept answer to `query` is kept under, whatever the asker's wijken."""
    return (query, cmd.tr.language, cmd.tr.timezone, cmd.actor is not None)


def _wijken(cmd: Command, state: State) -> tuple[int, ...]:
    entry = state.entries.get(cmd.actor.person_id) if cmd.actor is not None else None
    return entry.wijk_ids if entry is not None else ()


async def kept_who(
    cmd: Command, deps: Deps, index: DirectoryIndex, state: State, query: str, work: Work
) -> Reply:
    """/wie from the index: a kept answer where one fits the asker, else worked out."""
    source = index.source(state)
    actor = cmd.actor
    if actor is not None and state.acquaintances.get(actor.person_id):
        return await work(cmd, deps, source, query, exclude_asker=True)
    minute = int(cmd.now.timestamp() // 60)
    key = answer_key(cmd, query)
    kept = index.answers.get(state, minute, key)
    reading = kept.reading if kept is not None else Reading()
    if kept is not None and kept.by_wijken:
        kept = index.answers.get(state, minute, (key, _wijken(cmd, state)))
    if kept is None:
        noting = Involved(source)
        reply = await work(cmd, deps, noting, query, exclude_asker=False, reading=reading)
        kept = KeptAnswer(reply, frozenset(noting.ids), noting.by_wijken, reading)
        if kept.by_wijken:
            index.answers.keep(state, minute, key, kept)  # says: look up by wijken
            index.answers.keep(state, minute, (key, _wijken(cmd, state)), kept)
        else:
            index.answers.keep(state, minute, key, kept)
    if actor is None or actor.person_id not in kept.involved:
        return kept.reply
    return await work(cmd, deps, source, query, exclude_asker=True, reading=kept.reading)
