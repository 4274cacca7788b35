"""Handover use cases on a real database: regie, audit, repeats, and the free-text guard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from core.audit import trail
from core.clock import FrozenClock
from core.errors import Forbidden, UserError
from directory.models import Acquaintance
from handovers import followup, service
from handovers.machine import State, Verdict
from handovers.models import HandoverCase
from handovers.repository import HandoverRepository, label_key
from handovers.values import HandoverRequest
from tests.integration.handovers.helpers import load, policy, send, trio


async def _case(app: App, case_id: int) -> HandoverCase:
    async with app.deps.uow() as uow:
        found = await uow.session.get(HandoverCase, case_id)
        assert found is not None
        return found


async def test_regie_stays_with_the_sender_until_the_receiver_accepts(
    app: App, clock: FrozenClock
) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    assert started.new_case
    assert (await _case(app, started.case.id)).regie_holder_id == sender.id
    handover = await load(app, started.handover.id)
    assert handover.state == State.OPEN
    assert handover.reminder_due_at == policy(app).reminder_due(clock.now())

    clock.advance(timedelta(hours=1))
    async with app.deps.uow() as uow:
        outcome = await service.accept(
            uow.session,
            handover.id,
            receiver.id,
            now=clock.now(),
            policy=policy(app),
            origin="test",
        )
        await uow.commit()
    assert outcome.changed
    case = await _case(app, started.case.id)
    assert case.regie_holder_id == receiver.id
    accepted = await load(app, handover.id)
    assert accepted.state == State.ACCEPTED
    assert accepted.reminder_due_at is None and accepted.expires_at is None
    assert accepted.kennismaking_due_at == policy(app).kennismaking_due(clock.now())
    async with app.deps.uow() as uow:
        pair = await uow.session.scalar(select(Acquaintance))
        entries = await trail(uow.session, "handover", handover.id)
        case_entries = await trail(uow.session, "handover_case", case.id)
    assert pair is not None and pair.source == "handover"
    assert [e.action for e in entries] == ["handover.created", "handover.accepted"]
    assert [e.actor for e in entries] == [f"person:{sender.id}", f"person:{receiver.id}"]
    assert [e.action for e in case_entries] == ["case.created", "case.regie_moved"]


async def test_accepting_twice_is_a_repeat_and_changes_nothing(
    app: App, clock: FrozenClock
) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    for expected in (Verdict.CHANGE, Verdict.REPEAT):
        async with app.deps.uow() as uow:
            outcome = await service.accept(
                uow.session,
                started.handover.id,
                receiver.id,
                now=clock.now(),
                policy=policy(app),
                origin="test",
            )
            await uow.commit()
        assert outcome.decision.verdict is expected
    async with app.deps.uow() as uow:
        entries = await trail(uow.session, "handover", started.handover.id)
    assert [e.action for e in entries].count("handover.accepted") == 1


async def test_decline_keeps_regie_and_needs_a_reason(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        with pytest.raises(UserError):
            await service.decline(
                uow.session,
                started.handover.id,
                receiver.id,
                reason="other",
                note="",
                now=clock.now(),
                origin="test",
            )
    async with app.deps.uow() as uow:
        outcome = await service.decline(
            uow.session,
            started.handover.id,
            receiver.id,
            reason="capacity",
            note="Mijn caseload is vol tot januari.",
            now=clock.now(),
            origin="test",
        )
        await uow.commit()
    assert outcome.changed and outcome.handover.state == State.DECLINED
    assert (await _case(app, started.case.id)).regie_holder_id == sender.id
    stored = await load(app, started.handover.id)
    assert (stored.decline_reason, stored.decline_note) == (
        "capacity",
        "Mijn caseload is vol tot januari.",
    )


async def test_only_the_sender_withdraws_and_only_the_receiver_answers(
    app: App, clock: FrozenClock
) -> None:
    sender, receiver, other = await trio(app)
    started = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        with pytest.raises(Forbidden):
            await service.withdraw(
                uow.session, started.handover.id, receiver.id, now=clock.now(), origin="t"
            )
        with pytest.raises(Forbidden):
            await service.accept(
                uow.session,
                started.handover.id,
                other.id,
                now=clock.now(),
                policy=policy(app),
                origin="t",
            )
        outcome = await service.withdraw(
            uow.session, started.handover.id, sender.id, now=clock.now(), origin="t"
        )
        await uow.commit()
    assert outcome.changed
    async with app.deps.uow() as uow:
        late = await service.accept(
            uow.session,
            started.handover.id,
            receiver.id,
            now=clock.now(),
            policy=policy(app),
            origin="t",
        )
    assert late.decision.verdict is Verdict.TOO_LATE
    assert late.handover.state == State.WITHDRAWN


async def test_withdraw_then_hand_over_the_same_case_again(app: App, clock: FrozenClock) -> None:
    sender, receiver, other = await trio(app)
    first = await send(app, sender, receiver)
    with pytest.raises(UserError) as waiting:
        await send(app, sender, other)
    assert "staat al een overdracht open naar {name}" in waiting.value.msgid
    assert waiting.value.values["name"] == "Joost de Wit"
    async with app.deps.uow() as uow:
        await service.withdraw(
            uow.session, first.handover.id, sender.id, now=clock.now(), origin="t"
        )
        await uow.commit()
    again = await send(app, sender, other)
    assert again.case.id == first.case.id and not again.new_case
    assert again.handover.receiver_id == other.id


async def test_regie_overdragen_needs_the_regie_holder(app: App, clock: FrozenClock) -> None:
    sender, receiver, other = await trio(app)
    started = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        await service.accept(
            uow.session,
            started.handover.id,
            receiver.id,
            now=clock.now(),
            policy=policy(app),
            origin="t",
        )
        await uow.commit()
    with pytest.raises(Forbidden):
        await send(app, sender, other, case_id=started.case.id)
    onward = await send(app, receiver, other, case_id=started.case.id, label="WN-77")
    assert onward.case.id == started.case.id
    async with app.deps.uow() as uow:
        await service.accept(
            uow.session,
            onward.handover.id,
            other.id,
            now=clock.now(),
            policy=policy(app),
            origin="t",
        )
        await uow.commit()
    assert (await _case(app, started.case.id)).regie_holder_id == other.id


@pytest.mark.parametrize("field", ["need", "reference_label"], ids=["need", "reference label"])
async def test_a_bsn_in_free_text_is_refused_by_the_domain(
    app: App, clock: FrozenClock, field: str
) -> None:
    sender, receiver, _ = await trio(app)
    values = {"need": "Hulp bij schulden.", "reference_label": "D-1"}
    values[field] = "inwoner 111222333"
    async with app.deps.uow() as uow:
        with pytest.raises(UserError) as refused:
            await service.start(
                uow.session,
                HandoverRequest(
                    sender_id=sender.id,
                    receiver_id=receiver.id,
                    themes=("schulden",),
                    consent=True,
                    **values,
                ),
                now=clock.now(),
                policy=policy(app),
                origin="t",
            )
    assert "BSN" in refused.value.msgid


async def test_a_bsn_in_a_decline_note_is_refused(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        with pytest.raises(UserError) as refused:
            await service.decline(
                uow.session,
                started.handover.id,
                receiver.id,
                reason="other",
                note="zie dossier 111 222 333",
                now=clock.now(),
                origin="t",
            )
    assert "BSN" in refused.value.msgid
    assert (await load(app, started.handover.id)).state == State.OPEN


async def test_no_consent_no_handover(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    async with app.deps.uow() as uow:
        with pytest.raises(UserError) as refused:
            await service.start(
                uow.session,
                HandoverRequest(
                    sender_id=sender.id,
                    receiver_id=receiver.id,
                    need="Hulp bij schulden.",
                    themes=(),
                    reference_label="D-1",
                    consent=False,
                ),
                now=clock.now(),
                policy=policy(app),
                origin="t",
            )
    assert "toestemming" in refused.value.msgid


async def test_same_label_from_the_same_organisation_to_others_is_a_conflict(
    app: App, clock: FrozenClock
) -> None:
    sender, receiver, other = await trio(app)
    from tests.support import make_person

    colleague = await make_person(app, "Els Visser", email="els@example.org")
    await send(app, sender, receiver, label="D-2026/0042")
    clash = await send(app, colleague, other, label="d 2026 0042")
    assert [h.receiver_id for h in clash.conflicts] == [receiver.id]
    same_receiver = await send(app, colleague, receiver, label="X-1")
    assert same_receiver.conflicts == ()
    assert label_key(" D-2026/0042 ") == "d20260042"


async def test_kennismaking_planned_then_held_once(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        with pytest.raises(UserError):
            await followup.kennismaking_held(
                uow.session, started.handover.id, sender.id, now=clock.now(), origin="t"
            )
        await service.accept(
            uow.session,
            started.handover.id,
            receiver.id,
            now=clock.now(),
            policy=policy(app),
            origin="t",
        )
        planned = await followup.plan_kennismaking(
            uow.session,
            started.handover.id,
            receiver.id,
            clock.now() + timedelta(days=2),
            now=clock.now(),
            policy=policy(app),
            origin="t",
        )
        first = await followup.kennismaking_held(
            uow.session, started.handover.id, sender.id, now=clock.now(), origin="t"
        )
        second = await followup.kennismaking_held(
            uow.session, started.handover.id, receiver.id, now=clock.now(), origin="t"
        )
        await uow.commit()
    assert planned.done and first.done and not second.done
    stored = await load(app, started.handover.id)
    assert stored.kennismaking_held_at == clock.now() and stored.kennismaking_due_at is None


async def test_closing_a_case_waits_for_open_handovers(app: App, clock: FrozenClock) -> None:
    sender, receiver, _ = await trio(app)
    started = await send(app, sender, receiver)
    async with app.deps.uow() as uow:
        case = await HandoverRepository(uow.session).case(started.case.id)
        assert case is not None
        assert not await followup.close_case(
            uow.session, case, sender.id, now=clock.now(), origin="t"
        )
        await service.withdraw(
            uow.session, started.handover.id, sender.id, now=clock.now(), origin="t"
        )
        assert await followup.close_case(uow.session, case, sender.id, now=clock.now(), origin="t")
        await uow.commit()
    assert (await _case(app, started.case.id)).closed_at == clock.now()
