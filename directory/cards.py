"""A person as a neutral contact card: phone first, then when to call, e-mail last."""

from __future__ import annotations

from datetime import datetime

from core.i18n import N_, Translator
from core.messages import ContactCard
from directory.person_view import PersonView, ThemeView
from directory.phones import display_phone
from directory.reachability import reachability_text, reachable_now

ROLE_LABELS = {
    "oliemannetje": N_("oliemannetje"),
    "procesregisseur": N_("procesregisseur"),
    "vertrouwenspersoon": N_("vertrouwenspersoon"),
    "ervaringsdeskundige": N_("ervaringsdeskundige"),
    "bestuurlijk": N_("bestuurlijk contact"),
}


def theme_name(theme: ThemeView, tr: Translator) -> str:
    """The theme's name in the reader's language."""
    return theme.name_en if tr.language == "en" and theme.name_en else theme.name_nl


def role_text(person: PersonView, tr: Translator) -> str:
    """Job title, department and special roles: 'wijkcoach, Team Noord (oliemannetje)'.

    A special role the job title already names is not repeated.
    """
    parts = [p for p in (person.role_title, person.department) if p]
    text = ", ".join(parts)
    title = (person.role_title or "").lower()
    labels = (tr.gettext(ROLE_LABELS[r]) for r in person.roles or () if r in ROLE_LABELS)
    special = [label for label in labels if label.lower() not in title]
    if special:
        text = f"{text} ({', '.join(special)})" if text else ", ".join(special)
    return text


def contact_card(
    person: PersonView,
    now: datetime,
    tr: Translator,
    *,
    show_contact: bool,
    note: str = "",
    reach: tuple[bool, str] | None = None,
) -> ContactCard:
    """The card for one person; without show_contact, phone, e-mail and reachability stay hidden.

    `reach`: reachable now and the reachability text of someone with a phone, when the
    caller already knows them (`reachable_now`, `reachability_text`)."""
    themes = tuple(theme_name(t, tr) for t in sorted(person.themes, key=lambda t: t.name_nl))
    wijken = tuple(sorted(w.name for w in person.wijken))
    base = ContactCard(
        person_id=person.id,
        name=person.name,
        organisation=person.organisation.name,
        role=role_text(person, tr),
        note=note,
        themes=themes,
        wijken=wijken,
    )
    if not show_contact:
        return base
    if not person.phone:
        reach = (False, tr.gettext("Geen telefoonnummer bekend."))
    elif reach is None:
        reach = (reachable_now(person, now, tr.timezone), reachability_text(person, now, tr))
    return ContactCard(
        person_id=base.person_id,
        name=base.name,
        organisation=base.organisation,
        role=base.role,
        phone=person.phone,
        phone_display=display_phone(person.phone) if person.phone else None,
        reachable_now=reach[0],
        reachability=reach[1],
        email=person.email,
        note=note,
        themes=themes,
        wijken=wijken,
    )


def card_json(card: ContactCard) -> dict[str, object]:
    """The keys `krokodil say --json` promises under 'contacts', plus the rest of the card."""
    return {
        "person_id": card.person_id,
        "name": card.name,
        "organisation": card.organisation,
        "role": card.role,
        "phone": card.phone,
        "phone_display": card.phone_display,
        "reachable_now": card.reachable_now,
        "reachability": card.reachability,
        "email": card.email,
        "note": card.note,
        "themes": list(card.themes),
        "wijken": list(card.wijken),
    }
