"""The answer to an understood /wie question: the people, related themes, or a fallback.

When nobody works on exactly the themes asked about, the people on the themes the
catalog lists as related come first ("Niemand werkt precies aan hulpmiddelen; deze
mensen werken aan Wmo"); only when nobody works on those either does /wie name the
oliemannetje of the closest domain.
"""

from __future__ import annotations

from core.messages import Reply
from directory.cards import card_json
from directory.reference import Reference
from directory.related import related_themes
from directory.search import SearchResult, Source, search_people
from directory.understanding import Understanding
from handlers.base import Command, Deps
from handlers.directory.cards import absence_note, cards_for


async def answer(
    cmd: Command,
    deps: Deps,
    source: Source,
    ref: Reference,
    understood: Understanding,
    *,
    exclude_asker: bool = True,
) -> Reply:
    """The people for an understood question (or related themes' people, or a fallback);
    `exclude_asker`: leave the asker out (see handlers.directory.kept for when not)."""
    asker = cmd.actor.person_id if cmd.actor else None
    show = cmd.actor is not None
    excluded = (asker,) if asker is not None and exclude_asker else ()

    async def search(found: Understanding) -> SearchResult:
        return await search_people(
            source,
            found.place.text,
            ref=ref,
            now=cmd.now,
            timezone=deps.settings.bot.timezone,
            asker_id=asker,
            limit=deps.settings.directory.max_results,
            exclude=excluded,
            understood=found,
        )

    result = await search(understood)
    asked = _names(cmd, ref, result.themes)
    data: dict[str, object] = {
        "themes": list(result.themes),
        "wijk": result.wijk,
        "unknown_wijk": result.unknown_wijk,
    }
    if not result.matches and result.themes:
        related = related_themes(ref, understood.themes)
        if related:
            nearby = await search(Understanding(understood.place, tuple(related)))
            if nearby.matches:
                return _related(cmd, source, ref, nearby, asked, data, show)
    if not result.matches:
        return _fallback(cmd, source, result, cmd.tr.join(asked.values()), data, show)
    cards, contacts = cards_for(
        result.matches, asked, result.wijk, cmd.now, cmd.tr, show_contact=show, card_of=source.card
    )
    themes = cmd.tr.join(asked.get(k, k) for k in result.themes)
    _ = cmd.tr.gettext
    if result.wijk:
        title = _("Wie helpt met {themes} in {wijk}", themes=themes, wijk=result.wijk)
    else:
        title = _("Wie helpt met {themes}", themes=themes)
    return Reply(
        title=title,
        text=with_unknown_wijk(cmd, result, lead(cmd, result, show)),
        cards=tuple(cards),
        data={**data, "contacts": contacts, "fallback": False},
    )


def _names(cmd: Command, ref: Reference, keys: tuple[str, ...]) -> dict[str, str]:
    """Theme keys → names in the reader's language."""
    english = cmd.tr.language == "en"
    rows = (ref.by_key[k] for k in keys if k in ref.by_key)
    return {r.key: (r.name_en if english and r.name_en else r.name_nl) for r in rows}


def _related(
    cmd: Command,
    source: Source,
    ref: Reference,
    result: SearchResult,
    asked: dict[str, str],
    data: dict[str, object],
    show: bool,
) -> Reply:
    """Nobody on the exact theme: the people on related themes, saying so."""
    _ = cmd.tr.gettext
    held = tuple(dict.fromkeys(k for m in result.matches for k in m.matched_themes))
    names = _names(cmd, ref, result.themes)
    cards, contacts = cards_for(
        result.matches, names, result.wijk, cmd.now, cmd.tr, show_contact=show, card_of=source.card
    )
    line = _(
        "Niemand werkt precies aan {themes}; deze mensen werken aan {related}.",
        themes=cmd.tr.join(asked.values()),
        related=cmd.tr.join(names.get(k, k) for k in held),
    )
    if result.wijk:
        title = _(
            "Wie helpt met {themes} in {wijk}", themes=cmd.tr.join(asked.values()), wijk=result.wijk
        )
    else:
        title = _("Wie helpt met {themes}", themes=cmd.tr.join(asked.values()))
    text = with_unknown_wijk(cmd, result, f"{line}\n{lead(cmd, result, show)}")
    return Reply(
        title=title,
        text=text,
        cards=tuple(cards),
        data={
            **data,
            "related_themes": list(held),
            "contacts": contacts,
            "fallback": False,
        },
    )


def with_unknown_wijk(
    cmd: Command, result: SearchResult, text: str, *, whole_town: bool = True
) -> str:
    """`text` after a line saying the wijk asked about is unknown, with wijken that exist."""
    if result.unknown_wijk is None:
        return text
    _ = cmd.tr.gettext
    parts = [_('De wijk "{wijk}" ken ik niet.', wijk=result.unknown_wijk)]
    if whole_town:
        parts.append(_("Daarom zie je mensen uit de hele gemeente."))
    if result.wijk_hints:
        parts.append(
            _("Bekende wijken zijn bijvoorbeeld: {wijken}.", wijken=cmd.tr.join(result.wijk_hints))
        )
    line = " ".join(parts)
    return f"{line}\n{text}" if text else line


def lead(cmd: Command, result: SearchResult, show: bool) -> str:
    """The line above the cards: call now, or when, or how to see numbers at all."""
    _ = cmd.tr.gettext
    if not show:
        return _(
            "Telefoonnummers en bereikbaarheid zie je zodra je account bij de sociale kaart "
            "hoort. Vraag je beheerder om je toe te voegen, of koppel je account met /koppel."
        )
    if any(m.reachable_now for m in result.matches):
        return _("Bel gerust. Wie nu bereikbaar is, staat bovenaan.")
    return _(
        "Op dit moment is niemand van hen bereikbaar. Bij iedereen staat wanneer je kunt bellen."
    )


def _fallback(
    cmd: Command,
    source: Source,
    result: SearchResult,
    themes: str,
    data: dict[str, object],
    show: bool,
) -> Reply:
    """Nobody matched: the oliemannetje (or procesregisseur) of the closest domain, and why."""
    values = {**result.fallback_values, "themes": themes or cmd.args.strip()}
    reason = cmd.tr.gettext(result.fallback_reason, **values) if result.fallback_reason else ""
    reason = with_unknown_wijk(cmd, result, reason, whole_town=False)
    if result.fallback is None:
        return Reply(text=reason, data={**data, "contacts": [], "fallback": True})
    match = result.fallback
    note = ""
    if match.substitute_for is not None:
        note = cmd.tr.gettext(
            "vervangt {name} ({absence})",
            name=match.substitute_for.name,
            absence=absence_note(match.substitute_for, cmd.tr),
        )
    card = source.card(match.person, cmd.now, cmd.tr, show_contact=show, note=note)
    contact = {**card_json(card), "fallback": True}
    return Reply(
        title=cmd.tr.gettext("Hier kan {name} je verder helpen", name=match.person.name),
        text=reason,
        cards=(card,),
        data={**data, "contacts": [contact], "fallback": True},
    )
