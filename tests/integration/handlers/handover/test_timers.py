"""Handover timers in working time: reminder, escalation, expiry, kennismaking nudge, retention.

Time is a FrozenClock; a pass is what the ticker runs every few seconds in production.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from bot.bootstrap import App, build
from bot.render_text import render
from core.audit import trail
from core.clock import FrozenClock
from core.messages import Reply
from core.outbox import OutboxMessage
from handovers.models import Handover, HandoverCase
from tests.integration.handlers.handover.network import last_for, network, send_to
from tests.support import Chat

AMS = ZoneInfo("Europe/Amsterdam")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=AMS).astimezone(UTC)


async def tick(app: App) -> int:
    return await app.deps.registry.tickers["handovers.timers"](app.deps, app.deps.clock.now())


async def at(chat: Chat, clock: FrozenClock, moment: datetime) -> list[str]:
    """Move the clock, run a timer pass, deliver; the rendered messages that went out."""
    clock.set(moment)
    await tick(chat.app)
    return [f"{who}: {text}" for who, text in _render(await chat.deliver())]


def _render(sent: list[tuple[str, Reply]]) -> list[tuple[str, str]]:
    return [(who, render(reply)) for who, reply in sent]


async def _handover(app: App) -> Handover:
    async with app.deps.uow() as uow:
        found = await uow.session.scalar(select(Handover))
        assert found is not None
        return found


async def _outbox(app: App, kind: str) -> int:
    async with app.deps.uow() as uow:
        return int(
            await uow.session.scalar(
                select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == kind)
            )
            or 0
        )


async def test_reminder_then_escalation_count_working_hours(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")  # Tuesday 24 Nov 10:00
    assert await at(chat, clock, local(2026, 11, 25, 9, 29)) == []
    sent = await at(chat, clock, local(2026, 11, 25, 9, 30))
    assert len(sent) == 1 and sent[0].startswith("joost: ")
    assert "Herinnering: Fatima el Amrani wacht nog op je antwoord" in sent[0]
    assert "[1] Accepteren" in sent[0]
    # Escalation: eight working hours after the reminder (Thursday 09:00).
    assert await at(chat, clock, local(2026, 11, 26, 8, 59)) == []
    sent = await at(chat, clock, local(2026, 11, 26, 9, 0))
    assert sorted(s.split(":")[0] for s in sent) == ["f.elamrani", "olga"]
    to_olga = next(s for s in sent if s.startswith("olga"))
    assert "Hulp gevraagd bij een warme overdracht" in to_olga
    assert "Joost de Wit (Wijkteam Noord)" in to_olga and "Schulden" in to_olga
    to_fatima = next(s for s in sent if s.startswith("f.elamrani"))
    assert "Joost de Wit heeft nog niet gereageerd" in to_fatima
    assert "Ik heb Olga Mulder (oliemannetje) gevraagd mee te helpen" in to_fatima
    assert "De regie blijft bij jou" in to_fatima
    assert await at(chat, clock, local(2026, 11, 26, 12, 0)) == []
    handover = await _handover(app)
    assert handover.state == "open" and handover.escalated_to_id is not None


async def test_christmas_eve_waits_for_the_weekend_and_both_christmas_days(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    clock.set(local(2026, 12, 24, 15, 0))  # Thursday afternoon before Christmas
    await send_to(chat, "Joost de Wit")
    for quiet in (
        local(2026, 12, 24, 23, 0),
        local(2026, 12, 25, 12, 0),  # Eerste Kerstdag
        local(2026, 12, 26, 12, 0),  # Tweede Kerstdag (a Saturday)
        local(2026, 12, 27, 20, 0),  # Sunday
        local(2026, 12, 28, 14, 29),
    ):
        assert await at(chat, clock, quiet) == [], quiet
    reminded = await at(chat, clock, local(2026, 12, 28, 14, 30))
    assert [s.split(":")[0] for s in reminded] == ["joost"]
    assert await at(chat, clock, local(2026, 12, 29, 13, 59)) == []
    escalated = await at(chat, clock, local(2026, 12, 29, 14, 0))
    assert sorted(s.split(":")[0] for s in escalated) == ["f.elamrani", "olga"]


async def test_an_unanswered_handover_expires_and_the_sender_keeps_regie(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    sent = await at(chat, clock, local(2026, 12, 8, 10, 0))  # ten working days later
    by = {s.split(":")[0]: s for s in sent}
    assert set(by) == {"f.elamrani", "joost"}
    assert "Joost de Wit heeft niet op de overdracht gereageerd" in by["f.elamrani"]
    assert "Anna Bakker" in by["f.elamrani"] and "[1] Opnieuw overdragen" in by["f.elamrani"]
    assert "is verlopen omdat er geen antwoord kwam" in by["joost"]
    handover = await _handover(app)
    assert handover.state == "expired"
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
    assert case is not None and case.regie_holder_id == people.fatima.id
    chat.as_("joost")
    chat._console._buttons_for["joost"] = ()
    from core.messages import Action, Invocation

    late = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="joost",
            chat="console:joost",
            action=Action("handover.accept", str(handover.id)),
        )
    )
    assert late.text == "Deze overdracht is verlopen."


async def test_kennismaking_nudge_then_the_check_after_the_planned_moment(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("1")  # accept on Tuesday 24 Nov 10:00
    assert await at(chat, clock, local(2026, 12, 1, 9, 59)) == []
    nudged = await at(chat, clock, local(2026, 12, 1, 10, 0))
    assert len(nudged) == 1 and nudged[0].startswith("joost: ")
    assert "Is de kennismaking met Fatima el Amrani en de inwoner al gepland" in nudged[0]
    assert await at(chat, clock, local(2026, 12, 2, 10, 0)) == []
    chat.as_("joost")
    await chat.say("1")
    planned = await chat.say("vrijdag 4 december 11:00")
    assert "vrijdag 4 december 11:00" in planned.text
    assert await at(chat, clock, local(2026, 12, 7, 10, 59)) == []
    check = await at(chat, clock, local(2026, 12, 7, 11, 0))
    assert "stond gepland op vrijdag 4 december 11:00" in check[0]
    assert "Is die doorgegaan?" in check[0]
    chat.as_("joost")
    assert "De warme overdracht is rond" in (await chat.say("2")).text
    assert await at(chat, clock, local(2027, 1, 4, 10, 0)) == []


async def test_retention_removes_free_text_but_keeps_status_and_audit(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("2")
    await chat.say("4")
    await chat.say("Ik werk alleen met jongeren.")
    chat.as_("f.elamrani")
    await chat.say("/regie afsluiten 1")
    await at(chat, clock, clock.now() + timedelta(days=364))
    kept = await _handover(app)
    assert kept.need and kept.decline_note and kept.reference_label
    await at(chat, clock, clock.now() + timedelta(days=2))
    purged = await _handover(app)
    assert (purged.need, purged.decline_note, purged.reference_label) == (None, None, None)
    assert purged.state == "declined" and purged.decline_reason == "other"
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
        actions = [e.action for e in await trail(uow.session, "handover", purged.id)]
    assert case is not None and case.reference_label is None and case.closed_at is not None
    assert actions == ["handover.created", "handover.declined", "retention.text_purged"]


async def test_a_restart_loses_no_timer(app: App, chat: Chat, clock: FrozenClock) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    await app.close()
    later = FrozenClock(local(2026, 11, 25, 12, 0))
    restarted = build(app.settings, clock=later, rng=random.Random(1))
    try:
        again = Chat(restarted, "joost")
        done = await restarted.ticker.run_pass()  # type: ignore[union-attr]
        assert done["handovers.timers"] == 1
        sent = await again.deliver()
        assert [who for who, _ in sent] == ["joost"]
        assert "Herinnering" in last_for(again, "joost")
        assert (await restarted.ticker.run_pass())["handovers.timers"] == 0  # type: ignore[union-attr]
    finally:
        await restarted.close()


async def test_two_leaders_at_once_send_each_timer_once(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    clock.set(local(2026, 11, 25, 9, 30))
    second = build(app.settings, clock=clock, rng=random.Random(2))
    try:
        ticker = app.deps.registry.tickers["handovers.timers"]
        results = await asyncio.gather(
            ticker(app.deps, clock.now()),
            ticker(second.deps, clock.now()),
            ticker(app.deps, clock.now()),
        )
        assert sum(results) == 1
        assert await _outbox(app, "handover.reminder") == 1
    finally:
        await second.close()


async def test_without_an_oliemannetje_the_receivers_procesregisseur_is_asked(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    from directory.models import Person
    from tests.support import make_person

    people = await network(app)
    async with app.deps.uow() as uow:
        olga = await uow.session.get(Person, people.olga.id)
        assert olga is not None
        olga.roles = []
        await uow.commit()
    await make_person(
        app, "Ria Smit", email="ria@example.org", organisation="Wijkteam Zuid",
        roles=["procesregisseur"],
    )  # fmt: skip
    await make_person(
        app, "Bert Kok", email="bert@example.org", organisation="Wijkteam Noord",
        roles=["procesregisseur"],
    )  # fmt: skip
    await send_to(chat, "Joost de Wit")
    await at(chat, clock, local(2026, 11, 25, 9, 30))
    escalated = await at(chat, clock, local(2026, 11, 26, 9, 0))
    assert sorted(s.split(":")[0] for s in escalated) == ["bert", "f.elamrani"]
    assert "Ik heb Bert Kok (procesregisseur) gevraagd" in next(
        s for s in escalated if s.startswith("f.elamrani")
    )
