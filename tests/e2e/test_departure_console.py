"""A regie-holder leaves, in the console: the successor accepts, the case moved, /bel names
the successor, /wie no longer shows the leaver, and cases nobody took reach the oliemannetje."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import AuditEntry
from core.clock import FrozenClock
from directory.models import Person
from handovers.models import Handover, HandoverCase
from tests.integration.handlers.handover.network import last_for, latest_handover, network, send_to
from tests.support import Chat


async def _accepted_case(chat: Chat) -> None:
    """Fatima hands a case to Joost, who accepts: Joost holds regie."""
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("1")


async def test_a_regie_holder_leaves_and_the_successor_accepts(app: App, chat: Chat) -> None:
    people = await network(app)
    await _accepted_case(chat)
    chat.as_("joost")
    await chat.script(
        [
            (
                "/ik vertrek per vandaag, opvolger Anna Bakker",
                ["Je staat vanaf nu niet meer in de sociale kaart", "aangeboden", "Anna Bakker"],
            ),
        ]
    )
    offer = last_for(chat, "anna")
    assert "Warme overdracht van Joost de Wit" in offer
    assert "[1] Accepteren" in offer
    assert any("Je bent opvolger van Joost de Wit" in m for m in chat.messages_for("anna"))

    chat.as_("anna")
    await chat.script([("1", ["Je hebt de overdracht geaccepteerd", "Jij hebt nu de regie"])])
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
        joost = await uow.session.get(Person, people.joost.id)
    assert case is not None and case.regie_holder_id == people.anna.id
    assert joost is not None and not joost.active and joost.left_at is not None

    chat.as_("f.elamrani")
    await chat.script(
        [
            (
                "/bel Joost de Wit",
                ["Joost de Wit werkt hier niet meer; bel Anna Bakker", "06 1234 5672"],
            ),
            ("/wie wonen", []),
        ]
    )
    assert "Joost de Wit" not in chat.replies[-1].text + "".join(
        c.name for c in chat.replies[-1].cards
    )
    async with app.deps.uow() as uow:
        actions = list(
            await uow.session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.object_type == "person",
                    AuditEntry.object_id == str(people.joost.id),
                )
            )
        )
    assert "person.leaving_announced" in actions and "person.left" in actions


async def test_open_handovers_are_readdressed_and_the_sender_is_told(app: App, chat: Chat) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")  # open, waiting for Joost
    chat.as_("olga")
    await chat.script(
        [("/beheer vertrek Joost de Wit per vandaag", ["Dit kan alleen een beheerder"])]
    )
    async with app.deps.uow() as uow:
        olga = await uow.session.get(Person, people.olga.id)
        assert olga is not None
        olga.is_admin = True
        await uow.commit()
    await chat.script(
        [
            (
                "/beheer vertrek Joost de Wit per vandaag, opvolger Anna Bakker",
                ["Joost de Wit staat vanaf nu niet meer in de sociale kaart"],
            )
        ]
    )
    told = last_for(chat, "f.elamrani")
    assert "Joost de Wit werkt hier niet meer" in told and "Anna Bakker" in told
    newest = await latest_handover(app)
    assert newest.receiver_id == people.anna.id and newest.sender_id == people.fatima.id
    async with app.deps.uow() as uow:
        states = sorted(h.state for h in await uow.session.scalars(select(Handover)))
    assert states == ["open", "withdrawn"]
    assert "Warme overdracht van Fatima el Amrani" in last_for(chat, "anna")


async def test_a_future_departure_happens_on_its_date_and_unclaimed_regie_reaches_the_oliemannetje(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    people = await network(app)
    await _accepted_case(chat)
    chat.as_("joost")
    await chat.script([("/ik vertrek per 1 december", ["Genoteerd: je vertrekt per 1 december"])])
    async with app.deps.uow() as uow:
        joost = await uow.session.get(Person, people.joost.id)
    assert joost is not None and joost.active  # not yet
    clock.advance(timedelta(days=7))
    await app.deps.registry.tickers["departures.due"](app.deps, clock.now())
    await chat.deliver()
    async with app.deps.uow() as uow:
        joost = await uow.session.get(Person, people.joost.id)
    assert joost is not None and not joost.active
    # No successor: the case has no holder who works here; the oliemannetje hears it.
    notice = last_for(chat, "olga")
    assert "Casus zonder regiehouder" in notice and "[1] Regie overnemen #1" in notice
    chat.as_("olga")
    await chat.script(
        [
            ("/regie", ["Zonder regiehouder", "/regie overnemen 1"]),
            ("/regie overnemen 1", ["Jij hebt nu de regie over casus #1"]),
        ]
    )
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
    assert case is not None and case.regie_holder_id == people.olga.id


async def test_after_the_retention_period_the_leaver_is_erased_and_pseudonymised(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    people = await network(app)
    chat.as_("joost")
    await chat.say("/ik vertrek per vandaag, opvolger Anna Bakker")
    retention = app.deps.registry.tickers["departures.retention"]
    assert await retention(app.deps, clock.now()) == 0  # still within the period
    chat.as_("f.elamrani")
    await chat.script([("/bel Joost", ["bel Anna Bakker"])])
    clock.advance(timedelta(days=app.settings.directory.departed_retention_days + 1))
    assert await retention(app.deps, clock.now()) == 1
    await chat.script([("/bel Joost de Wit", ["Ik vond niemand"])])
    async with app.deps.uow() as uow:
        joost = await uow.session.get(Person, people.joost.id)
        left = await uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "person.left")
        )
    assert joost is not None and joost.erased_at is not None and joost.name == "(verwijderd)"
    assert left is not None and left.object_id.startswith("pseudonym:")
