"""The people answers show, kept between answers: resolved entries and their contact cards.

Most answers show a few of the same people again (the best few for a theme), so a
person's :class:`ListedPerson` and contact card are made once and reused while nothing
on them can have changed:

- the entry and the reference rows are the same objects (a write replaces an entry, or
  the whole reference, and never changes one in place), and the index is at the version
  the card was made at (everything kept is dropped when the version moves);
- for a card, also the same language, time zone and visibility; what it says about
  reachability (reachable now, "nu bereikbaar tot 17:00", "volgende belmoment: …") is
  the same for everyone with the same call windows all minute long (windows open and close
  on whole minutes), so it is kept per call windows and minute. A person with an absence
  recorded, which may start or end at any second, gets a new card every time.

A card's note (why this person, for this asker) is never kept: it is added afterwards.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from core.i18n import Translator
from core.messages import ContactCard
from directory.cards import contact_card
from directory.index.entries import Entry, IndexReference, ListedPerson, listed
from directory.index.kept import Recent
from directory.index.state import State
from directory.person_view import PersonView
from directory.reachability import reachability_text, reachable_now

# At most this many people (and as many cards) are kept; past it the least recently used go.
CAPACITY = 4096

CardKey = tuple[int, str, str, bool]  # person, language, time zone, contact shown
Windows = tuple[tuple[int, int, int], ...]


class Views:
    """Listed people and contact cards of one index, kept until its version moves."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._state: State | None = None
        self._version = -1
        self._listed: Recent[int, tuple[Entry, IndexReference, ListedPerson]] = Recent(capacity)
        self._cards: Recent[CardKey, tuple[ListedPerson, ContactCard]] = Recent(capacity)
        # Per call windows, language and time zone: the minute, reachable then, and the text.
        self._times: Recent[tuple[Windows, str, str], tuple[int, bool, str]] = Recent(capacity)

    def _keep_for(self, state: State) -> None:
        """Forget everything made for another state or version."""
        if state is not self._state or state.version != self._version:
            self._state, self._version = state, state.version
            self._listed.clear()
            self._cards.clear()
            self._times.clear()

    def listed(self, state: State, entry: Entry) -> ListedPerson:
        """The entry resolved for an answer (the same object while nothing changed)."""
        self._keep_for(state)
        ref = state.reference
        kept = self._listed.get(entry.id)
        if kept is not None and kept[0] is entry and kept[1] is ref:
            return kept[2]
        view = listed(entry, ref)
        self._listed.put(entry.id, (entry, ref, view))
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
        """`directory.cards.contact_card`, from kept parts where it can be."""
        if (
            not isinstance(person, ListedPerson)
            or person.absent_from is not None
            or person.absent_until is not None
        ):
            return contact_card(person, now, tr, show_contact=show_contact, note=note)
        minute = int(now.timestamp() // 60)
        key = (person.id, tr.language, tr.timezone, show_contact)
        kept = self._cards.get(key)
        if kept is not None and kept[0] is person:
            card = kept[1]
        else:
            reach = (
                self._times_for(person, now, tr, minute) if show_contact and person.phone else None
            )
            card = contact_card(person, now, tr, show_contact=show_contact, reach=reach)
            self._cards.put(key, (person, card))
            return replace(card, note=note) if note else card
        if not show_contact or not person.phone:
            return replace(card, note=note) if note else card  # nothing on it changes by the minute
        reachable, text = self._times_for(person, now, tr, minute)
        return ContactCard(
            person_id=card.person_id,
            name=card.name,
            organisation=card.organisation,
            role=card.role,
            phone=card.phone,
            phone_display=card.phone_display,
            reachable_now=reachable,
            reachability=text,
            email=card.email,
            note=note,
            themes=card.themes,
            wijken=card.wijken,
        )

    def _times_for(
        self, person: ListedPerson, now: datetime, tr: Translator, minute: int
    ) -> tuple[bool, str]:
        """Reachable now, and the reachability text, of someone with a phone and no absence:
        the same for everyone with these call windows, all minute long."""
        kept = self._times.get((person.availability, tr.language, tr.timezone))
        if kept is not None and kept[0] == minute:
            return kept[1], kept[2]
        found = (
            reachable_now(person, now, tr.timezone),
            reachability_text(person, now, tr),
        )
        self._times.put((person.availability, tr.language, tr.timezone), (minute, *found))
        return found
