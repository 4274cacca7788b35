"""The index as a search source: what directory.search and directory.roles ask of it.

The same questions as directory.sql_source, answered from one State without awaiting
anything, so a lookup sees the index as it was when it started.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime

from core.i18n import Translator
from core.messages import ContactCard
from directory.candidates import DROPPED
from directory.fallback import choose_fallback
from directory.index.entries import Entry, ListedPerson
from directory.index.kept import KeptRankings
from directory.index.ranking import rank
from directory.index.schedules import ScheduleTimes
from directory.index.state import State
from directory.index.views import Views
from directory.person_view import PersonView
from directory.reachability import is_absent
from directory.reference import Reference
from directory.scoring import Ranked
from directory.sql_source import ROLE_POOL


class IndexSource:
    """Search over one index state."""

    def __init__(
        self,
        state: State,
        times: ScheduleTimes,
        views: Views | None = None,
        kept: KeptRankings | None = None,
    ) -> None:
        self.state, self.times = state, times
        self.views = views if views is not None else Views()
        self.kept = kept

    def _listed(self, entry: Entry) -> ListedPerson:
        return self.views.listed(self.state, entry)

    async def reference(self) -> Reference:
        """Themes and wijken as the index knows them."""
        return self.state.reference.reference

    async def rank(
        self,
        weights: Mapping[int, float],
        *,
        prefer: Sequence[int] | None,
        explicit: bool,
        asker_id: int | None,
        exclude: Collection[int],
        prefer_asker_wijken: bool,
        now: datetime,
        timezone: str,
        limit: int,
    ) -> list[Ranked]:
        """The best `limit` people for these theme weights, exactly as the SQL path ranks."""
        return rank(
            self.state,
            self.times,
            weights,
            prefer=prefer,
            explicit=explicit,
            asker_id=asker_id,
            exclude=exclude,
            prefer_asker_wijken=prefer_asker_wijken,
            now=now,
            timezone=timezone,
            limit=limit,
            kept=self.kept,
        )

    async def people(self, ids: Collection[int]) -> Mapping[int, PersonView]:
        """People by id, resolved for an answer."""
        entries = self.state.entries
        return {pid: self._listed(entries[pid]) for pid in ids if pid in entries}

    def card(
        self,
        person: PersonView,
        now: datetime,
        tr: Translator,
        *,
        show_contact: bool,
        note: str = "",
    ) -> ContactCard:
        """A person's contact card, reused within the minute while nothing on it changed."""
        return self.views.card(person, now, tr, show_contact=show_contact, note=note)

    async def fallback(
        self, ref: Reference, text: str, keys: tuple[str, ...], exclude: Collection[int]
    ) -> tuple[PersonView | None, str, dict[str, str]]:
        """The oliemannetje (or procesregisseur) to name when nobody matched, and why."""

        async def best(role: str, domain: str | None) -> PersonView | None:
            found = self.best_with_role(role, domain, exclude)
            return self._listed(found) if found is not None else None

        return await choose_fallback(ref, text, keys, best)

    def best_with_role(
        self, role: str, domain: str | None, exclude: Collection[int] = ()
    ) -> Entry | None:
        """The active holder of a role with most themes in `domain` (ties: lowest id)."""
        themes = self.state.reference.themes
        best: Entry | None = None
        most = -1
        for pid in self.state.roles.get(role, ()):
            if pid in exclude:
                continue
            entry = self.state.entries[pid]
            held = (
                sum(1 for t in entry.theme_ids if t in themes and themes[t].domain == domain)
                if domain
                else 0
            )
            if held > most:
                best, most = entry, held
        return best

    async def stand_in_if_away(self, person: PersonView, now: datetime) -> ListedPerson | None:
        """The stand-in to name instead of an absent person (active and not away themselves)."""
        if not is_absent(person, now) or person.stand_in_id is None:
            return None
        stand_in = self.state.entries.get(person.stand_in_id)
        if stand_in is None or not stand_in.active or is_absent(stand_in, now):
            return None
        return self._listed(stand_in)

    async def role_holders(self, role: str) -> list[int]:
        """Active, not dropped holders of a special role, by id (at most ROLE_POOL)."""
        entries = self.state.entries
        found = [
            pid
            for pid in self.state.roles.get(role, ())
            if entries[pid].confirm_reminders_sent < DROPPED
        ]
        return found[:ROLE_POOL]

    async def covering(self, ids: Collection[int], wijk_id: int) -> set[int]:
        """Which of these people work in the wijk."""
        entries = self.state.entries
        return {pid for pid in ids if pid in entries and wijk_id in entries[pid].wijk_ids}
