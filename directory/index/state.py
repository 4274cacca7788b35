"""What one index holds: every person, the candidate lists, accounts, acquaintances, roles.

Changes are applied person by person (`put`, `drop`) without awaiting anything, so a
lookup running between two awaits always sees a whole state.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from directory.index.entries import NO_PHONE, Entry, IndexReference
from directory.index.lists import CandidateLists, insert_sorted, remove_sorted

Windows = tuple[tuple[int, int, int], ...]


@dataclass
class State:
    """The directory of one process, in memory."""

    reference: IndexReference
    version: int = 0
    entries: dict[int, Entry] = field(default_factory=dict)
    lists: CandidateLists = field(default_factory=CandidateLists)
    accounts: dict[str, int] = field(default_factory=dict)  # account key → person id
    # The inverse of `accounts` (person id → their account key, or keys when more than
    # one), so a link or unlink touches only the accounts of the people it changed, not
    # every account. One key is kept as itself: a tuple per person was 5 MiB at 100,000.
    account_keys: dict[int, str | tuple[str, ...]] = field(default_factory=dict)
    acquaintances: dict[int, set[int]] = field(default_factory=dict)
    # Active people per special role, by id (role holders are few).
    roles: dict[str, list[int]] = field(default_factory=dict)
    schedules: list[Windows] = field(default_factory=list)
    _schedule_ids: dict[Windows, int] = field(default_factory=dict)
    # Repeated values (departments, call windows, role lists) are kept once.
    _texts: dict[str, str] = field(default_factory=dict)
    # Equal sets of theme or wijk ids are kept once: colleagues share them (at 100,000
    # generated people, 40,000 distinct sets instead of 166,000 tuples, about 6 MiB less).
    _id_sets: dict[tuple[int, ...], tuple[int, ...]] = field(default_factory=dict)
    _windows: dict[str | None, Windows] = field(default_factory=dict)
    _roles: dict[str | None, tuple[str, ...]] = field(default_factory=dict)
    # Absences that begin or end within a minute (not on a whole minute), by person: rare,
    # but during such a minute what is kept per minute may go stale (`absence_turns_in`).
    _odd_absences: dict[int, tuple[datetime, ...]] = field(default_factory=dict)

    def schedule_of(self, phone: str | None, availability: Windows) -> int:
        """The schedule class of someone with this phone (or none) and these call windows."""
        if phone is None:
            return NO_PHONE
        found = self._schedule_ids.get(availability)
        if found is None:
            found = self._schedule_ids[availability] = len(self.schedules)
            self.schedules.append(availability)
        return found

    def text(self, value: str) -> str:
        """One object for equal texts (departments, job titles)."""
        return self._texts.setdefault(value, value)

    def ids(self, value: tuple[int, ...]) -> tuple[int, ...]:
        """One object for equal sorted id tuples (theme ids, wijk ids)."""
        return self._id_sets.setdefault(value, value)

    def keys_of(self, person_id: int) -> tuple[str, ...]:
        """The account keys of a person."""
        found = self.account_keys.get(person_id, ())
        return (found,) if isinstance(found, str) else found

    def _set_keys(self, person_id: int, keys: tuple[str, ...]) -> None:
        if not keys:
            self.account_keys.pop(person_id, None)
        else:
            self.account_keys[person_id] = keys[0] if len(keys) == 1 else keys

    def windows(self, stored: str | None) -> Windows:
        """Call windows from their JSON text, decoded once per distinct text."""
        found = self._windows.get(stored)
        if found is None:
            decoded = tuple((int(w[0]), int(w[1]), int(w[2])) for w in json.loads(stored or "[]"))
            equal = next((w for w in self._windows.values() if w == decoded), decoded)
            found = self._windows[stored] = equal
        return found

    def role_list(self, stored: str | None) -> tuple[str, ...]:
        """Special roles from their JSON text, decoded once per distinct text."""
        found = self._roles.get(stored)
        if found is None:
            found = self._roles[stored] = tuple(str(r) for r in json.loads(stored or "[]"))
        return found

    def put(self, entry: Entry) -> None:
        """Add a person, or replace what was known of them."""
        old = self.entries.get(entry.id)
        if old is not None:
            self._unlist(old)
        self.entries[entry.id] = entry
        self._note_absence(entry)
        self.lists.add(entry)
        if entry.active:
            for role in entry.roles:
                insert_sorted(self.roles.setdefault(role, []), entry.id)

    def extend(self, entries: list[Entry]) -> None:
        """Add many new people whose ids are all higher than any known (a build, in order)."""
        for entry in entries:
            self.entries[entry.id] = entry
            if entry.absent_from is not None or entry.absent_until is not None:
                self._note_absence(entry)
            if entry.active:
                for role in entry.roles:
                    self.roles.setdefault(role, []).append(entry.id)
        self.lists.extend(entries)

    def drop(self, person_id: int) -> None:
        """Forget a person that no longer exists."""
        old = self.entries.pop(person_id, None)
        if old is not None:
            self._unlist(old)
        self._odd_absences.pop(person_id, None)
        self.set_acquaintances(person_id, ())

    def _note_absence(self, entry: Entry) -> None:
        odd = tuple(
            edge
            for edge in (entry.absent_from, entry.absent_until)
            if edge is not None and (edge.second or edge.microsecond)
        )
        if odd:
            self._odd_absences[entry.id] = odd
        else:
            self._odd_absences.pop(entry.id, None)

    def absence_turns_in(self, minute: int) -> bool:
        """Someone's absence begins or ends inside this minute (minutes since the epoch),
        not on its first second: then who is away changes during the minute."""
        return any(
            int(edge.timestamp() // 60) == minute
            for edges in self._odd_absences.values()
            for edge in edges
        )

    def _unlist(self, old: Entry) -> None:
        self.lists.remove(old)
        for role in old.roles:
            remove_sorted(self.roles.get(role, []), old.id)

    def add_accounts(self, accounts: dict[str, int]) -> None:
        """Accounts of people whose accounts are not known yet (a build, slice by slice)."""
        self.accounts.update(accounts)
        for key, pid in accounts.items():
            self._set_keys(pid, (*self.keys_of(pid), key))

    def set_accounts(self, people: set[int], accounts: dict[str, int]) -> None:
        """The accounts of these people are now exactly `accounts` (key → person).

        Work in proportion to these people's accounts, not to all accounts: at 100,000
        people a pass over every account for each link was most of a busy morning's CPU.
        """
        held = self.accounts
        for pid in people:
            for key in self.keys_of(pid):
                if held.get(key) == pid:
                    del held[key]
            self.account_keys.pop(pid, None)
        for key, pid in accounts.items():
            before = held.get(key)
            if before is not None and before != pid:
                # Held by someone not listed as changed: the database says it is pid's now.
                self._set_keys(before, tuple(k for k in self.keys_of(before) if k != key))
            held[key] = pid
            if key not in self.keys_of(pid):
                self._set_keys(pid, (*self.keys_of(pid), key))

    def set_acquaintances(self, person_id: int, partners: Iterable[int]) -> None:
        """Whom a person knows now (kept symmetric)."""
        new = set(partners)
        for gone in self.acquaintances.get(person_id, set()) - new:
            self.acquaintances.get(gone, set()).discard(person_id)
        for partner in new:
            self.acquaintances.setdefault(partner, set()).add(person_id)
        if new:
            self.acquaintances[person_id] = new
        else:
            self.acquaintances.pop(person_id, None)

    def person_for_account(self, key: str) -> Entry | None:
        """The active person an account belongs to."""
        person_id = self.accounts.get(key)
        entry = self.entries.get(person_id) if person_id is not None else None
        return entry if entry is not None and entry.active else None
