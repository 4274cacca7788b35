"""A full warm handover in the console, from the question to the kennismaking."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import trail
from directory.models import Acquaintance
from handovers.models import Handover, HandoverCase
from tests.integration.handlers.handover.network import NEED, network
from tests.support import Chat


async def test_a_warm_handover_from_request_to_kennismaking(app: App, chat: Chat) -> None:
    people = await network(app)
    await chat.script(
        [
            ("/overdracht", ["Warme overdracht", "Wat heeft de inwoner nodig?", "Geen namen"]),
            (NEED, ["Over welke thema's", "Schulden"]),
            ("1", ["In welke wijk", "Typ - om over te slaan"]),
            ("Noord", ["Aan wie draag je over?", "Joost de Wit — Wijkteam Noord"]),
            ("1", ["Jouw eigen kenmerk", "Nooit een BSN"]),
            ("D-2026-0042", ["Weet de inwoner van deze overdracht"]),
            ("ja", ["Verstuurd naar Joost de Wit", "De regie blijft bij jou", "06 1234 5671"]),
        ]
    )
    request = chat.messages_for("joost")[-1]
    for piece in (
        "Warme overdracht van Fatima el Amrani",
        NEED,
        "Kenmerk van Fatima: D-2026-0042",
        "Bel even met Fatima: 06 1234 5670 (nu bereikbaar tot 17:00)",
        "[1] Accepteren",
        "[2] Niet aannemen",
        "[3] Bel me eerst",
    ):
        assert piece in request

    chat.as_("joost")
    await chat.script(
        [("1", ["Je hebt de overdracht geaccepteerd", "Jij hebt nu de regie", "kennismaking"])]
    )
    told = chat.messages_for("f.elamrani")[-1]
    assert "Joost de Wit heeft de overdracht geaccepteerd" in told
    assert "[1] Kennismaking gepland" in told

    chat.as_("f.elamrani")
    await chat.script(
        [
            ("1", ["Wanneer is de kennismaking?"]),
            ("do 26-11 10:00", ["Genoteerd", "donderdag 26 november 10:00"]),
        ]
    )
    assert "gepland op donderdag 26 november 10:00" in chat.messages_for("joost")[-1]

    chat.as_("joost")
    await chat.script(
        [
            ("2", ["Vastgelegd: de kennismaking is geweest"]),
            ("/regie", ["Regie bij jou", "casus #1 · D-2026-0042"]),
        ]
    )
    assert "kennismaking is geweest" in chat.messages_for("f.elamrani")[-1]

    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
        handover = await uow.session.scalar(select(Handover))
        known = await uow.session.scalar(select(Acquaintance))
        actions = [e.action for e in await trail(uow.session, "handover", handover.id)]
    assert case is not None and case.regie_holder_id == people.joost.id
    assert known is not None
    assert actions == [
        "handover.created",
        "handover.accepted",
        "handover.kennismaking_planned",
        "handover.kennismaking_held",
    ]
