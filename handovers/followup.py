"""What happens around a handover besides its decision: 'call me first', the kennismaking,
and closing a case. Each change is conditional, so a repeated button press changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import Forbidden, UserError
from handovers.machine import State
from handovers.models import Handover, HandoverCase
from handovers.policy import TimerPolicy
from handovers.repository import HandoverRepository
from handovers.service import audit_handover


@dataclass(frozen=True)
class Step:
    """A follow-up step: whether this call did it, and the handover afterwards."""

    done: bool
    handover: Handover


async def _load(repo: HandoverRepository, handover_id: int) -> Handover:
    handover = await repo.get(handover_id)
    if handover is None:
        raise UserError("Deze overdracht bestaat niet (meer).")
    return handover


async def request_call(
    session: AsyncSession, handover_id: int, person_id: int, *, now: datetime, origin: str
) -> Step:
    """The receiver asks the sender to call first; the handover stays open."""
    repo = HandoverRepository(session)
    handover = await _load(repo, handover_id)
    if person_id != handover.receiver_id:
        raise Forbidden("Deze overdracht is niet aan jou gericht.")
    done = await repo.update_where(
        handover_id,
        [Handover.state == State.OPEN, Handover.call_requested_at.is_(None)],
        {"call_requested_at": now},
    )
    if done:
        audit_handover(session, handover_id, "handover.call_requested", person_id, now, origin)
    return Step(done, await _load(repo, handover_id))


def _involved(handover: Handover, person_id: int) -> None:
    # Who acts is checked before the state, so an outsider learns nothing about the handover.
    if person_id not in (handover.sender_id, handover.receiver_id):
        raise Forbidden("Deze overdracht is niet aan jou gericht.")
    if handover.state != State.ACCEPTED:
        raise UserError("Een kennismaking leg je vast nadat de overdracht is geaccepteerd.")


async def plan_kennismaking(
    session: AsyncSession,
    handover_id: int,
    person_id: int,
    when: datetime,
    *,
    now: datetime,
    policy: TimerPolicy,
    origin: str,
) -> Step:
    """Record when the three-way kennismaking takes place; a day later the bot asks how it went."""
    repo = HandoverRepository(session)
    handover = await _load(repo, handover_id)
    _involved(handover, person_id)
    done = await repo.update_where(
        handover_id,
        [Handover.state == State.ACCEPTED, Handover.kennismaking_held_at.is_(None)],
        {
            "kennismaking_planned_for": when,
            "kennismaking_due_at": policy.kennismaking_check(max(when, now)),
            "kennismaking_nudged_at": None,
        },
    )
    if done:
        audit_handover(
            session, handover_id, "handover.kennismaking_planned", person_id, now, origin
        )
    return Step(done, await _load(repo, handover_id))


async def kennismaking_held(
    session: AsyncSession, handover_id: int, person_id: int, *, now: datetime, origin: str
) -> Step:
    """Record that the kennismaking took place; a second press changes nothing."""
    repo = HandoverRepository(session)
    handover = await _load(repo, handover_id)
    _involved(handover, person_id)
    done = await repo.update_where(
        handover_id,
        [Handover.state == State.ACCEPTED, Handover.kennismaking_held_at.is_(None)],
        {"kennismaking_held_at": now, "kennismaking_due_at": None},
    )
    if done:
        audit_handover(session, handover_id, "handover.kennismaking_held", person_id, now, origin)
    return Step(done, await _load(repo, handover_id))


async def close_case(
    session: AsyncSession, case: HandoverCase, person_id: int, *, now: datetime, origin: str
) -> bool:
    """The regie-holder closes a case they are done with; False when a handover is still open."""
    repo = HandoverRepository(session)
    if case.closed_at is not None:
        return False
    if not await repo.close_case(case.id, person_id, now):
        return False
    record(
        session,
        at=now,
        actor=person_actor(person_id),
        action="case.closed",
        object_type="handover_case",
        object_id=case.id,
        origin=origin,
    )
    return True
