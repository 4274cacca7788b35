"""How directory answers look: cards with a note on why each person is there."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import ContactCard
from directory.cards import card_json, contact_card
from directory.freshness import is_dropped
from directory.models import Person, Theme
from directory.person_view import PersonView
from directory.reachability import Reachable, is_absent
from directory.search import Match


class CardMaker(Protocol):
    """`directory.cards.contact_card`, or a source's own (which may reuse cards)."""

    def __call__(
        self,
        person: PersonView,
        now: datetime,
        tr: Translator,
        *,
        show_contact: bool,
        note: str = "",
    ) -> ContactCard: ...


async def theme_names(session: AsyncSession, keys: Iterable[str], tr: Translator) -> dict[str, str]:
    """Display names of theme keys in the reader's language."""
    wanted = list(keys)
    if not wanted:
        return {}
    rows = await session.execute(
        select(Theme.key, Theme.name_nl, Theme.name_en).where(Theme.key.in_(wanted))
    )
    return {k: (en if tr.language == "en" and en else nl) for k, nl, en in rows}


def absence_note(person: Reachable, tr: Translator) -> str:
    """'afwezig tot 12 januari' in the reader's zone, or 'afwezig'."""
    if person.absent_until is None:
        return tr.gettext("afwezig")
    from zoneinfo import ZoneInfo

    back = person.absent_until.astimezone(ZoneInfo(tr.timezone)).date()
    return tr.gettext("afwezig tot {date}", date=tr.date(back, "d MMMM"))


def match_note(match: Match, names: Mapping[str, str], wijk: str | None, tr: Translator) -> str:
    """Why this person: matched themes, stand-in for whom, wijk, already acquainted."""
    parts: list[str] = []
    if match.matched_themes:
        parts.append(
            tr.gettext(
                "voor {themes}", themes=tr.join(names.get(k, k) for k in match.matched_themes)
            )
        )
    if match.substitute_for is not None:
        parts.append(
            tr.gettext(
                "vervangt {name} ({absence})",
                name=match.substitute_for.name,
                absence=absence_note(match.substitute_for, tr),
            )
        )
    if wijk and any(w.name == wijk for w in match.person.wijken):
        parts.append(tr.gettext("werkt in {wijk}", wijk=wijk))
    if match.knows_asker:
        parts.append(tr.gettext("jullie kennen elkaar al"))
    return " · ".join(parts)


def person_note(person: Person, now: datetime, tr: Translator) -> str:
    """Extra words on a /bel card: an old entry, or away without a stand-in."""
    parts: list[str] = []
    if is_dropped(person):
        parts.append(tr.gettext("deze gegevens zijn al lang niet bevestigd"))
    if is_absent(person, now) and person.stand_in_id is None:
        parts.append(tr.gettext("geen vervanger opgegeven"))
    return " · ".join(parts)


def match_json(match: Match, card: ContactCard) -> dict[str, Any]:
    """A ranked contact for `say --json`: the card plus why it ranks here."""
    return {
        **card_json(card),
        "score": match.score,
        "matched_themes": list(match.matched_themes),
        "knows_asker": match.knows_asker,
        "substitute_for": match.substitute_for.name if match.substitute_for else None,
    }


def cards_for(
    matches: Iterable[Match],
    names: Mapping[str, str],
    wijk: str | None,
    now: datetime,
    tr: Translator,
    *,
    show_contact: bool,
    card_of: CardMaker = contact_card,
) -> tuple[list[ContactCard], list[dict[str, Any]]]:
    """Cards and their JSON for ranked matches (`card_of`: the source's card maker)."""
    cards: list[ContactCard] = []
    contacts: list[dict[str, Any]] = []
    for match in matches:
        card = card_of(
            match.person,
            now,
            tr,
            show_contact=show_contact,
            note=match_note(match, names, wijk, tr),
        )
        cards.append(card)
        contacts.append(match_json(match, card))
    return cards, contacts
