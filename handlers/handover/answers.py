"""The receiver's buttons (accept, decline with a reason, call me first) and the sender's
(withdraw, hand over again). A press on a handover that already moved on changes nothing and
says what happened: the same platform event twice, or two people at once, has one effect."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import UserError
from core.i18n import Translator
from core.messages import Reply
from directory.models import Person
from handlers.base import Command, Deps, parse_id
from handlers.handover import texts
from handlers.handover.common import context_number, guard_platform, policy_of, tell
from handlers.handover.forms import decline_form, receiver_form
from handlers.handover.people import (
    candidates,
    card,
    choices_for,
    person_of,
)
from handovers import followup, service
from handovers.machine import State, Verdict
from handovers.models import Handover
from handovers.repository import HandoverRepository
from handovers.values import Outcome


def handover_id(cmd: Command) -> int:
    """The handover a button is about."""
    number = parse_id(cmd.action_value or cmd.args)
    if number is None:
        raise UserError("Welke overdracht bedoel je? Geef het nummer, bijvoorbeeld #12.")
    return number


def settled(outcome: Outcome, tr: Translator) -> str:
    """What to say when a press came too late or twice."""
    state = outcome.handover.state
    if outcome.decision.verdict is Verdict.REPEAT:
        return {
            State.ACCEPTED: tr.gettext("Je hebt deze overdracht al geaccepteerd."),
            State.DECLINED: tr.gettext("Je hebt deze overdracht al afgewezen."),
            State.WITHDRAWN: tr.gettext("Deze overdracht is al ingetrokken."),
        }.get(State(state), tr.gettext("Dit is al gebeurd."))
    return closed_text(outcome.handover, tr)


def closed_text(handover: Handover, tr: Translator) -> str:
    """Why an answer is no longer possible."""
    return {
        State.ACCEPTED: tr.gettext("Deze overdracht is al geaccepteerd."),
        State.DECLINED: tr.gettext("Deze overdracht is al afgewezen."),
        State.WITHDRAWN: tr.gettext(
            "De afzender heeft deze overdracht al ingetrokken. Je hoeft niets te doen."
        ),
        State.EXPIRED: tr.gettext("Deze overdracht is verlopen."),
    }.get(State(handover.state), tr.gettext("Deze overdracht staat nog open."))


async def _people(session: AsyncSession, handover: Handover) -> tuple[Person, Person]:
    sender = await person_of(session, handover.sender_id)
    receiver = await person_of(session, handover.receiver_id)
    return sender, receiver


async def accept(cmd: Command, deps: Deps) -> Reply:
    """Accept: regie moves to me, the sender hears it, and the kennismaking is proposed."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        outcome = await service.accept(
            uow.session,
            hid,
            cmd.person_id,
            now=cmd.now,
            policy=policy_of(deps),
            origin=cmd.invocation.platform,
        )
        if not outcome.changed:
            return Reply(text=settled(outcome, cmd.tr), data={"handover_id": hid, "changed": False})
        handover = outcome.handover
        sender, receiver = await _people(uow.session, handover)
        await tell(
            uow.session,
            deps,
            sender,
            lambda tr: texts.accepted_for_sender(handover, receiver, cmd.now, tr),
            now=cmd.now,
            kind="handover.accepted",
            key=f"handover:{hid}:accepted",
        )
        await uow.commit()
    deps.wake_delivery()
    return texts.accepted_for_receiver(handover, sender, cmd.now, cmd.tr)


async def decline(cmd: Command, deps: Deps) -> Reply:
    """Decline: ask for the reason first (the handover stays open until it is given)."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        handover = await uow.repo(HandoverRepository).get(hid)
    if handover is None or handover.receiver_id != cmd.person_id:
        raise UserError("Deze overdracht is niet aan jou gericht.")
    if handover.state != State.OPEN:
        return Reply(text=closed_text(handover, cmd.tr), data={"handover_id": hid})
    return Reply(form=decline_form(cmd.tr, hid))


async def submit_decline(cmd: Command, deps: Deps) -> Reply:
    """The reason is given: close the handover; the sender keeps regie and sees other people."""
    guard_platform(cmd, deps)
    submission = cmd.invocation.submission
    assert submission is not None
    hid = context_number(cmd, "handover")
    note = submission.values.get("note") or ""
    async with deps.uow() as uow:
        outcome = await service.decline(
            uow.session,
            hid,
            cmd.person_id,
            reason=str(submission.values.get("reason") or ""),
            note=note if isinstance(note, str) else ", ".join(note),
            now=cmd.now,
            origin=cmd.invocation.platform,
        )
        if not outcome.changed:
            return Reply(text=settled(outcome, cmd.tr), data={"handover_id": hid, "changed": False})
        handover = outcome.handover
        sender, receiver = await _people(uow.session, handover)
        await tell_sender_to_look_further(uow.session, deps, handover, sender, receiver, cmd)
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=cmd.tr.gettext(
            "Dank je. {name} houdt de regie en krijgt suggesties voor andere collega's.",
            name=sender.name,
        ),
        data={"handover_id": hid, "state": handover.state},
    )


async def tell_sender_to_look_further(
    session: AsyncSession,
    deps: Deps,
    handover: Handover,
    sender: Person,
    receiver: Person,
    cmd: Command | None = None,
    *,
    expired: bool = False,
) -> None:
    """After a decline or expiry: the next best candidates, not yet tried for this case."""
    now = cmd.now if cmd is not None else deps.clock.now()
    tried = await HandoverRepository(session).receivers_tried(handover.case_id)
    matches = await candidates(
        session,
        deps,
        need=handover.need or "",
        themes=handover.themes,
        wijk=handover.wijk,
        asker_id=sender.id,
        exclude=tried,
        now=now,
    )
    event = "expired" if expired else "declined"
    await tell(
        session,
        deps,
        sender,
        lambda tr: texts.declined_for_sender(
            handover,
            receiver,
            tuple(card(m.person, now, tr) for m in matches),
            tr,
            expired=expired,
        ),
        now=now,
        kind=f"handover.{event}",
        key=f"handover:{handover.id}:{event}",
    )


async def call_me(cmd: Command, deps: Deps) -> Reply:
    """'Bel me eerst': the sender gets my number; the handover stays open."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        step = await followup.request_call(
            uow.session, hid, cmd.person_id, now=cmd.now, origin=cmd.invocation.platform
        )
        handover = step.handover
        sender, receiver = await _people(uow.session, handover)
        if step.done:
            await tell(
                uow.session,
                deps,
                sender,
                lambda tr: texts.call_requested(handover, receiver, cmd.now, tr),
                now=cmd.now,
                kind="handover.call_requested",
                key=f"handover:{hid}:callme",
            )
            await uow.commit()
            deps.wake_delivery()
    if handover.state != State.OPEN:
        return Reply(text=closed_text(handover, cmd.tr), data={"handover_id": hid})
    first = (
        cmd.tr.gettext("Ik heb {name} gevraagd je te bellen.", name=sender.name)
        if step.done
        else cmd.tr.gettext("Ik had {name} al gevraagd je te bellen.", name=sender.name)
    )
    return Reply(
        text=first + "\n" + texts.call_line(sender, cmd.now, cmd.tr),
        cards=(card(sender, cmd.now, cmd.tr),),
        buttons=texts.answer_buttons(handover, cmd.tr)[:2],
        data={"handover_id": hid, "changed": step.done},
    )


async def withdraw(cmd: Command, deps: Deps) -> Reply:
    """The sender takes the handover back and keeps regie; the receiver is told."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        outcome = await service.withdraw(
            uow.session, hid, cmd.person_id, now=cmd.now, origin=cmd.invocation.platform
        )
        if not outcome.changed:
            return Reply(text=settled(outcome, cmd.tr), data={"handover_id": hid, "changed": False})
        handover = outcome.handover
        sender, receiver = await _people(uow.session, handover)
        await tell(
            uow.session,
            deps,
            receiver,
            lambda tr: texts.withdrawn_for_receiver(handover, sender, tr),
            now=cmd.now,
            kind="handover.withdrawn",
            key=f"handover:{hid}:withdrawn",
        )
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=cmd.tr.gettext(
            "De overdracht aan {name} is ingetrokken. De regie blijft bij jou.", name=receiver.name
        ),
        buttons=texts.retry_buttons(handover, cmd.tr),
        data={"handover_id": hid, "state": handover.state},
    )


async def retry(cmd: Command, deps: Deps) -> Reply:
    """Hand the same case over again: form 2 with the next best candidates."""
    guard_platform(cmd, deps)
    hid = handover_id(cmd)
    async with deps.uow() as uow:
        repo = uow.repo(HandoverRepository)
        handover = await repo.get(hid)
        if handover is None or handover.sender_id != cmd.person_id:
            raise UserError("Deze overdracht is niet van jou.")
        if handover.state in (State.OPEN, State.ACCEPTED):
            return Reply(text=closed_text(handover, cmd.tr), data={"handover_id": hid})
        if handover.need is None:
            raise UserError(
                "De vraag van deze overdracht is niet meer bewaard. Start opnieuw met /overdracht."
            )
        tried = await repo.receivers_tried(handover.case_id)
        matches = await candidates(
            uow.session,
            deps,
            need=handover.need,
            themes=handover.themes,
            wijk=handover.wijk,
            asker_id=cmd.person_id,
            exclude=tried,
            now=cmd.now,
        )
    context = {
        "need": handover.need,
        "themes": ",".join(handover.themes),
        "wijk": handover.wijk or "",
        "case": str(handover.case_id),
        "tried": ",".join(str(t) for t in sorted(tried)),
    }
    form = receiver_form(
        cmd.tr,
        context,
        choices_for(matches, cmd.now, cmd.tr),
        label=handover.reference_label or "",
        intro=cmd.tr.gettext("Aan wie wil je de casus nu overdragen?"),
    )
    return Reply(form=form)
