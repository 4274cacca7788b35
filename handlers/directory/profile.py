"""/ik: see your own entry and keep it true (themes, wijken, phone, call windows, absence).

/ik                                   your entry, with a 'Klopt nog' button
/ik themas schulden; wonen            /ik wijken Noord; Centrum   (geen = hele gemeente)
/ik telefoon 06-12345678              /ik bereikbaar ma-do 9-17; vr 9-12
/ik afwezig tot 12 januari, vervanger Joost de Wit
/ik terug                             /ik klopt
/ik koppel                            a code to link Telegram (as /koppel)
/ik vertrek per 1 februari, opvolger Joost de Wit;  /ik gegevens;  /ik verwijder
                                      (answered by handlers.departures)
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncSession

from core.clock import amsterdam
from core.errors import UserError
from core.messages import Button, Recipient, Reply
from core.outbox import enqueue
from directory import profile
from directory.availability import format_availability
from directory.cards import card_json, contact_card, theme_name
from directory.models import Person
from handlers.base import Command, Deps

CONFIRM_ACTION = "directory.confirm"
# "/ik koppel" does what /koppel does.
LINK_WORDS = ("koppel", "koppelen", "link")
EDIT_ACTION = "directory.edit"
# Words after /ik that another capability answers (handlers.departures), by its hidden command.
DELEGATED = {
    "vertrek": "ik-vertrek",
    "vertrekken": "ik-vertrek",
    "leave": "ik-vertrek",
    "leaving": "ik-vertrek",
    "gegevens": "ik-gegevens",
    "data": "ik-gegevens",
    "mydata": "ik-gegevens",
    "verwijder": "ik-verwijder",
    "verwijderen": "ik-verwijder",
    "erase": "ik-verwijder",
    "delete": "ik-verwijder",
}

FIELDS = {
    "themas": "themes",
    "thema's": "themes",
    "thema": "themes",
    "themes": "themes",
    "wijken": "wijken",
    "wijk": "wijken",
    "neighbourhoods": "wijken",
    "areas": "wijken",
    "telefoon": "phone",
    "tel": "phone",
    "nummer": "phone",
    "phone": "phone",
    "bereikbaar": "availability",
    "bereikbaarheid": "availability",
    "available": "availability",
    "availability": "availability",
    "afwezig": "absent",
    "weg": "absent",
    "away": "absent",
    "absent": "absent",
    "terug": "back",
    "back": "back",
    "klopt": "confirm",
    "bevestig": "confirm",
    "confirm": "confirm",
    "correct": "confirm",
}


async def me(cmd: Command, deps: Deps) -> Reply:
    """Show or edit the asker's own directory entry."""
    word, _sep, rest = cmd.args.strip().partition(" ")
    linking = deps.registry.lookup("koppel")
    if word.lower() in LINK_WORDS and linking is not None:
        # "/ik koppel": a code to link another chat account to this entry, as /koppel.
        return await linking.handler(replace(cmd, name=linking.name, args=rest.strip()), deps)
    delegated = deps.registry.lookup(DELEGATED.get(word.lower(), "")) if word else None
    if delegated is not None:
        # "/ik vertrek …", "/ik gegevens", "/ik verwijder": a departure and one's own data.
        return await delegated.handler(replace(cmd, name=delegated.name, args=rest.strip()), deps)
    field = FIELDS.get(word.lower()) if word else None
    if word and field is None:
        raise UserError(
            "Wat wil je aanpassen? Kies themas, wijken, telefoon, bereikbaar, afwezig, terug, "
            "klopt, vertrek, gegevens of verwijder. Bijvoorbeeld: /ik bereikbaar ma-do 9-17"
        )
    if field is None:
        return await _view(cmd, deps)
    if field not in ("back", "confirm") and not rest.strip():
        raise UserError(
            "Wat moet er staan? Bijvoorbeeld: /ik {word} {example}",
            word=word.lower(),
            example=_EXAMPLES[field],
        )
    return await _edit(cmd, deps, field, rest)


_EXAMPLES = {
    "themes": "schulden; wonen",
    "wijken": "Noord; Centrum",
    "phone": "06-12345678",
    "availability": "ma-do 9-17; vr 9-12",
    "absent": "tot 12 januari, vervanger Joost de Wit",
}


async def _edit(cmd: Command, deps: Deps, field: str, value: str) -> Reply:
    _ = cmd.tr.gettext
    tr = cmd.tr
    async with deps.uow() as uow:
        session = uow.session
        person = await session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        if field == "themes":
            themes = await profile.set_themes(session, person, value, cmd.now)
            names = tr.join(theme_name(t, tr) for t in themes)
            text = _("Je thema's zijn nu: {themes}.", themes=names)
        elif field == "wijken":
            wijken = await profile.set_wijken(session, person, value, cmd.now)
            text = (
                _("Je werkt nu in: {wijken}.", wijken=tr.join(w.name for w in wijken))
                if wijken
                else _("Je werkt nu voor de hele gemeente.")
            )
        elif field == "phone":
            profile.set_phone(session, person, value, cmd.now)
            text = _("Je nummer is aangepast.")
        elif field == "availability":
            profile.set_availability(session, person, value, cmd.now)
            windows = format_availability(person.availability, tr.language)
            text = _("Je bent nu bereikbaar: {windows}.", windows=windows)
        elif field == "absent":
            text = await _absent(cmd, deps, session, person, value)
        elif field == "back":
            was_away = profile.end_absence(session, person, cmd.now)
            text = (
                _("Welkom terug! Je staat weer gewoon in /wie.")
                if was_away
                else _("Je stond niet als afwezig genoteerd. Alles is in orde.")
            )
        else:
            profile.confirm_entry(session, person, cmd.now)
            text = _("Dank je! Je gegevens staan weer als actueel genoteerd.")
        await uow.commit()
    if field == "absent":
        deps.wake_delivery()
    return Reply(text=text, data={"field": field})


async def _absent(
    cmd: Command, deps: Deps, session: AsyncSession, person: Person, value: str
) -> str:
    """Note the absence; tell the stand-in (through the outbox, in the same transaction)."""
    _ = cmd.tr.gettext
    absence = await profile.set_absence(session, person, value, cmd.now, deps.settings.bot.timezone)
    until = cmd.tr.date(absence.until, "d MMMM")
    stand_in = absence.stand_in
    if stand_in is None:
        return _(
            "Genoteerd: je bent afwezig tot {date}. Je hebt geen vervanger opgegeven; voeg er een "
            "toe met: /ik afwezig tot {date}, vervanger NAAM",
            date=until,
        )
    tr = deps.translator(stand_in.language)
    message = tr.gettext(
        "{name} is afwezig tot {date} en heeft jou als vervanger opgegeven. Wie {name} zoekt "
        "met /wie, krijgt jouw nummer te zien.",
        name=person.name,
        date=tr.date(absence.until, "d MMMM"),
    )
    await enqueue(
        session,
        Recipient(person_id=stand_in.id),
        Reply(text=message),
        now=cmd.now,
        kind="directory.stand_in",
        dedupe_key=f"directory.stand_in:{person.id}:{stand_in.id}:{absence.until.isoformat()}",
    )
    return _(
        "Genoteerd: je bent afwezig tot {date}. Wie jou zoekt, krijgt {name} te zien. Ik laat "
        "{name} dat weten.",
        date=until,
        name=stand_in.name,
    )


async def _view(cmd: Command, deps: Deps) -> Reply:
    """The asker's own card, everything on it, and how to change it."""
    _ = cmd.tr.gettext
    tr = cmd.tr
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        stand_in = await uow.session.get(Person, person.stand_in_id) if person.stand_in_id else None
    card = contact_card(person, cmd.now, tr, show_contact=True)
    themes = tr.join(theme_name(t, tr) for t in person.themes) or _("nog geen")
    wijken = tr.join(sorted(w.name for w in person.wijken)) or _("de hele gemeente")
    windows = (
        format_availability(person.availability, tr.language)
        if person.availability
        else _("niet ingevuld (ik ga uit van kantoortijden, ma-vr 09:00-17:00)")
    )
    lines = [
        _("Thema's: {themes}", themes=themes),
        _("Wijken: {wijken}", wijken=wijken),
        _("Bereikbaar: {windows}", windows=windows),
    ]
    if stand_in is not None:
        lines.append(_("Vervanger: {name}", name=stand_in.name))
    lines.append(
        _(
            "Laatst bevestigd: {date}",
            date=tr.date(amsterdam(person.last_confirmed_at, tr.timezone), "d MMMM y"),
        )
    )
    lines.append("")
    lines.append(
        _(
            "Aanpassen: /ik themas …, /ik wijken …, /ik telefoon …, /ik bereikbaar ma-do 9-17, "
            "/ik afwezig tot 12 januari, vervanger NAAM, /ik terug. Klopt alles? Tik op "
            "'Klopt nog' of typ /ik klopt."
        )
    )
    return Reply(
        title=_("Zo sta je op de sociale kaart"),
        text="\n".join(lines),
        cards=(card,),
        buttons=(Button(_("Klopt nog"), CONFIRM_ACTION, "", "primary"),),
        data={"contacts": [card_json(card)]},
    )


async def confirm_button(cmd: Command, deps: Deps) -> Reply:
    """'Klopt nog' under a reminder or /ik."""
    return await _edit(cmd, deps, "confirm", "")


async def edit_button(cmd: Command, deps: Deps) -> Reply:
    """'Aanpassen' under a reminder: show the entry with how to change it."""
    return await _view(cmd, deps)
