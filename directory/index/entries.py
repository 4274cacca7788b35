"""One person in memory, the reference rows it points to, and the view answers read.

An entry keeps ids (organisation, themes, wijken), so a renamed theme or a new wijk
changes only the reference rows; the few people an answer shows are resolved into a
:class:`ListedPerson` with names. A new field of a person is added here (Entry and
ListedPerson), in ``loading.COLUMNS`` and, when search should use it, in ``Entry.searchable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from directory.candidates import DROPPED
from directory.reference import Reference, ThemeRow

# The schedule class of people without a phone number: they cannot be called at all.
NO_PHONE = -1


@dataclass(frozen=True, slots=True)
class OrganisationRow:
    """An organisation as answers show it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class WijkRow:
    """A wijk as answers show it."""

    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A person as the index holds them: plain values and ids, nothing lazy."""

    id: int
    name: str
    organisation_id: int
    department: str
    role_title: str
    phone: str | None
    email: str | None
    language: str | None
    availability: tuple[tuple[int, int, int], ...]
    roles: tuple[str, ...]
    absent_from: datetime | None
    absent_until: datetime | None
    stand_in_id: int | None
    is_admin: bool
    active: bool
    confirm_reminders_sent: int
    theme_ids: tuple[int, ...]  # sorted
    wijk_ids: tuple[int, ...]  # sorted
    schedule: int  # the schedule class: an id per distinct set of call windows, or NO_PHONE

    @property
    def searchable(self) -> bool:
        """Found by /wie: active and not dropped for want of confirmation."""
        return self.active and self.confirm_reminders_sent < DROPPED

    @property
    def regular(self) -> bool:
        """No absence recorded: reachability follows from the call windows alone."""
        return self.absent_from is None and self.absent_until is None


def account_key(platform: str, external_id: str) -> str:
    """How the index names an account (external ids are stored lowercase)."""
    return f"{platform}\x1f{external_id.lower()}"


@dataclass(frozen=True)
class IndexReference:
    """Themes, wijken and organisations by id, and the Reference that search understands with."""

    reference: Reference
    themes: Mapping[int, ThemeRow]
    wijken: Mapping[int, WijkRow]
    organisations: Mapping[int, OrganisationRow]


@dataclass(frozen=True, slots=True)
class ListedPerson:
    """A person resolved for an answer: organisation, themes and wijken with their names."""

    id: int
    name: str
    organisation_id: int
    organisation: OrganisationRow
    department: str
    role_title: str
    phone: str | None
    email: str | None
    language: str | None
    roles: tuple[str, ...]
    availability: tuple[tuple[int, int, int], ...]
    absent_from: datetime | None
    absent_until: datetime | None
    stand_in_id: int | None
    is_admin: bool
    active: bool
    confirm_reminders_sent: int
    themes: tuple[ThemeRow, ...]
    wijken: tuple[WijkRow, ...]

    def has_role(self, role: str) -> bool:
        """True when the person holds a special role such as 'oliemannetje'."""
        return role in self.roles


def listed(entry: Entry, ref: IndexReference) -> ListedPerson:
    """The entry with its reference rows looked up (unknown ids are left out)."""
    organisation = ref.organisations.get(entry.organisation_id) or OrganisationRow(
        entry.organisation_id, ""
    )
    return ListedPerson(
        id=entry.id,
        name=entry.name,
        organisation_id=entry.organisation_id,
        organisation=organisation,
        department=entry.department,
        role_title=entry.role_title,
        phone=entry.phone,
        email=entry.email,
        language=entry.language,
        roles=entry.roles,
        availability=entry.availability,
        absent_from=entry.absent_from,
        absent_until=entry.absent_until,
        stand_in_id=entry.stand_in_id,
        is_admin=entry.is_admin,
        active=entry.active,
        confirm_reminders_sent=entry.confirm_reminders_sent,
        themes=tuple(ref.themes[t] for t in entry.theme_ids if t in ref.themes),
        wijken=tuple(ref.wijken[w] for w in entry.wijk_ids if w in ref.wijken),
    )
