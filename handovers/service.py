"""Handover use cases inside one transaction: start, accept, decline, withdraw, expire.

Each function works on the session of the caller's unit of work, writes the
audit trail (who, what, when; never the free text) and returns what happened;
the caller adds the messages to the outbox in the same transaction and commits.
Nothing here knows about chat platforms or wording.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import Forbidden, UserError
from core.i18n import N_
from directory.identity import record_acquaintance
from directory.models import Person
from handovers.machine import Event, Party, State, Verdict, decide
from handovers.models import LABEL_MAX, NEED_MAX, NOTE_MAX, Handover, HandoverCase
from handovers.policy import TimerPolicy
from handovers.repository import HandoverRepository, label_key
from handovers.text import checked
from handovers.values import HandoverRequest, Outcome, Started

DECLINE_REASONS = ("theme", "capacity", "colleague", "other")
NO_TIMERS: dict[str, Any] = {"reminder_due_at": None, "escalate_due_at": None, "expires_at": None}


def party_of(handover: Handover, person_id: int | None) -> Party:
    """The role a person plays in a handover."""
    if person_id is None:
        return Party.SYSTEM
    if person_id == handover.receiver_id:
        return Party.RECEIVER
    if person_id == handover.sender_id:
        return Party.SENDER
    return Party.OTHER


def audit_handover(
    session: AsyncSession,
    handover_id: int,
    action: str,
    actor: int | None,
    now: datetime,
    origin: str,
    result: str = "ok",
) -> None:
    """One audit row about a handover (every state change and follow-up step writes one)."""
    record(
        session,
        at=now,
        actor=person_actor(actor),
        action=action,
        object_type="handover",
        object_id=handover_id,
        result=result,
        origin=origin,
    )


async def start(
    session: AsyncSession,
    request: HandoverRequest,
    *,
    now: datetime,
    policy: TimerPolicy,
    origin: str,
) -> Started:
    """Send a handover: regie stays with the sender until the receiver accepts."""
    need = checked(
        request.need,
        limit=NEED_MAX,
        missing=N_("Schrijf in een of twee zinnen wat de inwoner nodig heeft."),
        field="need",
    )
    label = checked(
        request.reference_label,
        limit=LABEL_MAX,
        missing=N_("Geef je eigen kenmerk voor deze casus, bijvoorbeeld je dossiernummer."),
        field="reference",
    )
    if not request.consent:
        raise UserError(
            "Zonder toestemming van de inwoner verstuur ik geen overdracht. Bespreek het eerst "
            "met de inwoner en start daarna opnieuw met /overdracht."
        )
    repo = HandoverRepository(session)
    sender = await repo.person(request.sender_id)
    receiver = await repo.person(request.receiver_id)
    if sender is None or receiver is None or not receiver.active:
        raise UserError("Ik kan die collega niet (meer) vinden in de sociale kaart.")
    if sender.id == receiver.id:
        raise UserError("Je kunt een casus niet aan jezelf overdragen.")
    case, new_case = await _case_for(repo, request, sender, label, now)
    waiting = await repo.open_for_case(case.id)
    if waiting is not None:
        await _already_open(repo, waiting)
    handover = Handover(
        case_id=case.id,
        sender_id=sender.id,
        receiver_id=receiver.id,
        sender_organisation_id=sender.organisation_id,
        stand_in_for_id=request.stand_in_for_id,
        state=State.OPEN,
        version=1,
        need=need,
        reference_label=label,
        reference_key=label_key(label),
        themes=list(request.themes),
        wijk=request.wijk or None,
        consent_at=now,
        created_at=now,
        reminder_due_at=policy.reminder_due(now),
        expires_at=policy.expiry(now),
    )
    try:
        async with session.begin_nested():
            session.add(handover)
            await session.flush()
    except IntegrityError:
        # Another handover of this case was sent at the same moment and won.
        raise UserError(
            "Voor deze casus is net een andere overdracht verstuurd. Kijk bij /regie."
        ) from None
    if new_case:
        record(
            session,
            at=now,
            actor=person_actor(sender.id),
            action="case.created",
            object_type="handover_case",
            object_id=case.id,
            origin=origin,
        )
    audit_handover(session, handover.id, "handover.created", sender.id, now, origin)
    conflicts = tuple(await repo.conflicting(handover))
    if conflicts:
        audit_handover(session, handover.id, "handover.conflict_flagged", None, now, origin)
    return Started(handover=handover, case=case, new_case=new_case, conflicts=conflicts)


async def _case_for(
    repo: HandoverRepository, request: HandoverRequest, sender: Person, label: str, now: datetime
) -> tuple[HandoverCase, bool]:
    if request.case_id is not None:
        case = await repo.case(request.case_id)
        if case is None or case.regie_holder_id != sender.id or case.closed_at is not None:
            raise Forbidden(
                "Je hebt de regie over casus #{case} niet (meer); alleen de regiehouder kan die "
                "overdragen.",
                case=request.case_id,
            )
        return case, False
    existing = await repo.held_case_with_label(sender.id, label)
    if existing is not None:
        return existing, False
    case = HandoverCase(
        regie_holder_id=sender.id,
        regie_since=now,
        reference_label=label,
        themes=list(request.themes),
        wijk=request.wijk or None,
        created_by=sender.id,
        created_at=now,
    )
    repo.session.add(case)
    await repo.session.flush()
    return case, True


async def _already_open(repo: HandoverRepository, waiting: Handover) -> None:
    receiver = await repo.person(waiting.receiver_id)
    raise UserError(
        "Voor deze casus staat al een overdracht open naar {name}. Trek die eerst in "
        "(/regie) of wacht op het antwoord.",
        name=receiver.name if receiver else "?",
    )


async def _apply(
    session: AsyncSession,
    handover_id: int,
    person_id: int | None,
    event: Event,
    values: dict[str, Any],
    now: datetime,
    origin: str,
) -> Outcome:
    """Decide on what was read, then let the conditional update settle any race."""
    repo = HandoverRepository(session)
    handover = await repo.get(handover_id)
    if handover is None:
        raise UserError("Deze overdracht bestaat niet (meer).")
    party = party_of(handover, person_id)
    decision = decide(handover.state, event, party)
    if decision.verdict is Verdict.NOT_ALLOWED:
        raise Forbidden("Deze overdracht is niet aan jou gericht.")
    if not decision.changes:
        return Outcome(decision, handover)
    stamp = {"decided_at": now, "decided_by": person_id, **NO_TIMERS, **values}
    if not await repo.transition(handover.id, State.OPEN, decision.state, stamp):
        fresh = await repo.get(handover.id, fresh=True)
        assert fresh is not None
        return Outcome(decide(fresh.state, event, party), fresh)
    audit_handover(session, handover.id, f"handover.{decision.state.value}", person_id, now, origin)
    return Outcome(decision, handover)


async def accept(
    session: AsyncSession,
    handover_id: int,
    person_id: int,
    *,
    now: datetime,
    policy: TimerPolicy,
    origin: str,
) -> Outcome:
    """The receiver takes over: regie moves, and the two now know each other."""
    values = {"kennismaking_due_at": policy.kennismaking_due(now)}
    outcome = await _apply(session, handover_id, person_id, Event.ACCEPT, values, now, origin)
    if not outcome.changed:
        return outcome
    handover = outcome.handover
    repo = HandoverRepository(session)
    if not await repo.move_regie(handover.case_id, handover.sender_id, handover.receiver_id, now):
        # Cannot happen while one open handover per case holds; refuse rather than guess.
        raise UserError("De regie over deze casus ligt niet meer bij de afzender. Kijk bij /regie.")
    record(
        session,
        at=now,
        actor=person_actor(person_id),
        action="case.regie_moved",
        object_type="handover_case",
        object_id=handover.case_id,
        origin=origin,
    )
    await record_acquaintance(session, handover.sender_id, handover.receiver_id, "handover", now)
    return outcome


async def decline(
    session: AsyncSession,
    handover_id: int,
    person_id: int,
    *,
    reason: str,
    note: str,
    now: datetime,
    origin: str,
) -> Outcome:
    """The receiver says no, with a reason; regie stays with the sender."""
    if reason not in DECLINE_REASONS:
        raise UserError(
            "Kies een reden waarom je de overdracht niet aanneemt.", form_field="reason"
        )
    text = checked(note, limit=NOTE_MAX, field="note")
    if reason == "other" and not text:
        raise UserError("Schrijf kort waarom je de overdracht niet aanneemt.", form_field="note")
    values = {"decline_reason": reason, "decline_note": text or None}
    return await _apply(session, handover_id, person_id, Event.DECLINE, values, now, origin)


async def withdraw(
    session: AsyncSession, handover_id: int, person_id: int, *, now: datetime, origin: str
) -> Outcome:
    """The sender takes the handover back; they keep regie."""
    return await _apply(session, handover_id, person_id, Event.WITHDRAW, {}, now, origin)


async def expire(session: AsyncSession, handover_id: int, *, now: datetime) -> Outcome:
    """Nobody answered in time; the sender keeps regie."""
    return await _apply(session, handover_id, None, Event.EXPIRE, {}, now, "timer")
