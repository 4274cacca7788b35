"""A leaver's handovers: regie offered to the successor as a warm handover, open handovers
they sent withdrawn and those they received re-addressed to the successor (or withdrawn),
the other side told each time. Cases nobody takes are ``handlers.handover.orphans``."""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import Reply
from directory.models import Person
from handlers.base import Deps
from handlers.handover import texts as handover_texts
from handlers.handover.common import policy_of, tell
from handlers.handover.people import person_of, theme_names
from handovers import service
from handovers.machine import State
from handovers.models import Handover, HandoverCase
from handovers.repository import HandoverRepository
from handovers.values import HandoverRequest


async def move_handovers(
    session: AsyncSession, deps: Deps, leaver: Person, successor: Person | None, now: datetime
) -> int:
    """Withdraw or re-address the leaver's open handovers and offer their cases to the
    successor; how many cases and handovers moved."""
    repo = HandoverRepository(session)
    moved = 0
    for handover in await repo.open_received(leaver.id):
        await _withdraw(session, repo, handover, now)
        sender = await person_of(session, handover.sender_id)
        new = None
        if successor is not None and successor.id != handover.sender_id:
            new = await _offer(session, deps, handover.case_id, sender, successor, handover, now)
        await tell(
            session,
            deps,
            sender,
            partial(_received_moved, handover, leaver, successor if new else None),
            now=now,
            kind="departure.handover",
            key=f"departure:{leaver.id}:received:{handover.id}",
        )
        moved += 1
    for handover in await repo.open_sent(leaver.id):
        if successor is not None and handover.receiver_id == successor.id:
            continue  # already on its way to the successor
        await _withdraw(session, repo, handover, now)
        receiver = await person_of(session, handover.receiver_id)
        await tell(
            session,
            deps,
            receiver,
            partial(_sent_withdrawn, handover, leaver, successor),
            now=now,
            kind="departure.handover",
            key=f"departure:{leaver.id}:sent:{handover.id}",
        )
        moved += 1
    if successor is None:
        return moved
    for case in await repo.cases_held(leaver.id):
        if await repo.open_for_case(case.id) is not None:
            continue
        latest = await repo.latest_for_case(case.id)
        await _offer(session, deps, case.id, leaver, successor, latest, now, case=case)
        moved += 1
    return moved


async def _withdraw(
    session: AsyncSession, repo: HandoverRepository, handover: Handover, now: datetime
) -> None:
    values = {"decided_at": now, "decided_by": None, **service.NO_TIMERS}
    if await repo.transition(handover.id, State.OPEN, State.WITHDRAWN, values):
        service.audit_handover(
            session, handover.id, "handover.withdrawn", None, now, "departure", "departure"
        )


async def _offer(
    session: AsyncSession,
    deps: Deps,
    case_id: int,
    sender: Person,
    successor: Person,
    like: Handover | None,
    now: datetime,
    *,
    case: HandoverCase | None = None,
) -> Handover:
    """A new handover of the case from its regie-holder to the successor, told at once."""
    fallback_tr = deps.translator(successor.language)
    need = (like.need if like is not None else None) or fallback_tr.gettext(
        "Overdracht bij het vertrek van {name}; bel voor de inhoud.", name=sender.name
    )
    label = (
        (like.reference_label if like is not None else None)
        or (case.reference_label if case is not None else None)
        or fallback_tr.gettext("casus #{case}", case=case_id)
    )
    themes = tuple(like.themes if like is not None else (case.themes if case else []))
    wijk = like.wijk if like is not None else (case.wijk if case else None)
    started = await service.start(
        session,
        HandoverRequest(
            sender_id=sender.id,
            receiver_id=successor.id,
            need=need,
            themes=themes,
            reference_label=label,
            consent=True,
            wijk=wijk,
            case_id=case_id,
        ),
        now=now,
        policy=policy_of(deps),
        origin="departure",
    )
    handover = started.handover
    names = await theme_names(session, handover.themes, deps.translator(successor.language))
    await tell(
        session,
        deps,
        successor,
        lambda tr: handover_texts.request(handover, sender, names, now, tr),
        now=now,
        kind="handover.request",
        key=f"handover:{handover.id}:request",
    )
    if handover.reminder_due_at is not None:
        deps.wake_at(handover.reminder_due_at)
    return handover


def _received_moved(
    handover: Handover, leaver: Person, successor: Person | None, tr: Translator
) -> Reply:
    if successor is not None:
        text = tr.gettext(
            "{name} werkt hier niet meer. Je overdracht van {label} gaat nu naar de opvolger, "
            "{successor}; die moet hem nog accepteren. Tot dan houd jij de regie.",
            name=leaver.name,
            label=handover_texts.label_of(handover, tr),
            successor=successor.name,
        )
    else:
        text = tr.gettext(
            "{name} werkt hier niet meer; je overdracht van {label} is ingetrokken en je houdt "
            "de regie. Kies iemand anders met /regie overdragen {case}.",
            name=leaver.name,
            label=handover_texts.label_of(handover, tr),
            case=handover.case_id,
        )
    return Reply(title=tr.gettext("Overdracht: collega vertrokken"), text=text)


def _sent_withdrawn(
    handover: Handover, leaver: Person, successor: Person | None, tr: Translator
) -> Reply:
    text = tr.gettext(
        "{name} werkt hier niet meer; de overdracht van casus #{case} aan jou is ingetrokken.",
        name=leaver.name,
        case=handover.case_id,
    )
    if successor is not None:
        text += " " + tr.gettext(
            "De opvolger, {successor}, krijgt de casus aangeboden en belt je als het nodig is.",
            successor=successor.name,
        )
    return Reply(title=tr.gettext("Overdracht ingetrokken"), text=text)
