"""Sending a handover once form 2 is filled in: resolve the receiver, offer the stand-in of an
absent one, then store it and tell the receiver (and any clashing regie-holder) in one go."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Choice, Reply
from directory.models import Person
from directory.reachability import is_absent, reachability_text
from handlers.base import Command, Deps
from handlers.handover import texts
from handlers.handover.common import (
    avoided_platforms,
    context_number,
    guard_platform,
    policy_of,
    tell,
)
from handlers.handover.forms import receiver_form, standin_form
from handlers.handover.people import (
    PERSON_PREFIX,
    active_person,
    can_receive,
    candidates,
    choices_for,
    first_name,
    parse_choice,
    people_named,
    person_of,
    someone,
    theme_names,
)
from handovers import service
from handovers.models import LABEL_MAX, Handover
from handovers.text import checked
from handovers.values import HandoverRequest


async def send_from_form(
    cmd: Command, deps: Deps, values: dict[str, Any], context: dict[str, str]
) -> Reply:
    """Form 2 answered with consent: find the receiver and send, or ask once more."""
    label = checked(
        str(values.get("reference") or ""),
        limit=LABEL_MAX,
        missing=N_("Geef je eigen kenmerk voor deze casus, bijvoorbeeld je dossiernummer."),
        field="reference",
    )
    context = {**context, "label": label}
    typed = str(values.get("receiver") or "").strip()
    async with deps.uow() as uow:
        picked = parse_choice(typed)
        if picked is None:
            people = await people_named(uow.session, typed, exclude=cmd.person_id)
            if len(people) != 1:
                return await _ask_again(uow.session, cmd, deps, context, typed, people)
            picked = (people[0].id, None)
        receiver_id, absent_id = picked
        receiver = await active_person(uow.session, receiver_id)
        if receiver is None:
            raise UserError("Ik kan die collega niet (meer) vinden in de sociale kaart.")
        if absent_id is None and is_absent(receiver, cmd.now):
            stand_in = await _present_stand_in(uow.session, receiver, cmd)
            return Reply(form=standin_form(cmd.tr, context, receiver, stand_in, cmd.now))
    return await create(cmd, deps, _request(cmd, context, receiver_id, absent_id))


async def receiver_note(cmd: Command, deps: Deps, field: str, values: dict[str, Any]) -> str:
    """Step by step, an absent receiver is named right after the receiver question, with
    their stand-in, and a name that fits nobody or several people is said then too; the
    choice itself is asked after the last question, as in a modal."""
    if field != "receiver":
        return ""
    typed = str(values.get("receiver") or "").strip()
    picked = parse_choice(typed)
    if picked is not None and picked[1] is not None:
        return ""  # the stand-in was picked from the list, which already said why
    tr = cmd.tr
    async with deps.uow() as uow:
        if picked is None:
            people = await people_named(uow.session, typed, exclude=cmd.person_id)
            if len(people) != 1:
                return _unclear_name(tr, typed, people)
            receiver: Person | None = people[0]
        else:
            receiver = await active_person(uow.session, picked[0])
        if receiver is None or not is_absent(receiver, cmd.now):
            return ""
        stand_in = await _present_stand_in(uow.session, receiver, cmd)
    away = reachability_text(receiver, cmd.now, tr)
    if stand_in is None:
        return tr.gettext(
            "Let op: {name} is {away}; er is geen vervanger bekend. Na de laatste vraag kies "
            "je of de overdracht toch naar {name} gaat, of naar iemand anders.",
            name=receiver.name,
            away=away,
        )
    return tr.gettext(
        "Let op: {name} is {away}; vervanger: {stand_in} ({reach}). Na de laatste vraag kies "
        "je of de overdracht naar {stand_in} of naar {name} gaat.",
        name=receiver.name,
        away=away,
        stand_in=stand_in.name,
        reach=reachability_text(stand_in, cmd.now, tr),
    )


def _unclear_name(tr: Translator, typed: str, people: list[Person]) -> str:
    """Nobody or several people by the typed name: said at once, chosen after the last question."""
    if people:
        return tr.gettext(
            "Let op: '{name}' past bij meer collega's. Na de laatste vraag kies je wie je bedoelt.",
            name=typed,
        )
    return tr.gettext(
        "Let op: ik vind niemand met de naam '{name}'. Na de laatste vraag kies je iemand "
        "uit de lijst of typ je een andere naam.",
        name=typed,
    )


async def _present_stand_in(session: AsyncSession, absent: Person, cmd: Command) -> Person | None:
    """The absent person's stand-in, unless they are away too."""
    stand_in = await active_person(session, absent.stand_in_id)
    if stand_in is not None and is_absent(stand_in, cmd.now):
        return None
    return stand_in


async def _ask_again(
    session: AsyncSession,
    cmd: Command,
    deps: Deps,
    context: dict[str, str],
    typed: str,
    people: list[Person],
) -> Reply:
    """No single person by that name: show who matched (or the candidates again)."""
    tr = cmd.tr
    if people:
        intro = tr.gettext("Ik vond meer collega's met die naam. Kies er een.")
        choices = tuple(
            Choice(
                f"{PERSON_PREFIX}{p.id}",
                f"{p.name} — {p.organisation.name} · {reachability_text(p, cmd.now, tr)}",
            )
            for p in people
        )
    else:
        intro = tr.gettext(
            "Ik vind niemand met de naam '{name}'. Kies iemand uit de lijst of typ een andere "
            "naam.",
            name=typed,
        )
        matches = await candidates(
            session,
            deps,
            need=context.get("need", ""),
            themes=_themes(context),
            wijk=context.get("wijk"),
            asker_id=cmd.person_id,
            exclude=_tried(context),
            now=cmd.now,
        )
        choices = choices_for(matches, cmd.now, tr)
    return Reply(form=receiver_form(tr, context, choices, label=context["label"], intro=intro))


async def submit_standin(cmd: Command, deps: Deps) -> Reply:
    """The sender chose between the absent receiver, the stand-in, or someone else."""
    guard_platform(cmd, deps)
    submission = cmd.invocation.submission
    assert submission is not None
    context = dict(submission.context)
    choice = str(submission.values.get("choice") or "")
    absent_id = context_number(cmd, "absent")
    if choice == "standin" and context.get("standin"):
        standin = context_number(cmd, "standin")
        return await create(cmd, deps, _request(cmd, context, standin, absent_id))
    if choice == "absent":
        return await create(cmd, deps, _request(cmd, context, absent_id, None))
    tried = {*_tried(context), absent_id}
    context["tried"] = ",".join(str(t) for t in sorted(tried))
    async with deps.uow() as uow:
        return await _ask_again(uow.session, cmd, deps, context, "", [])


def _request(
    cmd: Command, context: dict[str, str], receiver_id: int, stand_in_for: int | None
) -> HandoverRequest:
    return HandoverRequest(
        sender_id=cmd.person_id,
        receiver_id=receiver_id,
        need=context.get("need", ""),
        themes=tuple(_themes(context)),
        reference_label=context.get("label", ""),
        consent=True,
        wijk=context.get("wijk") or None,
        case_id=int(context["case"]) if context.get("case") else None,
        stand_in_for_id=stand_in_for,
    )


async def _checked_stand_in(
    session: AsyncSession, request: HandoverRequest, now: datetime
) -> HandoverRequest:
    """The stand-in claim as it is now, never as a form said it was: the receiver reads
    "als vervanger van …" only when that person is away and the receiver is their stand-in."""
    if request.stand_in_for_id is None:
        return request
    absent = await active_person(session, request.stand_in_for_id)
    if absent is not None and is_absent(absent, now) and absent.stand_in_id == request.receiver_id:
        return request
    return replace(request, stand_in_for_id=None)


def _themes(context: dict[str, str]) -> list[str]:
    return [t for t in context.get("themes", "").split(",") if t]


def _tried(context: dict[str, str]) -> set[int]:
    return {int(t) for t in context.get("tried", "").split(",") if t.isdecimal()}


async def create(cmd: Command, deps: Deps, request: HandoverRequest) -> Reply:
    """Store the handover and queue the receiver's message in the same transaction."""
    now = cmd.now
    async with deps.uow() as uow:
        session = uow.session
        request = await _checked_stand_in(session, request, now)
        started = await service.start(
            session, request, now=now, policy=policy_of(deps), origin=cmd.invocation.platform
        )
        handover = started.handover
        sender = await person_of(session, handover.sender_id)
        receiver = await person_of(session, handover.receiver_id)
        absent = await someone(session, handover.stand_in_for_id)
        reachable = await can_receive(session, receiver.id, avoided_platforms(deps))
        if reachable:
            names = await theme_names(session, handover.themes, deps.translator(receiver.language))
            await tell(
                session,
                deps,
                receiver,
                lambda tr: texts.request(handover, sender, names, now, tr, stand_in_for=absent),
                now=now,
                kind="handover.request",
                key=f"handover:{handover.id}:request",
                if_undeliverable=(sender.id, _unreachable(sender, receiver, deps)),
            )
        notes = []
        for other in started.conflicts:
            other_receiver = await person_of(session, other.receiver_id)
            other_sender = await someone(session, other.sender_id)
            await _flag(session, deps, handover, other, receiver, other_receiver, other_sender)
            notes.append(
                cmd.tr.gettext(
                    "Let op: voor dit kenmerk staat ook een overdracht open naar {other}. Er "
                    "kan maar één regiehouder zijn; ik heb {name} en {other} gevraagd elkaar "
                    "te bellen.",
                    other=other_receiver.name,
                    name=receiver.name,
                )
            )
            if other_sender is not None and other_sender.id != cmd.person_id:
                notes.append(
                    cmd.tr.gettext(
                        "Die overdracht is van {sender}; bel {first} ook even.",
                        sender=other_sender.name,
                        first=first_name(other_sender),
                    )
                )
        await uow.commit()
    deps.wake_delivery()
    if handover.reminder_due_at is not None:
        deps.wake_at(handover.reminder_due_at)
    return texts.sent(handover, receiver, now, cmd.tr, reachable_by_chat=reachable, conflicts=notes)


def _unreachable(sender: Person, receiver: Person, deps: Deps) -> str:
    """What the sender hears when the chat platform will not carry the request to the receiver."""
    return deps.translator(sender.language).gettext(
        "Ik kan {name} je overdracht nu niet in de chat sturen: de chat-app laat het niet toe "
        "(is Groene Krokodil bij {first} geïnstalleerd?). Ik probeer het later opnieuw; bel "
        "{first} intussen even (/bel {name}).",
        name=receiver.name,
        first=first_name(receiver),
    )


async def _flag(
    session: AsyncSession,
    deps: Deps,
    handover: Handover,
    other: Handover,
    receiver: Person,
    other_receiver: Person,
    other_sender: Person | None,
) -> None:
    """Tell both would-be regie-holders (and the other sender) to call each other."""
    now = handover.created_at
    await tell(
        session, deps, receiver,
        lambda tr: texts.conflict(handover, other, other_receiver, now, tr),
        now=now, kind="handover.conflict", key=f"handover:{handover.id}:conflict:{other.id}",
    )  # fmt: skip
    await tell(
        session, deps, other_receiver,
        lambda tr: texts.conflict(other, handover, receiver, now, tr),
        now=now, kind="handover.conflict", key=f"handover:{other.id}:conflict:{handover.id}",
    )  # fmt: skip
    if other_sender is not None and other_sender.id != handover.sender_id:
        sender = await person_of(session, handover.sender_id)
        await tell(
            session, deps, other_sender,
            lambda tr: texts.conflict_for_sender(other, handover, sender, receiver, now, tr),
            now=now, kind="handover.conflict",
            key=f"handover:{other.id}:conflict-sender:{handover.id}",
        )  # fmt: skip
