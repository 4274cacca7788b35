"""The handover ticker: expiry, escalation, reminders, the kennismaking nudge, retention.

Each due row is handled in its own transaction: claim it (a conditional update),
queue its messages with dedupe keys, commit. A second leader or a re-run finds
nothing left to claim, and a restart picks up whatever fell due meanwhile.
"""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import Button, Reply
from directory.models import Person
from handlers.base import Deps
from handlers.handover import texts
from handlers.handover.answers import tell_sender_to_look_further
from handlers.handover.common import age_text, policy_of, tell
from handlers.handover.people import (
    card,
    escalation_target,
    person_of,
    someone,
    theme_names,
)
from handovers import service, timers
from handovers.models import Handover
from handovers.repository import HandoverRepository
from handovers.timers import Due

log = logging.getLogger("krokodil.handovers")


async def tick(deps: Deps, now: datetime) -> int:
    """Do all due handover work; returns how many timers fired."""
    done = 0
    for kind in Due:
        async with deps.uow() as uow:
            due = await timers.due_ids(uow.session, kind, now)
        for handover_id in due:
            try:
                async with deps.uow() as uow:
                    if await _fire(uow.session, deps, kind, handover_id, now):
                        await uow.commit()
                        done += 1
            except Exception:
                # One broken row must not hold up every other timer; it is retried next pass.
                log.exception("handover timer failed", extra={"handover_id": handover_id})
    async with deps.uow() as uow:
        done += await timers.purge_free_text(uow.session, now, policy_of(deps))
        await uow.commit()
    return done


async def _fire(
    session: AsyncSession, deps: Deps, kind: Due, handover_id: int, now: datetime
) -> bool:
    if kind is Due.EXPIRY:
        outcome = await service.expire(session, handover_id, now=now)
        if not outcome.changed:
            return False
        await _expired(session, deps, outcome.handover, now)
        return True
    handover = await timers.claim(session, kind, handover_id, now, policy_of(deps))
    if handover is None:
        return False
    sender = await person_of(session, handover.sender_id)
    receiver = await person_of(session, handover.receiver_id)
    if kind is Due.REMINDER:
        names = await theme_names(session, handover.themes, deps.translator(receiver.language))
        absent = await someone(session, handover.stand_in_for_id)
        await tell(
            session,
            deps,
            receiver,
            lambda tr: texts.request(
                handover, sender, names, now, tr, stand_in_for=absent, reminder=True
            ),
            now=now,
            kind="handover.reminder",
            key=f"handover:{handover.id}:reminder",
        )
    elif kind is Due.ESCALATION:
        await _escalate(session, deps, handover, sender, receiver, now)
    else:
        await _nudge(session, deps, handover, sender, receiver, now)
    return True


async def _expired(session: AsyncSession, deps: Deps, handover: Handover, now: datetime) -> None:
    sender = await person_of(session, handover.sender_id)
    receiver = await person_of(session, handover.receiver_id)
    await tell_sender_to_look_further(session, deps, handover, sender, receiver, expired=True)
    await tell(
        session,
        deps,
        receiver,
        lambda tr: Reply(
            text=tr.gettext(
                "De overdracht van {name} ({label}) is verlopen omdat er geen antwoord kwam. Je "
                "hoeft niets meer te doen.",
                name=sender.name,
                label=texts.label_of(handover, tr),
            ),
            data={"handover_id": handover.id, "event": "expired"},
        ),
        now=now,
        kind="handover.expired",
        key=f"handover:{handover.id}:expired-receiver",
    )


def _role(person: Person, tr: Translator) -> str:
    if person.has_role("oliemannetje"):
        return tr.gettext("oliemannetje")
    return tr.gettext("procesregisseur")


async def _escalate(
    session: AsyncSession,
    deps: Deps,
    handover: Handover,
    sender: Person,
    receiver: Person,
    now: datetime,
) -> None:
    """No answer after the reminder: ask the oliemannetje or procesregisseur, tell the sender."""
    target = await escalation_target(session, handover.themes, sender, receiver)
    if target is not None:
        handover.escalated_to_id = target.id
        names = await theme_names(session, handover.themes, deps.translator(target.language))
        await tell(
            session,
            deps,
            target,
            lambda tr: Reply(
                title=tr.gettext("Hulp gevraagd bij een warme overdracht"),
                text=tr.gettext(
                    "{sender} ({sender_org}) stuurde {age} geleden een warme overdracht aan "
                    "{receiver} ({receiver_org}) over {themes}. {receiver} heeft nog niet "
                    "gereageerd, ook niet na een herinnering. Wil je helpen dat iemand de regie "
                    "oppakt? De regie ligt nu bij {sender}.",
                    sender=sender.name,
                    sender_org=sender.organisation.name,
                    age=age_text(handover.created_at, now, tr),
                    receiver=receiver.name,
                    receiver_org=receiver.organisation.name,
                    themes=names or "—",
                ),
                cards=(card(receiver, now, tr), card(sender, now, tr)),
                data={"handover_id": handover.id, "event": "escalation"},
            ),
            now=now,
            kind="handover.escalation",
            key=f"handover:{handover.id}:escalation",
        )

    def for_sender(tr: Translator) -> Reply:
        lines = [
            tr.gettext(
                "{name} heeft nog niet gereageerd op je overdracht ({label}), ook niet na een "
                "herinnering. De regie blijft bij jou.",
                name=receiver.name,
                label=texts.label_of(handover, tr),
            )
        ]
        if target is not None:
            lines.append(
                tr.gettext(
                    "Ik heb {name} ({role}) gevraagd mee te helpen.",
                    name=target.name,
                    role=_role(target, tr),
                )
            )
        lines.append(texts.call_line(receiver, now, tr))
        shown = (card(receiver, now, tr),) + ((card(target, now, tr),) if target else ())
        return Reply(
            title=tr.gettext("Nog geen antwoord op je overdracht"),
            text="\n".join(lines),
            cards=shown,
            buttons=(
                Button(tr.gettext("Intrekken"), "handover.withdraw", str(handover.id), "danger"),
            ),
            data={"handover_id": handover.id, "event": "escalated"},
        )

    await tell(
        session,
        deps,
        sender,
        for_sender,
        now=now,
        kind="handover.escalation",
        key=f"handover:{handover.id}:escalation-sender",
    )


async def _nudge(
    session: AsyncSession,
    deps: Deps,
    handover: Handover,
    sender: Person,
    receiver: Person,
    now: datetime,
) -> None:
    """Accepted, but no kennismaking held yet: ask the regie-holder to plan or record it."""
    case = await HandoverRepository(session).case(handover.case_id)
    holder_id = case.regie_holder_id if case is not None else handover.receiver_id
    holder = receiver if holder_id == receiver.id else sender
    other = sender if holder is receiver else receiver
    planned = handover.kennismaking_planned_for

    def build(tr: Translator) -> Reply:
        if planned is not None:
            text = tr.gettext(
                "De kennismaking met {name} en de inwoner stond gepland op {when} ({label}). Is "
                "die doorgegaan?",
                name=other.name,
                when=tr.datetime(planned),
                label=texts.label_of(handover, tr),
            )
        else:
            text = tr.gettext(
                "Is de kennismaking met {name} en de inwoner al gepland ({label})? Een "
                "gesprek met z'n drieën maakt de overdracht pas echt warm.",
                name=other.name,
                label=texts.label_of(handover, tr),
            )
        return Reply(
            title=tr.gettext("Kennismaking"),
            text=text,
            buttons=texts.kennismaking_buttons(handover, tr),
            data={"handover_id": handover.id, "event": "kennismaking_nudge"},
        )

    await tell(
        session,
        deps,
        holder,
        build,
        now=now,
        kind="handover.kennismaking",
        key=f"handover:{handover.id}:nudge:{handover.version}",
    )
