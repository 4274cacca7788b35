"""Erasure (AVG): /ik verwijder erases everything the bot keeps about the asker after a
confirmation, /beheer verwijder and the CLI's ``directory erase`` someone else's, once no
regie or open handover is left (`blockers`). Meetings, mee-loop-dagen and knelpunten in
hand are given up as a departure gives them up; the audit trail keeps a pseudonym."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor
from core.errors import UserError
from core.i18n import Translator
from core.messages import Button, Reply
from directory import departures
from directory.models import Person
from handlers.base import Command, Deps
from handlers.departures import work
from handlers.departures.own_data import someone
from handovers.models import Handover, HandoverCase
from scheduler.models import FeedToken
from scheduler.models_meelopen import MeeloopParticipant

ERASE_ACTION = "departures.erase"
CONFIRM_WORDS = ("ja", "bevestig", "yes", "confirm")


def settle_first(todo: list[str]) -> None:
    """Refuse an erasure while regie or open handovers are left (`blockers`)."""
    if todo:
        raise UserError(
            "Eerst regelen, dan wissen:\n{todo}", todo="\n".join(f"• {line}" for line in todo)
        )


async def blockers(session: AsyncSession, person_id: int, tr: Translator) -> list[str]:
    """What must be settled before an erasure: regie and open handovers."""
    lines: list[str] = []
    held = list(
        await session.scalars(
            select(HandoverCase.id).where(
                HandoverCase.regie_holder_id == person_id, HandoverCase.closed_at.is_(None)
            )
        )
    )
    if held:
        lines.append(
            tr.gettext(
                "Je hebt nog de regie over casus {cases}: draag ze over (/regie overdragen) of "
                "sluit ze af (/regie afsluiten).",
                cases=", ".join(f"#{c}" for c in held),
            )
        )
    waiting = list(
        await session.scalars(
            select(Handover.case_id).where(
                Handover.state == "open",
                or_(Handover.sender_id == person_id, Handover.receiver_id == person_id),
            )
        )
    )
    if waiting:
        lines.append(
            tr.gettext(
                "Er staan nog overdrachten open (casus {cases}): trek ze in of beantwoord ze "
                "(/regie).",
                cases=", ".join(f"#{c}" for c in waiting),
            )
        )
    return lines


async def erase_me(cmd: Command, deps: Deps) -> Reply:
    """/ik verwijder: say what will go and ask; '/ik verwijder ja' (or the button) erases."""
    tr = cmd.tr
    confirmed = cmd.args.strip().lower() in CONFIRM_WORDS
    async with deps.uow() as uow:
        session = uow.session
        todo = await blockers(session, cmd.person_id, tr)
        settle_first(todo)
        if not confirmed:
            return Reply(
                title=tr.gettext("Al je gegevens wissen?"),
                text=tr.gettext(
                    "Ik wis dan je vermelding in de sociale kaart, je gekoppelde chat-accounts, je "
                    "instellingen, je aanmeldingen voor bijeenkomsten en mee-loop-dagen en open "
                    "gesprekken met mij. In het logboek komt een schuilnaam in plaats van jou; "
                    "totalen in rapporten blijven. Daarna kun je de bot niet meer gebruiken tot "
                    "je opnieuw wordt toegevoegd. Zeker weten? Typ /ik verwijder ja of tik op de "
                    "knop."
                ),
                buttons=(Button(tr.gettext("Ja, wis alles"), ERASE_ACTION, "ja", "danger"),),
                private=True,
            )
        person = await session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        await erase(session, deps, person, now=cmd.now, actor=person_actor(person.id),
                    origin=cmd.invocation.platform)  # fmt: skip
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=tr.gettext("Je gegevens zijn gewist. Dank je wel voor je werk in het netwerk!"),
        private=True,
        data={"erased": True},
    )


async def erase_button(cmd: Command, deps: Deps) -> Reply:
    """'Ja, wis alles' under /ik verwijder."""
    from dataclasses import replace

    return await erase_me(replace(cmd, args="ja"), deps)


async def erase(
    session: AsyncSession, deps: Deps, person: Person, *, now: datetime, actor: str, origin: str
) -> None:
    """Give up seats, mee-loop-dagen and knelpunten in hand as a departure does, then erase."""
    if person.active:
        await work.leave_meetings(session, deps, person, None, now)
        await work.leave_meelopen(session, deps, person, now)
        await work.leave_knelpunten(session, deps, person, now)
    await session.execute(delete(FeedToken).where(FeedToken.person_id == person.id))
    await session.execute(
        delete(MeeloopParticipant).where(MeeloopParticipant.person_id == person.id)
    )
    await departures.erase(session, person, now=now, actor=actor, origin=origin)


async def admin_erase(cmd: Command, deps: Deps, rest: str) -> Reply:
    """/beheer verwijder NAAM of E-MAIL [ja]: an erasure request, also for someone who left."""
    words = rest.split()
    confirmed = bool(words) and words[-1].lower() in CONFIRM_WORDS
    who = " ".join(words[:-1] if confirmed else words)
    if not who:
        raise UserError("Van wie? Typ bijvoorbeeld: /beheer verwijder joost@example.org")
    tr = cmd.tr
    async with deps.uow() as uow:
        session = uow.session
        person = await someone(session, who)
        if person.id == cmd.person_id:
            raise UserError("Je eigen gegevens wis je met /ik verwijder.")
        todo = await blockers(session, person.id, tr) if person.active else []
        settle_first(todo)
        name = person.name
        if not confirmed:
            return Reply(
                text=tr.gettext(
                    "Alles over {name} wissen (vermelding, accounts, instellingen; in het "
                    "logboek een schuilnaam)? Typ /beheer verwijder {who} ja",
                    name=name,
                    who=who,
                ),
                private=True,
            )
        await erase(session, deps, person, now=cmd.now, actor=person_actor(cmd.person_id),
                    origin=cmd.invocation.platform)  # fmt: skip
        await uow.commit()
    deps.wake_delivery()
    return Reply(text=tr.gettext("De gegevens van {name} zijn gewist.", name=name), private=True)


async def erase_by_email(deps: Deps, email: str, now: datetime) -> str:
    """`krokodil directory erase EMAIL --yes`: the name of the person erased."""
    async with deps.uow() as uow:
        session = uow.session
        person = await someone(session, email)
        todo = await blockers(session, person.id, deps.translator(None)) if person.active else []
        settle_first(todo)
        name = person.name
        await erase(session, deps, person, now=now, actor="cli", origin="cli")
        await uow.commit()
    return name
