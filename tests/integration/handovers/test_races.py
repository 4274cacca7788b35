"""Races between separate units of work: exactly one outcome, never two regie-holders.

Each contender runs in its own transaction on its own connection (asyncio.gather), the
way two people pressing buttons at once reach the bot. Run on PostgreSQL as well as SQLite.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from bot.bootstrap import App
from core.audit import AuditEntry
from core.clock import FrozenClock
from core.errors import UserError
from handovers import service, timers
from handovers.machine import State, Verdict
from handovers.models import Handover, HandoverCase
from handovers.values import Outcome
from tests.integration.handovers.helpers import load, policy, send, trio
from tests.support import make_person

Contender = Callable[[], Awaitable[Outcome]]


async def _in_own_transaction(app: App, act: Callable[..., Awaitable[Outcome]]) -> Outcome:
    async with app.deps.uow() as uow:
        outcome = await act(uow.session)
        await uow.commit()
        return outcome


@pytest.mark.parametrize("rounds", [6])
async def test_accept_decline_and_withdraw_race_to_exactly_one_outcome(
    app: App, clock: FrozenClock, rounds: int
) -> None:
    sender, receiver, _ = await trio(app)
    now = clock.now()
    for round_ in range(rounds):
        started = await send(app, sender, receiver, label=f"RACE-{round_}")
        hid = started.handover.id

        async def accept(session: object, hid: int = hid) -> Outcome:
            return await service.accept(
                session,  # type: ignore[arg-type]
                hid,
                receiver.id,
                now=now,
                policy=policy(app),
                origin="race",
            )

        async def decline(session: object, hid: int = hid) -> Outcome:
            return await service.decline(
                session,  # type: ignore[arg-type]
                hid,
                receiver.id,
                reason="capacity",
                note="",
                now=now,
                origin="race",
            )

        async def withdraw(session: object, hid: int = hid) -> Outcome:
            return await service.withdraw(
                session,  # type: ignore[arg-type]
                hid,
                sender.id,
                now=now,
                origin="race",
            )

        contenders = [accept, decline, withdraw]
        # Vary who starts first, so every kind of winner gets a chance.
        contenders = contenders[round_ % 3 :] + contenders[: round_ % 3]
        outcomes = await asyncio.gather(*(_in_own_transaction(app, c) for c in contenders))
        winners = [o for o in outcomes if o.changed]
        assert len(winners) == 1, [o.decision for o in outcomes]
        assert all(o.decision.verdict is Verdict.TOO_LATE for o in outcomes if not o.changed)
        final = await load(app, hid)
        assert final.state == winners[0].decision.state
        async with app.deps.uow() as uow:
            case = await uow.session.get(HandoverCase, started.case.id)
            decisions = await uow.session.scalar(
                select(func.count())
                .select_from(AuditEntry)
                .where(
                    AuditEntry.object_type == "handover",
                    AuditEntry.object_id == str(hid),
                    AuditEntry.action != "handover.created",
                )
            )
        assert decisions == 1
        assert case is not None
        expected_holder = receiver.id if final.state == State.ACCEPTED else sender.id
        assert case.regie_holder_id == expected_holder


async def test_two_accepts_at_once_have_one_effect(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)

    async def accept(session: object) -> Outcome:
        return await service.accept(
            session,  # type: ignore[arg-type]
            started.handover.id,
            receiver.id,
            now=clock.now(),
            policy=policy(app),
            origin="race",
        )

    outcomes = await asyncio.gather(*(_in_own_transaction(app, accept) for _ in range(3)))
    assert sorted(o.decision.verdict.value for o in outcomes) == ["change", "repeat", "repeat"]


async def test_two_handovers_of_one_case_at_once_leave_one_open(
    app: App, clock: FrozenClock
) -> None:
    sender, receiver, other = await trio(app)
    first = await send(app, sender, receiver)
    await _in_own_transaction(
        app,
        lambda s: service.withdraw(s, first.handover.id, sender.id, now=clock.now(), origin="t"),
    )
    third = await make_person(app, "Kees Jansen", email="kees@example.org")
    results = await asyncio.gather(
        *(send(app, sender, who, case_id=first.case.id) for who in (receiver, other, third)),
        return_exceptions=True,
    )
    sent = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, UserError)]
    assert len(sent) == 1 and len(refused) == 2, results
    async with app.deps.uow() as uow:
        open_count = await uow.session.scalar(
            select(func.count())
            .select_from(Handover)
            .where(Handover.case_id == first.case.id, Handover.state == State.OPEN)
        )
    assert open_count == 1


async def test_the_database_itself_refuses_a_second_open_handover(
    app: App, clock: FrozenClock
) -> None:
    sender, receiver, other = await trio(app)
    first = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        uow.session.add(
            Handover(
                case_id=first.case.id,
                sender_id=sender.id,
                receiver_id=other.id,
                sender_organisation_id=sender.organisation_id,
                state="open",
                version=1,
                themes=[],
                consent_at=clock.now(),
                created_at=clock.now(),
            )
        )
        with pytest.raises(IntegrityError):
            await uow.session.flush()


async def test_two_timer_passes_claim_a_reminder_once(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    clock.advance(timedelta(days=2))

    async def claim() -> Handover | None:
        async with app.deps.uow() as uow:
            got = await timers.claim(
                uow.session, timers.Due.REMINDER, started.handover.id, clock.now(), policy(app)
            )
            await uow.commit()
            return got

    claims = await asyncio.gather(claim(), claim(), claim())
    assert sum(c is not None for c in claims) == 1


async def test_a_decision_read_as_open_loses_to_one_committed_meanwhile(
    app: App, clock: FrozenClock
) -> None:
    """Both transactions saw 'open'; the conditional update lets only the first one through."""
    from handovers.repository import HandoverRepository

    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    hid = started.handover.id
    async with app.deps.uow() as first, app.deps.uow() as second:
        seen_first = await first.repo(HandoverRepository).get(hid)
        seen_second = await second.repo(HandoverRepository).get(hid)
        assert seen_first is not None and seen_second is not None
        assert seen_first.state == seen_second.state == State.OPEN
        assert await first.repo(HandoverRepository).transition(hid, State.OPEN, State.ACCEPTED, {})
        # On PostgreSQL this update waits for the first transaction's row lock.
        losing = asyncio.create_task(
            second.repo(HandoverRepository).transition(hid, State.OPEN, State.DECLINED, {})
        )
        await asyncio.sleep(0.05)
        await first.commit()
        assert await losing is False
        await second.commit()
    assert (await load(app, hid)).state == State.ACCEPTED
