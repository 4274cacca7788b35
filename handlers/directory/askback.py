"""Asking back when a /wie question stays unclear: "Bedoel je: Verslaving · GGZ · Jeugd?"

The closest themes come as buttons, with "Iets anders" for none of them. A choice
answers the question with that theme and is remembered for the same words in this
municipality (a learned synonym, reviewed by an admin with /themas voorstellen);
"Iets anders" names the oliemannetje who knows the way. Buttons carry only the
theme, the wijk and at most a few content words of a short question, never the text.
"""

from __future__ import annotations

from core.messages import Button, Reply
from directory.learned import learnable_words, remember
from directory.place import Place
from directory.reference import Reference, reference
from directory.sql_source import SqlDirectory
from directory.understanding import Understanding
from handlers.base import Command, Deps
from handlers.directory.answer import answer

CHOOSE_ACTION = "wie.bedoel"
NONE_ACTION = "wie.anders"
SEPARATOR = "|"


def ask_back(cmd: Command, ref: Reference, understood: Understanding) -> Reply:
    """A question back with the closest themes as buttons."""
    _ = cmd.tr.gettext
    english = cmd.tr.language == "en"
    rows = [ref.by_key[k] for k in understood.options if k in ref.by_key]
    names = [r.name_en if english and r.name_en else r.name_nl for r in rows]
    words = learnable_words(understood.place.text) or ""
    wijk = understood.place.wijk or ""
    buttons = [
        Button(name, CHOOSE_ACTION, SEPARATOR.join((row.key, wijk, words)))
        for row, name in zip(rows, names, strict=True)
    ]
    first = rows[0].key if rows else ""
    buttons.append(Button(_("Iets anders"), NONE_ACTION, SEPARATOR.join((first, wijk, ""))))
    return Reply(
        text=_("Bedoel je: {themes}?", themes=" · ".join(names)),
        buttons=tuple(buttons),
        data={
            "ask_back": True,
            "options": [r.key for r in rows],
            "themes": [],
            "wijk": understood.place.wijk,
            "unknown_wijk": understood.place.unknown,
            "contacts": [],
            "fallback": False,
        },
    )


def _parse(value: str) -> tuple[str, str | None, str]:
    key, _sep, rest = value.partition(SEPARATOR)
    wijk, _sep, words = rest.partition(SEPARATOR)
    return key.strip(), wijk.strip() or None, words.strip()


async def choose(cmd: Command, deps: Deps) -> Reply:
    """A theme was chosen: answer with it, and remember the words for it."""
    key, wijk, words = _parse(cmd.action_value)
    async with deps.uow() as uow:
        ref = await reference(uow.session)
        if key not in ref.by_key:
            return Reply(
                text=cmd.tr.gettext("Dat thema ken ik niet meer. Typ je vraag opnieuw met /wie."),
                data={"contacts": []},
            )
        wijk = wijk if wijk in ref.wijken else None
        if words and learnable_words(words) == words:
            await remember(uow.session, words, key, cmd.now)
        understood = Understanding(Place(ref.by_key[key].name_nl, wijk), ((key, 1.0),))
        reply = await answer(cmd, deps, SqlDirectory(uow.session), ref, understood)
        await uow.commit()
    return reply


async def none_of_these(cmd: Command, deps: Deps) -> Reply:
    """None of the offered themes: the oliemannetje of the closest domain knows the way."""
    key, wijk, _words = _parse(cmd.action_value)
    async with deps.uow() as uow:
        ref = await reference(uow.session)
        row = ref.by_key.get(key)
        wijk = wijk if wijk in ref.wijken else None
        understood = Understanding(Place(row.name_nl if row else "", wijk), ())
        return await answer(cmd, deps, SqlDirectory(uow.session), ref, understood)
