"""/themas voorstellen: an admin reviews the words /wie learned from people's choices.

Each proposal reads "lachgasballonnen → Verslaving (3×)", with Accepteren and Afwijzen
buttons; typed, "/themas voorstellen accepteer 4" or "... afwijzen 4" does the same.
An accepted synonym stays in use, a rejected one is no longer used.
"""

from __future__ import annotations

from core.audit import person_actor, record
from core.errors import UserError
from core.messages import Button, Reply
from directory.learned import decide, proposals
from directory.models import Person
from directory.reference import reference
from handlers.base import Command, Deps, parse_id

WORDS = ("voorstellen", "voorstel", "suggestions", "proposals")
DECIDE_ACTION = "themas.voorstel"
ACCEPT = ("accepteer", "accepteren", "accept", "ja")
REJECT = ("afwijzen", "wijs", "afwijs", "reject", "nee")


def asks_for_proposals(args: str) -> bool:
    """'/themas voorstellen …' rather than a theme search."""
    first = args.strip().lower().split(maxsplit=1)
    return bool(first) and first[0] in WORDS


async def review(cmd: Command, deps: Deps) -> Reply:
    """List the proposals, or accept or reject one ('accepteer 4')."""
    await _only_admins(cmd, deps)
    rest = cmd.args.strip().split()[1:]
    if len(rest) >= 2 and rest[0].lower() in (*ACCEPT, *REJECT):
        return await _decide(cmd, deps, rest[1], rest[0].lower() in ACCEPT)
    if rest:
        raise UserError(
            "Typ /themas voorstellen, of /themas voorstellen accepteer NUMMER (of afwijzen NUMMER)."
        )
    return await _listing(cmd, deps)


async def decide_button(cmd: Command, deps: Deps) -> Reply:
    """The Accepteren or Afwijzen button of one proposal."""
    await _only_admins(cmd, deps)
    verdict, _sep, number = cmd.action_value.partition(":")
    return await _decide(cmd, deps, number, verdict == "ja")


async def _only_admins(cmd: Command, deps: Deps) -> None:
    """Admins: the person's flag, or their e-mail in bot.admins."""
    admin = cmd.actor is not None and cmd.actor.is_admin
    admins = {a.lower() for a in deps.settings.bot.admins}
    if cmd.actor is not None and not admin and admins:
        async with deps.uow() as uow:
            person = await uow.session.get(Person, cmd.person_id)
        admin = person is not None and (person.email or "").lower() in admins
    if not admin:
        raise UserError("Alleen een beheerder kan geleerde woorden bekijken en goedkeuren.")


async def _listing(cmd: Command, deps: Deps) -> Reply:
    _ = cmd.tr.gettext
    async with deps.uow() as uow:
        ref = await reference(uow.session)
        found = await proposals(uow.session)
    if not found:
        return Reply(text=_("Er zijn geen nieuwe woorden om te bekijken."), data={"proposals": []})
    english = cmd.tr.language == "en"
    lines, buttons, listed = [], [], []
    for row in found:
        theme = ref.by_key.get(row.theme_key)
        name = (theme.name_en if english else theme.name_nl) if theme else row.theme_key
        lines.append(f"{row.id}. “{row.words}” → {name} ({row.times}×)")
        buttons.append(Button(_("Accepteer {n}", n=row.id), DECIDE_ACTION, f"ja:{row.id}"))
        buttons.append(Button(_("Wijs {n} af", n=row.id), DECIDE_ACTION, f"nee:{row.id}"))
        listed.append(
            {"id": row.id, "words": row.words, "theme": row.theme_key, "times": row.times}
        )
    intro = _(
        "Deze woorden koos iemand voor een thema toen ik terugvroeg wat ze bedoelden. "
        "Ze werken al; accepteer ze om ze te houden, of wijs ze af."
    )
    return Reply(
        title=_("Geleerde woorden"),
        text=intro + "\n" + "\n".join(lines),
        buttons=tuple(buttons),
        data={"proposals": listed},
    )


async def _decide(cmd: Command, deps: Deps, number: str, accept: bool) -> Reply:
    _ = cmd.tr.gettext
    row_id = parse_id(number)
    if row_id is None or number.startswith("#"):
        raise UserError('"{number}" is geen nummer uit de lijst.', number=number)
    async with deps.uow() as uow:
        row = await decide(uow.session, row_id, accept, cmd.person_id, cmd.now)
        if row is None:
            raise UserError("Voorstel {number} bestaat niet.", number=number)
        record(
            uow.session,
            at=cmd.now,
            actor=person_actor(cmd.person_id),
            action="theme.synonym_accepted" if accept else "theme.synonym_rejected",
            object_type="learned_synonym",
            object_id=row.id,
        )
        words, key = row.words, row.theme_key
        await uow.commit()
    if accept:
        text = _("“{words}” hoort nu bij {theme}.", words=words, theme=key)
    else:
        text = _("“{words}” gebruik ik niet meer voor {theme}.", words=words, theme=key)
    return Reply(text=text, data={"decided": int(number), "accepted": accept})
