"""Scripted console conversations: plan a dialoogtafel, invite a mix, answer, see the table."""

from __future__ import annotations

from datetime import UTC, timedelta

from icalendar import Calendar
from sqlalchemy import select

from bot.bootstrap import App
from bot.render_text import render
from core.clock import FrozenClock
from core.messages import Invocation
from handlers.casus.questions import erase_old_cases
from scheduler.models import CasusItem
from tests.integration.scheduler.helpers import local, plan
from tests.support import Chat, make_person


async def _people(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"])
    await make_person(
        app,
        "Joost de Wit",
        email="joost@example.org",
        organisation="Sociaal Wijkteam Noord",
        themes=["schulden"],
    )
    await make_person(
        app,
        "Anja Bos",
        email="anja@example.org",
        organisation="Cliëntenraad",
        themes=["wonen"],
        roles=["ervaringsdeskundige"],
    )
    await make_person(
        app,
        "Piet Klaassen",
        email="piet@example.org",
        organisation="Woonstede",
        themes=["schulden"],
    )


async def test_plan_a_dialoogtafel_invite_a_mix_and_answer(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.script(
        [
            ("/plan", ["Bijeenkomst plannen", "Vraag 1 van 10", "Dialoogtafel"]),
            ("2", ["Vraag 2 van 10", "Hoe heet de bijeenkomst?"]),
            ("Schulden en schaamte", ["Vraag 3 van 10", "thema"]),
            ("schulden", ["Vraag 4 van 10", "wijk"]),
            ("-", ["Vraag 5 van 10", "di 8 dec 14:00"]),
            ("di 8 dec 14:00", ["Vraag 6 van 10", "1,5 uur"]),
            ("3", ["Vraag 7 van 10", "elke 2e dinsdag van de maand", "elke week op dinsdag"]),
            # Once: no holiday question, and the count says so.
            ("1", ["Vraag 8 van 9", "videolink"]),
            ("Wijkcentrum De Schakel", ["Vraag 9 van 9", "plaatsen"]),
            (
                "3",
                [
                    "== Dialoogtafel: Schulden en schaamte ==",
                    "Gepland! Collega's melden zich aan met /agenda 1.",
                    "dinsdag 8 december 14:00–15:30 (eenmalig)",
                    "📍 Wijkcentrum De Schakel",
                    "Plaatsen: 0 van 3 bezet",
                    "Voorstel voor een gemengde tafel",
                    "Anja Bos — Cliëntenraad, ervaringsdeskundige",
                    "3 mensen uit 3 organisaties.",
                    "[1] Uitnodiging versturen",
                    "📎 dialoogtafel-1.ics",
                ],
            ),
        ]
    )
    calendar = Calendar.from_ical(chat.replies[-1].attachments[0].content)
    [event] = calendar.walk("VEVENT")
    assert event["SUMMARY"] == "Schulden en schaamte"
    assert event.decoded("DTSTART") == local(2026, 12, 8, 14, 0)
    await chat.script([("1", ["Ik heb 3 mensen uitgenodigd"])])

    assert "Fatima el Amrani nodigt je uit. Kom je?" in chat.messages_for("joost")[0]
    await chat.as_("joost").script([("1", ["Genoteerd: je komt.", "Plaatsen: 1 van 3 bezet"])])
    await chat.as_("anja").script([("1", ["Genoteerd: je komt.", "Plaatsen: 2 van 3 bezet"])])
    await chat.as_("piet").script([("3", ["Genoteerd: misschien", "Je komt misschien."])])
    await chat.as_("f.elamrani").script(
        [
            (
                "/agenda deelnemers 1",
                [
                    "Komen (2 / 3):",
                    "Joost de Wit — Sociaal Wijkteam Noord",
                    "Misschien:\n  • Piet Klaassen — Woonstede",
                    "De mix aan tafel:",
                    "2 mensen uit 2 organisaties.",
                    "Rollen: ervaringsdeskundige (1)",
                ],
            ),
            ("/agenda", ["Je agenda", "Dialoogtafel: Schulden en schaamte (#1)"]),
        ]
    )
    await chat.as_("joost").script([("/agenda", ["Schulden en schaamte (#1)", "jij: ja"])])


async def test_a_table_of_one_on_schulden_proposes_someone_on_schulden(
    app: App, chat: Chat
) -> None:
    await _people(app)
    for line in ("/plan", "2", "Schulden", "schulden", "-", "di 8 dec 14:00", "2", "1"):
        await chat.say(line)
    await chat.say("Wijkcentrum De Schakel")
    planned = render(await chat.say("1"))
    assert "Plaatsen: 0 van 1 bezet" in planned
    proposal = planned.split("Voorstel voor een gemengde tafel", 1)[1]
    # Anja is an ervaringsdeskundige who works on wonen: a table of one is for the theme.
    # Fatima organises; Joost and Piet work on schulden.
    seated = [name for name in ("Anja Bos", "Joost de Wit", "Piet Klaassen") if name in proposal]
    assert seated in (["Joost de Wit"], ["Piet Klaassen"]), proposal


async def test_a_number_typed_for_a_text_question_is_the_answer_not_a_button(
    app: App, chat: Chat
) -> None:
    await _people(app)
    for line in ("/plan", "1", "Netwerk Noord", "-", "Noord", "1 dec 14:00", "2", "2", "2"):
        await chat.say(line)
    await chat.script(
        [
            ("Wijkcentrum De Schakel", ["Vraag 10 van 10", "plaatsen", "[stop] Annuleren"]),
            ("1", ["Gepland!", "Plaatsen: 0 van 1 bezet"]),
        ]
    )


async def test_a_title_that_names_the_kind_is_not_repeated(app: App, chat: Chat) -> None:
    await _people(app)
    for line in ("/plan", "2", "Dialoogtafel schulden", "schulden", "-", "1 dec 14:00", "2"):
        await chat.say(line)
    await chat.script(
        [
            ("3", ["feestdag", "die keer vervalt", "naar de volgende werkdag"]),
            ("1", ["Waar?"]),
            ("Wijkcentrum De Schakel", ["Geen maximum? Sla deze vraag over."]),
        ]
    )
    planned = render(await chat.say("-"))
    assert "== Dialoogtafel schulden ==" in planned
    assert "Dialoogtafel: Dialoogtafel" not in planned


async def test_a_wrong_date_is_asked_again_without_starting_over(app: App, chat: Chat) -> None:
    await _people(app)
    for line in ("/plan", "1", "Netwerk Noord", "-", "Noord", "31 nov 14:00", "2", "2", "2"):
        await chat.say(line)
    await chat.say("https://meet.example.org/noord")
    await chat.script(
        [
            ("-", ["Eén antwoord klopt nog niet", "Vraag 1 van 1", "Die datum bestaat niet"]),
            ("1 dec 14:00", ["Gepland!", "dinsdag 1 december 14:00–15:00 (elke week op dinsdag)"]),
            ("/agenda 1", ["https://meet.example.org/noord", "Wijk: Noord"]),
        ]
    )


async def test_agenda_shows_this_channels_meetings_and_everything(app: App, chat: Chat) -> None:
    await _people(app)
    fatima = 1
    await plan(
        app,
        fatima,
        local(2026, 12, 2, 10, 0),
        title="Kanaaloverleg",
        platform="console",
        chat="kanaal-noord",
    )
    await plan(app, 2, local(2026, 12, 3, 10, 0), title="Intervisie Joost", kind="intervisie")
    in_channel = await app.dispatcher.handle(
        Invocation(
            platform="console", account="piet", chat="kanaal-noord", text="/agenda", is_direct=False
        )
    )
    assert "Kanaaloverleg" in render(in_channel) and "Intervisie" not in render(in_channel)
    await chat.as_("piet").script(
        [
            ("/agenda", ["Je hebt de komende tijd geen bijeenkomsten"]),
            ("/agenda alles", ["Kanaaloverleg (#1)", "— Intervisie Joost (#2)"]),
            ("1", ["== Netwerkbijeenkomst: Kanaaloverleg ==", "Kom je?"]),
            ("/agenda 99", ["Ik ken geen bijeenkomst met nummer 99."]),
            ("/agenda feest", ["Noem het nummer van de bijeenkomst"]),
        ]
    )


async def test_series_change_and_stop_reach_everyone_who_comes(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await _people(app)
    meeting = await plan(
        app, 1, local(2026, 12, 1, 14, 0), title="Netwerk Schulden", rrule="FREQ=WEEKLY;BYDAY=TU"
    )
    await chat.as_("joost").script([("/agenda 1", ["Kom je?"]), ("1", ["Je komt."])])
    await chat.as_("f.elamrani").script(
        [
            ("/agenda 1", ["Reeks wijzigen", "Reeks stoppen"]),
            ("7", ["Reeks wijzigen", "Vraag 1 van 5"]),
            ("-", ["Vraag 2 van 5"]),
            ("15:00", ["Vraag 3 van 5"]),
            ("-", ["Vraag 4 van 5"]),
            ("-", ["Vraag 5 van 5"]),
            (
                "-",
                ["Gewijzigd. Ik heb 1 persoon op de hoogte gebracht.", "dinsdag 1 december 15:00"],
            ),
        ]
    )
    assert "nu op dinsdag 1 december 15:00–16:30" in chat.messages_for("joost")[-1]
    await chat.as_("joost").script([("/agenda 1", ["15:00", "Je komt."])])  # the answer moved along
    await chat.as_("f.elamrani").script(
        [
            ("/agenda 1", ["Reeks stoppen"]),
            ("8", ["Weet je zeker dat de hele reeks Netwerk Schulden stopt?"]),
            ("2", ["Goed, er verandert niets."]),
            ("/agenda 1", ["Reeks stoppen"]),
            ("8", ["Weet je zeker"]),
            ("1", ["De reeks is gestopt. Ik heb 1 persoon op de hoogte gebracht."]),
        ]
    )
    assert (
        "stopt: er komen geen bijeenkomsten van deze reeks meer" in chat.messages_for("joost")[-1]
    )
    assert meeting.id == 1


async def test_casus_on_the_agenda_of_the_next_casuistiekoverleg(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await _people(app)
    await chat.as_("joost").script(
        [
            (
                "/casus Jongere van 17 valt tussen Jeugdwet en Wmo",
                ["Er staat nog geen casuïstiekoverleg gepland"],
            )
        ]
    )
    await plan(
        app,
        1,
        local(2026, 12, 10, 13, 0),
        kind="casuistiekoverleg",
        title="Casuïstiek Noord",
        rrule="FREQ=MONTHLY;BYDAY=+2TH",
    )
    await chat.as_("joost").script(
        [
            ("/casus", ["Beschrijf de casus in een paar zinnen"]),
            ("/casus inwoner met nummer 111222333", ["BSN"]),
            (
                "/casus Jongere van 17 valt tussen Jeugdwet en Wmo; wie pakt regie?",
                [
                    "Je casus staat op de agenda van Casuïstiek Noord op donderdag 10 december",
                    "De organisator ziet hem",
                ],
            ),
        ]
    )
    assert "Er staat een nieuwe casus op de agenda" in chat.messages_for("f.elamrani")[-1]
    await chat.as_("f.elamrani").script(
        [
            (
                "/casus lijst",
                [
                    "Casussen op de agenda (1):",
                    "1. Jongere van 17 valt tussen Jeugdwet en Wmo; wie pakt regie?",
                    "ingebracht door Joost de Wit",
                ],
            )
        ]
    )
    await chat.as_("piet").script([("/casus lijst 1", ["Alleen de organisator"])])
    await chat.as_("piet").script([("/casus lijst", ["Alleen de organisator ziet de casussen"])])
    # Retention: some days after the session the text is erased; the count stays.
    clock.set(local(2026, 12, 10, 13, 0) + timedelta(days=31))
    assert await erase_old_cases(app.deps, clock.now()) == 1
    async with app.deps.uow() as uow:
        [item] = list(await uow.session.scalars(select(CasusItem)))
    assert item.question is None and item.erased_at == clock.now().astimezone(UTC)


async def test_a_case_can_be_withdrawn_by_who_brought_it(app: App, chat: Chat) -> None:
    await _people(app)
    await plan(
        app, 1, local(2026, 12, 10, 13, 0), kind="casuistiekoverleg", title="Casuïstiek Noord"
    )
    first = await chat.as_("joost").say("/casus Jongere van 17 valt tussen Jeugdwet en Wmo")
    reply = await chat.as_("joost").say("/casus Gezin met schulden en een uithuiszetting dreigt")
    item = reply.data["casus_id"]
    await chat.as_("piet").script([(f"/casus intrekken {item}", ["Ik vind geen casus"])])
    before = len(chat.messages_for("f.elamrani"))
    await chat.as_("joost").script([(f"/casus intrekken {item}", ["van de agenda gehaald"])])
    # The organiser hears it, briefly: no case text and no name.
    told = chat.messages_for("f.elamrani")[before:]
    assert len(told) == 1
    assert "Er is een casus van de agenda van do 10 dec 13:00 gehaald (1 over)" in told[0]
    assert "/casus lijst 1" in told[0]
    assert "uithuiszetting" not in told[0] and "Joost" not in told[0]
    await chat.as_("joost").script([(f"/casus intrekken {item}", ["Ik vind geen casus"])])
    assert len(chat.messages_for("f.elamrani")) == before + 1
    # The organiser sees only what is still on the agenda, not an 'erased' withdrawn item.
    listed = render(await chat.as_("f.elamrani").say("/casus lijst 1"))
    assert "Casussen op de agenda (1):" in listed
    assert "Jeugdwet en Wmo" in listed
    assert "uithuiszetting" not in listed and "bewaartermijn" not in listed
    await chat.as_("joost").say(f"/casus intrekken {first.data['casus_id']}")
    assert "Er staan nu geen casussen meer op" in chat.messages_for("f.elamrani")[-1]


async def test_the_card_speaks_english_to_who_chose_english(app: App, chat: Chat) -> None:
    await _people(app)
    await make_person(
        app, "Emma Jones", email="emma@example.org", organisation="GGD", language="en"
    )
    await plan(
        app,
        1,
        local(2026, 12, 8, 14, 0),
        kind="dialoogtafel",
        title="Schulden",
        rrule="FREQ=MONTHLY;BYDAY=+2TU",
        seat_limit=8,
    )
    await chat.as_("emma").script(
        [
            (
                "/agenda 1",
                [
                    "Dialogue table: Schulden",
                    "Tuesday 8 December 14:00–15:30 (every 2nd Tuesday of the month)",
                    "Seats: 0 of 8 taken",
                    "Are you coming? Tap yes, no or maybe.",
                    "[1] Yes",
                ],
            ),
            ("1", ["Noted: you're coming.", "You are coming."]),
        ]
    )


async def test_asking_in_plain_words_opens_the_agenda(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.script(
        [
            ("welke bijeenkomsten zijn er?", ["Je agenda"]),
            ("wat staat er in mijn agenda", ["Je agenda"]),
            ("wanneer is de volgende netwerkbijeenkomst?", ["Je agenda"]),
            ("mijn agenda?", ["Je agenda"]),
        ]
    )
