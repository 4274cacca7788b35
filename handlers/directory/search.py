"""/wie and /bel: whom to call about a social problem, and how to reach a colleague.

Phone numbers, e-mail and reachability are shown only to registered professionals;
an unregistered account sees who works on what, and how to get registered.
"""

from __future__ import annotations

import re
from typing import Any

from core.errors import UserError
from core.messages import ContactCard, Reply
from directory.cards import ROLE_LABELS, card_json, contact_card
from directory.departures import departed
from directory.matching import understand_themes
from directory.models import Person
from directory.people import find_by_name
from directory.place import read_place
from directory.reachability import is_absent
from directory.reference import reference
from directory.roles import role_asked, role_holders
from directory.search import SearchResult, Source
from directory.sql_source import SqlDirectory
from directory.understanding import understand
from handlers.base import Command, Deps
from handlers.directory.answer import answer, lead, with_unknown_wijk
from handlers.directory.askback import ask_back
from handlers.directory.cards import (
    absence_note,
    cards_for,
    person_note,
)
from handlers.directory.kept import Reading, kept_who

_I = re.IGNORECASE
WHO_PATTERNS = (
    # "wie kan helpen met schulden in Molenwijk?", "wie weet iets van leerplicht"
    re.compile(
        r"^\s*wie\s+(?:kan|kun|weet|doet|helpt|werkt|gaat|is|zit)\b.*?"
        r"\b(?:met|voor|bij|over|aan|op|van|rond)\s+(?P<args>.+)$",
        _I,
    ),
    # "wie doet schuldhulp in Noord"
    re.compile(r"^\s*wie\s+(?:doet|kent|regelt)\s+(?P<args>.+)$", _I),
    # "ik zoek iemand voor huurachterstand", "zoek een collega voor jeugd"
    re.compile(
        r"^\s*(?:ik\s+)?(?:zoek|zoeken|heb)\s+(?:nog\s+)?(?:iemand|een\s+collega|hulp|contact|"
        r"een\s+contactpersoon)\s+(?:nodig\s+)?(?:voor|met|bij|over|die|rond)\s+(?P<args>.+)$",
        _I,
    ),
    # "hulp bij verslaving in Oost", "ik heb hulp nodig met schulden"
    re.compile(
        r"^\s*(?:ik\s+)?(?:heb\s+|zoek\s+)?hulp\s+(?:nodig\s+)?(?:bij|met|voor|rond)\s+(?P<args>.+)$",
        _I,
    ),
    # "who can help with debt", "who knows about housing in Noord"
    re.compile(
        r"^\s*who\s+(?:can|could|knows|does|works|helps|handles|is)\b.*?"
        r"\b(?:with|on|for|about|in)\s+(?P<args>.+)$",
        _I,
    ),
    # "I'm looking for someone for debt"
    re.compile(
        r"^\s*(?:i'?m\s+|i\s+am\s+)?(?:looking|searching)\s+for\s+(?:someone|somebody|a\s+colleague|"
        r"help)\s+(?:for|with|on|about|who)\s+(?P<args>.+)$",
        _I,
    ),
)

CALL_PATTERNS = (
    # "hoe bereik ik Joost de Wit?", "hoe bel ik Joost"
    re.compile(r"^\s*hoe\s+(?:bereik|bel|spreek)\s+ik\s+(?P<args>.+)$", _I),
    # "hoe kan ik Joost de Wit bereiken?"
    re.compile(r"^\s*hoe\s+kan\s+ik\s+(?P<args>.+?)\s+(?:bereiken|bellen|spreken)\W*$", _I),
    # "wat is het nummer van Joost?", "telefoonnummer van Joost de Wit"
    re.compile(r"^\s*(?:wat\s+is\s+)?(?:het\s+)?(?:telefoon)?nummer\s+van\s+(?P<args>.+)$", _I),
    # "bel Joost de Wit" without the slash
    re.compile(r"^\s*bel\s+(?!(?:me|mij|je|jij|ik|terug)\b)(?P<args>[^?]+)$", _I),
    # "how do I reach Joost?", "what is the phone number of Joost"
    re.compile(r"^\s*how\s+(?:do|can)\s+i\s+(?:reach|call|contact)\s+(?P<args>.+)$", _I),
    re.compile(
        r"^\s*(?:what\s+is\s+)?(?:the\s+)?(?:phone\s+)?number\s+(?:of|for)\s+(?P<args>.+)$", _I
    ),
)


async def who(cmd: Command, deps: Deps) -> Reply:
    """The best few people to call about a theme or a question, reachable ones first."""
    _ = cmd.tr.gettext
    query = cmd.args.strip()
    if not query:
        return Reply(
            text=_(
                "Waarmee zoek je hulp? Typ bijvoorbeeld: /wie schulden in Molenwijk, of "
                "/wie kan de huur niet betalen. Alle thema's zie je met /themas."
            ),
            data={"contacts": []},
        )
    state = await deps.directory.fresh() if deps.directory is not None else None
    if deps.directory is not None and state is not None:
        return await kept_who(cmd, deps, deps.directory, state, query, _who)
    async with deps.uow() as uow:
        return await _who(cmd, deps, SqlDirectory(uow.session), query)


async def _who(
    cmd: Command,
    deps: Deps,
    source: Source,
    query: str,
    *,
    exclude_asker: bool = True,
    reading: Reading | None = None,
) -> Reply:
    """/wie answered from a source of the directory (the index, or the database);
    `exclude_asker`: leave the asker out of the answer (as every asker sees it; without,
    the answer handlers.directory.kept keeps for others); `reading`: the question as
    understood when it led to the people search before, in this index version (then it
    names no role and is clear for every asker), or where to note it."""
    asker = cmd.actor.person_id if cmd.actor else None
    show = cmd.actor is not None
    excluded = (asker,) if asker is not None and exclude_asker else ()
    # One look at the themes and wijken, and one reading of the wijk in the question,
    # serve both the role check and the search.
    ref = await source.reference()
    if reading is not None and reading.understood is not None:
        return await answer(cmd, deps, source, ref, reading.understood, exclude_asker=exclude_asker)
    place = read_place(query, list(ref.wijken), ref.themes)
    holders = await role_holders(
        source,
        query,
        ref=ref,
        now=cmd.now,
        timezone=deps.settings.bot.timezone,
        limit=deps.settings.directory.max_results,
        exclude=excluded,
        place=place,
    )
    if holders is not None and holders[1].matches:
        return _role_holders(cmd, source, *holders, show)
    if holders is not None and excluded and cmd.actor and holders[0] in cmd.actor.roles:
        return _only_holder(cmd, *holders)  # nobody else holds the role the asker holds
    understood = understand(query, ref, place=place)
    if understood.unclear:
        return ask_back(cmd, ref, understood)
    if reading is not None and not excluded:
        reading.understood = understood
    return await answer(cmd, deps, source, ref, understood, exclude_asker=exclude_asker)


async def guess_who(cmd: Command, deps: Deps) -> Reply | None:
    """Plain text that names a social problem or a role ('kan de huur niet betalen') is /wie."""
    state = await deps.directory.fresh() if deps.directory is not None else None
    if state is not None:
        ref = state.reference.reference
    else:
        async with deps.uow() as uow:
            ref = await reference(uow.session)
    text = read_place(cmd.args, list(ref.wijken), ref.themes).text
    if not understand_themes(text, ref.themes) and role_asked(text) is None:
        return None
    return await who(cmd, deps)


def _role_holders(
    cmd: Command, source: Source, role: str, result: SearchResult, show: bool
) -> Reply:
    """'/wie vertrouwenspersoon': the people with that special role, reachable ones first."""
    _ = cmd.tr.gettext
    cards, contacts = cards_for(
        result.matches, {}, result.wijk, cmd.now, cmd.tr, show_contact=show, card_of=source.card
    )
    label = _(ROLE_LABELS[role])
    if result.wijk:
        title = _("Wie is {role} in {wijk}", role=label, wijk=result.wijk)
    else:
        title = _("Wie is {role}", role=label)
    text = with_unknown_wijk(cmd, result, lead(cmd, result, show))
    data = _role_data(role, result, contacts)
    return Reply(title=title, text=text, cards=tuple(cards), data=data)


def _role_data(
    role: str, result: SearchResult, contacts: list[dict[str, Any]]
) -> dict[str, object]:
    """What `say --json` gets for a question about a role."""
    return {
        "themes": [],
        "wijk": result.wijk,
        "unknown_wijk": result.unknown_wijk,
        "role": role,
        "fallback": False,
        "contacts": contacts,
    }


def _only_holder(cmd: Command, role: str, result: SearchResult) -> Reply:
    """'/wie vertrouwenspersoon' from the only one with that role: say so, not 'unclear'."""
    _ = cmd.tr.gettext
    text = _(
        "Je bent zelf de enige {role} in de sociale kaart. "
        "Zoek je iemand voor een thema? Typ bijvoorbeeld: /wie schulden",
        role=_(ROLE_LABELS[role]),
    )
    return Reply(
        text=with_unknown_wijk(cmd, result, text, whole_town=False),
        data=_role_data(role, result, []),
    )


async def call(cmd: Command, deps: Deps) -> Reply:
    """A colleague's number and the best moment to call; their stand-in when they are away."""
    _ = cmd.tr.gettext
    name = cmd.args.strip()
    if not name:
        raise UserError("Wie wil je bellen? Typ bijvoorbeeld: /bel Joost de Wit")
    async with deps.uow() as uow:
        found = await find_by_name(uow.session, name, active_only=False)
        people = [p for p in found if p.active]
        # Someone who left is named with their successor until their entry is erased.
        gone = [p for p in found if departed(p)] if not people else []
        successors: dict[int, Person] = {}
        for person in gone:
            successor = await uow.session.get(Person, person.successor_id or 0)
            if successor is not None and successor.active:
                successors[person.id] = successor
        stand_ins: dict[int, Person] = {}
        for person in people:
            if is_absent(person, cmd.now) and person.stand_in_id is not None:
                stand_in = await uow.session.get(Person, person.stand_in_id)
                if stand_in is not None and stand_in.active:
                    stand_ins[person.id] = stand_in
    if gone and not people:
        return _left(cmd, gone, successors)
    if not people:
        raise UserError(
            'Ik vond niemand die "{name}" heet. Zoek op thema met /wie, bijvoorbeeld '
            "/wie schulden.",
            name=name,
        )
    cards: list[ContactCard] = []
    for person in people:
        cards.append(
            contact_card(
                person,
                cmd.now,
                cmd.tr,
                show_contact=True,
                note=person_note(person, cmd.now, cmd.tr),
            )
        )
        stand_in = stand_ins.get(person.id)
        if stand_in is not None:
            note = _(
                "vervangt {name} ({absence})",
                name=person.name,
                absence=absence_note(person, cmd.tr),
            )
            cards.append(contact_card(stand_in, cmd.now, cmd.tr, show_contact=True, note=note))
    if len(people) == 1:
        text = _("Bellen gaat het snelst.")
    else:
        text = _("Ik vond meer mensen die zo heten. Bedoel je een van hen?")
    return Reply(
        text=text,
        cards=tuple(cards),
        data={"contacts": [card_json(c) for c in cards]},
    )


def _left(cmd: Command, gone: list[Person], successors: dict[int, Person]) -> Reply:
    """'/bel' for someone who left: they work here no more; call their successor."""
    _ = cmd.tr.gettext
    lines: list[str] = []
    cards: list[ContactCard] = []
    for person in gone:
        successor = successors.get(person.id)
        if successor is None:
            lines.append(
                _(
                    "{name} werkt hier niet meer; er is geen opvolger bekend. Zoek op thema "
                    "met /wie, bijvoorbeeld /wie schulden.",
                    name=person.name,
                )
            )
            continue
        lines.append(
            _(
                "{name} werkt hier niet meer; bel {successor}.",
                name=person.name,
                successor=successor.name,
            )
        )
        note = _("opvolger van {name}", name=person.name)
        cards.append(contact_card(successor, cmd.now, cmd.tr, show_contact=True, note=note))
    return Reply(
        text="\n".join(lines),
        cards=tuple(cards),
        data={
            "left": [p.id for p in gone],
            "contacts": [card_json(c) for c in cards],
        },
    )
