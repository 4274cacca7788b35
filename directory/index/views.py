"""The people answers show, kept between answers: resolved entries and their contact cards.

Most answers show a few of the same people again (the best few for a theme), so a
person's :class:`ListedPerson` and contact card are made once and reused while nothing
on them can have changed:

- the entry and the reference rows are the same objects (a write replaces an entry, or
  the whole reference, and never changes one in place), and the index is at the version
  the card was made at (everything kept is dropped when the version moves);
- for a card, also the same minute, language, time zone and visibility: reachability
  is worked out to the minute (call windows open and close on whole minutes), and a
  person with an absence recorded, which may start or end at any second, gets a new
  card every time.

A card's note (why this person, for this asker) is never kept: it is added afterwards.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.i18n import Translator
from core.messages import ContactCard
from directory.cards import contact_card
from directory.index.entries import Entry, IndexReference, ListedPerson, listed
from directory.index.state import State
from directory.person_view import PersonView

# At most this many people (and as many cards) are kept; past it everything is dropped.
CAPACITY = 4096

CardKey = tuple[int, str, str, bool]  # person, language, time zone, contact shown


class Views:
    """Listed people and contact cards of one index, kept until its version moves."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._state: State | None = None
        self._version = -1
        self._listed: dict[int, tuple[Entry, IndexReference, ListedPerson]] = {}
        self._cards: dict[CardKey, tuple[ListedPerson, int, ContactCard]] = {}

    def _keep_for(self, state: State) -> None:
        """Forget everything made for another state or version."""
        if state is not self._state or state.version != self._version:
            self._state, self._version = state, state.version
            self._listed.clear()
            self._cards.clear()

    def listed(self, state: State, entry: Entry) -> ListedPerson:
        """The entry resolved for an answer (the same object while nothing changed)."""
        self._keep_for(state)
        ref = state.reference
        kept = self._listed.get(entry.id)
        if kept is not None and kept[0] is entry and kept[1] is ref:
            return kept[2]
        view = listed(entry, ref)
        if len(self._listed) >= self.capacity:
            self._listed.clear()
        self._listed[entry.id] = (entry, ref, view)
        return view

    def card(
        self,
        person: PersonView,
        now: datetime,
        tr: Translator,
        *,
        show_contact: bool,
        note: str = "",
    ) -> ContactCard:
        """`directory.cards.contact_card`, made once per person and minute where it can be."""
        if (
            not isinstance(person, ListedPerson)
            or person.absent_from is not None
            or person.absent_until is not None
        ):
            return contact_card(person, now, tr, show_contact=show_contact, note=note)
        minute = int(now.timestamp() // 60)
        key = (person.id, tr.language, tr.timezone, show_contact)
        kept = self._cards.get(key)
        if kept is not None and kept[0] is person and kept[1] == minute:
            card = kept[2]
        else:
            card = contact_card(person, now, tr, show_contact=show_contact)
            if len(self._cards) >= self.capacity:
                self._cards.clear()
            self._cards[key] = (person, minute, card)
        return replace(card, note=note) if note else card
