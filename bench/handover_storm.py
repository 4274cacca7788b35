"""Many people answering handovers at once, through the dispatcher (the way button presses
and forms arrive from every platform), and the checks that must hold afterwards.

Each open handover gets one to three contenders at the same moment: the receiver accepts,
the receiver declines (the reason form submitted), the sender withdraws. All of them run
concurrently, each in its own transactions on its own connection. Afterwards every
handover must be in exactly one final state decided by exactly one contender, its case
must have the right single regie-holder, and the audit trail and the outbox must hold
exactly one record of that decision. Used by tests/reliability and `python -m bench handovers`.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import func, select

from bot.bootstrap import App
from core.audit import AuditEntry
from core.messages import Action, FormSubmission, Invocation, Reply
from core.outbox import OutboxMessage
from directory.identity import console_handle
from directory.models import Person
from handovers.models import Handover, HandoverCase
from handovers.policy import TimerPolicy
from handovers.service import HandoverRequest, start

DECISIONS = {"accept": "accepted", "decline": "declined", "withdraw": "withdrawn"}
FAILURE_TEXTS = ("Er ging iets mis", "Ik kan even niet bij de gegevens")


@dataclass
class StormResult:
    """What happened: per-operation latencies, final states, and broken invariants."""

    handovers: int
    operations: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    states: Counter[str] = field(default_factory=Counter)
    problems: list[str] = field(default_factory=list)


async def open_handovers(
    app: App, pairs: list[tuple[Person, Person]], count: int, label: str = "S"
) -> list[int]:
    """`count` open handovers, each its own case, spread over the (sender, receiver) pairs."""
    settings = app.deps.settings
    policy = TimerPolicy.from_config(settings.handovers, settings.bot.timezone)
    ids: list[int] = []
    now = app.deps.clock.now()
    for first in range(0, count, 100):
        async with app.deps.uow() as uow:
            for n in range(first, min(first + 100, count)):
                sender, receiver = pairs[n % len(pairs)]
                started = await start(
                    uow.session,
                    HandoverRequest(
                        sender_id=sender.id,
                        receiver_id=receiver.id,
                        need="Hulp bij een huurachterstand en budgetbeheer.",
                        themes=("schulden",),
                        reference_label=f"{label}-{n:05d}",
                        consent=True,
                    ),
                    now=now,
                    policy=policy,
                    origin="storm",
                )
                ids.append(started.handover.id)
            await uow.commit()
    return ids


def _invocation(kind: str, handle: str, hid: int) -> Invocation:
    chat = f"console:{handle}"
    if kind == "decline":
        submission = FormSubmission(
            "handover.decline", {"reason": "capacity", "note": ""}, {"handover": str(hid)}
        )
        return Invocation(platform="console", account=handle, chat=chat, submission=submission)
    action = Action(f"handover.{kind}", str(hid))
    return Invocation(platform="console", account=handle, chat=chat, action=action)


async def storm(
    app: App, ids: list[int], handles: dict[int, tuple[str, str]], seed: int = 500
) -> StormResult:
    """Fire every contender of every handover at once; `handles` maps id → (sender, receiver)."""
    rng = random.Random(seed)
    plans: list[tuple[int, str]] = []
    for hid in ids:
        kinds = rng.sample(list(DECISIONS), rng.randint(1, 3))
        plans.extend((hid, kind) for kind in kinds)
    rng.shuffle(plans)
    result = StormResult(handovers=len(ids), operations=len(plans), seconds=0.0)

    async def contend(hid: int, kind: str) -> None:
        sender, receiver = handles[hid]
        who = sender if kind == "withdraw" else receiver
        began = time.perf_counter()
        reply: Reply = await app.dispatcher.handle(_invocation(kind, who, hid))
        result.latencies.append(time.perf_counter() - began)
        if not reply.text or any(text in reply.text for text in FAILURE_TEXTS):
            result.problems.append(f"#{hid} {kind}: {reply.text!r}")

    began = time.perf_counter()
    await asyncio.gather(*(contend(hid, kind) for hid, kind in plans))
    result.seconds = time.perf_counter() - began
    result.problems += await check(app, ids, {hid: kind for hid, kind in plans}, result)
    return result


async def check(
    app: App, ids: list[int], some_kind: dict[int, str], result: StormResult
) -> list[str]:
    """Every invariant that must hold after the storm, as a list of what broke."""
    problems: list[str] = []
    async with app.deps.uow() as uow:
        session = uow.session
        handovers = list(await session.scalars(select(Handover).where(Handover.id.in_(ids))))
        case_ids = [h.case_id for h in handovers]
        cases = {
            c.id: c
            for c in await session.scalars(
                select(HandoverCase).where(HandoverCase.id.in_(case_ids))
            )
        }
        audit = Counter(
            (action, object_id)
            for action, object_id in await session.execute(
                select(AuditEntry.action, AuditEntry.object_id).where(
                    AuditEntry.object_type.in_(("handover", "handover_case"))
                )
            )
        )
        notices = Counter(
            str(key).split(":")[1]
            for key in await session.scalars(
                select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("handover:%"))
            )
            if not str(key).endswith(":request")
        )
        open_left = await session.scalar(
            select(func.count()).where(Handover.id.in_(ids), Handover.state == "open")
        )
    if len(handovers) != len(ids):
        problems.append(f"{len(ids) - len(handovers)} handovers lost")
    if open_left:
        problems.append(f"{open_left} handovers still open after every contender answered")
    for h in handovers:
        result.states[h.state] += 1
        decided = [state for state in DECISIONS.values() if audit[(f"handover.{state}", str(h.id))]]
        if decided != [h.state] or audit[(f"handover.{h.state}", str(h.id))] != 1:
            problems.append(f"#{h.id} is {h.state} but the audit says {decided}")
        if audit[("handover.created", str(h.id))] != 1:
            problems.append(f"#{h.id} has no single 'created' audit entry")
        holder = h.receiver_id if h.state == "accepted" else h.sender_id
        case = cases.get(h.case_id)
        if case is None or case.regie_holder_id != holder:
            problems.append(f"#{h.id} ({h.state}): regie is not with the right person")
        moved = audit[("case.regie_moved", str(h.case_id))]
        if moved != (1 if h.state == "accepted" else 0):
            problems.append(f"#{h.id} ({h.state}): regie moved {moved} times")
        if notices[str(h.id)] != 1:
            problems.append(f"#{h.id} ({h.state}): {notices[str(h.id)]} notices instead of 1")
        if h.state not in DECISIONS.values():
            problems.append(f"#{h.id} ended {h.state}, which no contender ({some_kind[h.id]}) does")
    return problems


def handles_of(pairs_by_id: dict[int, tuple[Person, Person]]) -> dict[int, tuple[str, str]]:
    """Console handles of each handover's sender and receiver."""
    return {
        hid: (console_handle(s.email, s.name), console_handle(r.email, r.name))
        for hid, (s, r) in pairs_by_id.items()
    }
