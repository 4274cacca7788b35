"""/themas: the theme list per domain, with how many people work on each theme.

'/themas voorstellen' is the admin's review of learned synonyms (handlers.directory.proposals).
"""

from __future__ import annotations

from sqlalchemy import func, select

from core.i18n import N_
from core.messages import Reply
from directory.matching import normalise
from directory.models import Person, Theme, person_themes
from directory.themes import DOMAINS
from handlers.base import Command, Deps
from handlers.directory import proposals

DOMAIN_NAMES = {
    "Jeugd": N_("Jeugd"),
    "Wmo": N_("Wmo"),
    "Participatie": N_("Participatie"),
    "Opvang": N_("Opvang"),
}


def _domain_words(domain: str, label: str) -> set[str]:
    """What names a domain: 'jeugd', and for the label 'Jeugd (youth)' also 'youth'."""
    return {normalise(domain), normalise(label), normalise(label.partition("(")[2])} - {""}


async def themes(cmd: Command, deps: Deps) -> Reply:
    """Every theme with its number of people; '/themas jeugd' shows one domain or a search."""
    if proposals.asks_for_proposals(cmd.args):
        return await proposals.review(cmd, deps)
    _ = cmd.tr.gettext
    wanted = normalise(cmd.args)
    counts = (
        select(person_themes.c.theme_id, func.count().label("n"))
        .join(Person, Person.id == person_themes.c.person_id)
        .where(Person.active.is_(True))
        .group_by(person_themes.c.theme_id)
        .subquery()
    )
    async with deps.uow() as uow:
        rows = list(
            await uow.session.execute(
                select(Theme.key, Theme.name_nl, Theme.name_en, Theme.domain, counts.c.n)
                .outerjoin(counts, counts.c.theme_id == Theme.id)
                .order_by(Theme.domain, Theme.name_nl)
            )
        )
    english = cmd.tr.language == "en"
    lines: list[str] = []
    listed: list[dict[str, object]] = []
    # A domain is asked for by its Dutch name or its label in the reader's language.
    named = {d for d in DOMAINS if wanted and wanted in _domain_words(d, _(DOMAIN_NAMES[d]))}
    domains = sorted(named, key=DOMAINS.index) or list(DOMAINS)
    for domain in domains:
        entries = []
        for key, nl, en, theme_domain, count in rows:
            name = en if english and en else nl
            if theme_domain != domain:
                continue
            if wanted and domain not in named and wanted not in normalise(f"{nl} {en}"):
                continue
            entries.append(f"{name} ({count or 0})")
            listed.append({"key": key, "name": name, "domain": domain, "people": count or 0})
        if entries:
            lines.append(f"{_(DOMAIN_NAMES[domain])}: " + ", ".join(entries))
    if not lines:
        return Reply(
            text=_(
                'Ik vond geen thema dat op "{text}" lijkt. Typ /themas voor de hele lijst.',
                text=cmd.args.strip(),
            ),
            data={"themes": []},
        )
    lines.append("")
    lines.append(_("Tussen haakjes: hoeveel mensen eraan werken. Zoek iemand met /wie THEMA."))
    return Reply(title=_("Thema's"), text="\n".join(lines), data={"themes": listed})
