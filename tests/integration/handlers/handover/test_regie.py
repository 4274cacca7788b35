"""/regie: where I hold regie, what waits for me, with ages; handing on, withdrawing, closing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import App
from core.clock import FrozenClock
from handovers.models import HandoverCase
from tests.integration.handlers.handover.network import NEED, last_for, network, send_to
from tests.support import Chat


async def test_regie_shows_cases_and_open_handovers_with_ages(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    chat.as_("f.elamrani")
    await chat.script([("/regie", ["geen regie over casussen", "/overdracht"])])
    await send_to(chat, "Joost de Wit")
    clock.advance(timedelta(hours=3))
    await chat.script(
        [
            (
                "/regie",
                [
                    "Regie bij jou:",
                    "casus #1 · D-2026-0042 · sinds 3 uur",
                    "overdracht naar Joost de Wit wacht op antwoord (3 uur)",
                    "Intrekken #1",
                ],
            )
        ]
    )
    chat.as_("joost")
    clock.advance(timedelta(days=2))
    await chat.script(
        [
            (
                "/regie",
                [
                    "Wacht op jouw antwoord:",
                    "casus #1 van Fatima el Amrani (2 dagen)",
                    "huurachterstand",
                    "Accepteren #1",
                ],
            ),
            ("1", ["Je hebt de overdracht geaccepteerd"]),
            (
                "/regie",
                [
                    "Regie bij jou:",
                    "sinds net",
                    "Kennismaking met Fatima nog niet vastgelegd",
                    "Kennismaking gepland #1",
                    "Kennismaking gehouden #1",
                ],
            ),
            ("1", ["Wanneer is de kennismaking?"]),
        ]
    )


async def test_regie_offers_bel_me_eerst_until_it_was_asked(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    overview = await chat.say("/regie")
    assert [b.label for b in overview.buttons] == [
        "Accepteren #1",
        "Niet aannemen #1",
        "Bel me eerst #1",
    ]
    asked = await chat.say("3")
    assert "Ik heb Fatima el Amrani gevraagd je te bellen" in asked.text
    assert "Joost de Wit wil eerst even met je bellen" in last_for(chat, "f.elamrani")
    again = await chat.say("/regie")
    assert [b.label for b in again.buttons] == ["Accepteren #1", "Niet aannemen #1"]


async def test_regie_buttons_stop_at_a_whole_case(app: App, chat: Chat) -> None:
    await network(app)
    for label in ("D-1", "D-2", "D-3"):
        await send_to(chat, "Joost de Wit", label=label)
    chat.as_("joost")
    overview = await chat.say("/regie")
    labels = [b.label for b in overview.buttons]
    # Three buttons per case and at most eight: two whole cases, not half of the third.
    assert labels == [
        "Accepteren #1",
        "Niet aannemen #1",
        "Bel me eerst #1",
        "Accepteren #2",
        "Niet aannemen #2",
        "Bel me eerst #2",
    ]
    assert "casus #3 van Fatima el Amrani" in overview.text
    assert "Niet elke casus past in de knoppen" in overview.text


async def test_regie_overdragen_hands_on_a_case_that_needs_acceptance(app: App, chat: Chat) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("1")
    await chat.script(
        [
            ("/regie overdragen 1", ["Wat heeft de inwoner nodig?"]),
            ("Hulp bij werk zoeken na de schuldregeling.", ["thema's"]),
            ("1", ["wijk"]),
            ("-", ["Aan wie draag je over?"]),
            ("Anna Bakker", ["kenmerk"]),
            ("WN-77", ["Weet de inwoner"]),
            ("ja", ["Verstuurd naar Anna Bakker (casus #1)", "De regie blijft bij jou"]),
        ]
    )
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
    assert case is not None and case.regie_holder_id == people.joost.id
    assert "Joost de Wit (Wijkteam Noord) wil een inwoner" in last_for(chat, "anna")
    chat.as_("anna")
    await chat.say("1")
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
    assert case is not None and case.regie_holder_id == people.anna.id
    chat.as_("joost")
    refused = await chat.say("/regie overdragen 1")
    assert "Je hebt geen regie over casus '1'" in refused.text


async def test_regie_intrekken_and_afsluiten(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("f.elamrani")
    blocked = await chat.say("/regie afsluiten 1")
    assert "staat nog een overdracht open" in blocked.text
    withdrawn = await chat.say("/regie intrekken D-2026-0042")
    assert "is ingetrokken" in withdrawn.text
    assert "heeft de overdracht ingetrokken" in last_for(chat, "joost")
    closed = await chat.say("/regie afsluiten #1")
    assert "Casus #1 is afgesloten" in closed.text
    assert "geen regie over casussen" in (await chat.say("/regie")).text
    assert "Dat ken ik niet bij /regie" in (await chat.say("/regie foo")).text


async def test_plain_language_finds_regie_and_overdracht(app: App, chat: Chat) -> None:
    await network(app)
    chat.as_("f.elamrani")
    assert "Regie" in (await chat.say("wie heeft de regie?")).title
    assert "Wat heeft de inwoner nodig?" in (await chat.say("ik wil een inwoner overdragen")).text


async def test_regie_overdragen_after_a_decline_keeps_the_question_and_skips_the_decliner(
    app: App, chat: Chat
) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("2")  # Niet aannemen
    await chat.say("2")  # geen ruimte
    await chat.say("-")
    chat.as_("f.elamrani")
    await chat.script(
        [
            ("/regie overdragen 1", ["Nu: De inwoner heeft een huurachterstand", "[-] Zo houden"]),
            ("-", ["thema's"]),  # Zo houden
            ("1", ["wijk"]),
        ]
    )
    proposals = [b.label for b in (await chat.say("-")).buttons]
    assert any(label.startswith("Anna Bakker") for label in proposals)
    assert not any(label.startswith("Joost de Wit") for label in proposals)
    await chat.script(
        [
            ("1", ["Nu: D-2026-0042"]),
            ("-", ["Weet de inwoner"]),
            ("ja", ["Verstuurd naar Anna Bakker (casus #1)"]),
        ]
    )
    assert "Kenmerk van Fatima: D-2026-0042" in last_for(chat, "anna")
    assert NEED in last_for(chat, "anna")


async def test_regie_shows_the_cases_i_handed_over_lately_and_who_holds_them(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await network(app)
    chat.as_("f.elamrani")
    await send_to(chat, "Joost de Wit")
    clock.advance(timedelta(hours=2))
    await chat.as_("joost").script([("1", ["Je hebt de overdracht geaccepteerd"])])
    handed_over = (
        "casus #1 · D-2026-0042 · overgedragen aan Joost de Wit, geaccepteerd op 24 november"
    )
    await chat.as_("f.elamrani").script(
        [
            (
                "/regie",
                [
                    "Kennismaking met Joost nog niet vastgelegd (casus #1)",
                    "Door jou overgedragen (laatste 30 dagen):",
                    handed_over,
                ],
            ),
            # The kennismaking is recorded: the case stays in view, with who holds it now.
            ("2", ["kennismaking"]),
        ]
    )
    clock.advance(timedelta(days=3))
    reply = await chat.say("/regie")
    assert "Kennismaking met Joost" not in reply.text
    assert handed_over in reply.text
    assert reply.data["handed_over"] == [1]
    # Joost closes the case: Fatima sees that too.
    await chat.as_("joost").script([("/regie afsluiten 1", ["afgesloten"])])
    reply = await chat.as_("f.elamrani").say("/regie")
    assert handed_over + "\n   afgesloten op 27 november" in reply.text
    # After thirty days it is history.
    clock.advance(timedelta(days=30))
    reply = await chat.say("/regie")
    assert "Door jou overgedragen" not in reply.text
    assert "geen regie over casussen" in reply.text
