"""The three-way kennismaking after acceptance: record when it is planned and that it was held.

Either side of the handover may record it; the other side hears about it.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import UserError
from core.messages import Reply
from directory.models import Person
from handlers.base import Command, Deps
from handlers.handover.answers import handover_id
from handlers.handover.common import context_number, guard_platform, policy_of, tell
from handlers.handover.forms import kennismaking_form
from handlers.handover.people import person_of
from handlers.handover.texts import kennismaking_buttons, label_of
from handovers import followup
from handovers.machine import State
from handovers.models import Handover
from handovers.repository import HandoverRepository
from handovers.text import checked
from handovers.when import parse_moment


async def plan(cmd: Command, deps: Deps) -> Reply:
    """'Kennismaking gepland': ask when."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        handover = await uow.repo(HandoverRepository).get(hid)
    _check(handover, cmd.person_id)
    assert handover is not None
    if handover.kennismaking_held_at is not None:
        return Reply(text=cmd.tr.gettext("De kennismaking is al vastgelegd als gehouden."))
    return Reply(form=kennismaking_form(cmd.tr, hid))


def _check(handover: Handover | None, person_id: int) -> None:
    if handover is None or person_id not in (handover.sender_id, handover.receiver_id):
        raise UserError("Deze overdracht is niet aan jou gericht.")
    if handover.state != State.ACCEPTED:
        raise UserError("Een kennismaking leg je vast nadat de overdracht is geaccepteerd.")


async def _other(session: AsyncSession, handover: Handover, person_id: int) -> Person:
    other_id = handover.sender_id if person_id == handover.receiver_id else handover.receiver_id
    return await person_of(session, other_id)


async def submit_plan(cmd: Command, deps: Deps) -> Reply:
    """Store the planned moment; the other side hears it; a day later the bot asks how it went."""
    guard_platform(cmd, deps)
    submission = cmd.invocation.submission
    assert submission is not None
    hid = context_number(cmd, "handover")
    typed = checked(str(submission.values.get("when") or ""), limit=80, field="when")
    when = parse_moment(typed, cmd.now, deps.settings.bot.timezone)
    if when is None:
        raise UserError(
            "Dat moment begrijp ik niet. Schrijf het zo: do 26-11 10:00, of morgen 14:00.",
            form_field="when",
        )
    async with deps.uow() as uow:
        step = await followup.plan_kennismaking(
            uow.session,
            hid,
            cmd.person_id,
            when,
            now=cmd.now,
            policy=policy_of(deps),
            origin=cmd.invocation.platform,
        )
        if not step.done:
            return Reply(text=cmd.tr.gettext("De kennismaking is al vastgelegd als gehouden."))
        handover = step.handover
        me = await person_of(uow.session, cmd.person_id)
        other = await _other(uow.session, handover, cmd.person_id)
        await tell(
            uow.session,
            deps,
            other,
            lambda tr: Reply(
                text=tr.gettext(
                    "{name} heeft de kennismaking met de inwoner gepland op {when} ({label}).",
                    name=me.name,
                    when=tr.datetime(when),
                    label=label_of(handover, tr),
                ),
                buttons=kennismaking_buttons(handover, tr),
                data={"handover_id": hid, "event": "kennismaking_planned"},
            ),
            now=cmd.now,
            kind="handover.kennismaking",
            key=f"handover:{hid}:planned:{handover.version}",
        )
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=cmd.tr.gettext(
            "Genoteerd: de kennismaking is op {when}. Ik heb {name} laten weten.",
            when=cmd.tr.datetime(when),
            name=other.name,
        ),
        data={"handover_id": hid, "planned_for": when.isoformat()},
    )


async def held(cmd: Command, deps: Deps) -> Reply:
    """'Kennismaking gehouden': recorded once; the other side hears it."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        step = await followup.kennismaking_held(
            uow.session, hid, cmd.person_id, now=cmd.now, origin=cmd.invocation.platform
        )
        if not step.done:
            return Reply(
                text=cmd.tr.gettext("De kennismaking was al vastgelegd als gehouden."),
                data={"handover_id": hid, "changed": False},
            )
        handover = step.handover
        me = await person_of(uow.session, cmd.person_id)
        other = await _other(uow.session, handover, cmd.person_id)
        await tell(
            uow.session,
            deps,
            other,
            lambda tr: Reply(
                text=tr.gettext(
                    "{name} heeft vastgelegd dat de kennismaking is geweest ({label}). Mooi!",
                    name=me.name,
                    label=label_of(handover, tr),
                ),
                data={"handover_id": hid, "event": "kennismaking_held"},
            ),
            now=cmd.now,
            kind="handover.kennismaking",
            key=f"handover:{hid}:held",
        )
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=cmd.tr.gettext("Vastgelegd: de kennismaking is geweest. De warme overdracht is rond."),
        data={"handover_id": hid, "changed": True},
    )
