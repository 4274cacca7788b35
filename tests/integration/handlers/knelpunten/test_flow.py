"""A knelpunt from report to outcome, as the reporter, the oliemannetje and a colleague see it."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import AuditEntry, trail
from core.messages import Invocation
from knelpunten.models import Knelpunt
from tests.support import Chat, make_person


async def _people(app: App) -> dict[str, int]:
    fatima = await make_person(
        app,
        "Fatima el Amrani",
        email="f.elamrani@example.org",
        themes=["schulden"],
        phone="+31380010157",
    )
    ricardo = await make_person(
        app,
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
        themes=["wmo"],
        roles=["oliemannetje"],
        phone="+31380011390",
    )
    ingrid = await make_person(
        app,
        "Ingrid Veldkamp",
        email="i.veldkamp@example.org",
        themes=["werk"],
        roles=["oliemannetje"],
    )
    joost = await make_person(app, "Joost de Wit", email="joost@example.org", themes=["wonen"])
    return {"fatima": fatima.id, "ricardo": ricardo.id, "ingrid": ingrid.id, "joost": joost.id}


async def test_report_take_support_and_outcome(app: App, chat: Chat) -> None:
    ids = await _people(app)
    await chat.script(
        [
            (
                "/knelpunt Wmo: de aanvraag voor een traplift kan alleen op papier",
                [
                    "Knelpunt #1 ontvangen",
                    "oliemannetje van Wmo: Ricardo Doelwijt",
                    "Je hoort van mij wie het oppakt",
                ],
            ),
        ]
    )
    # Only the Wmo oliemannetje hears about it, with buttons to take it on.
    notice = chat.messages_for("r.doelwijt")
    assert len(notice) == 1
    assert "Nieuw knelpunt #1 · Wmo" in notice[0]
    assert "traplift kan alleen op papier" in notice[0]
    assert "Gemeld door Fatima el Amrani (Gemeente Groenwater)" in notice[0]
    assert "Bel gerust: 038 001 0157" in notice[0]
    assert "[1] Ik pak dit op" in notice[0] and "[2] Ik loop hier ook tegenaan" in notice[0]
    assert chat.messages_for("i.veldkamp") == []

    # A colleague runs into it too: counted once, however often they say so.
    await chat.as_("joost").script(
        [
            ("/knelpunt ook 1", ["jij loopt ook tegen knelpunt #1 aan", "Nu lopen 2 mensen"]),
            ("/knelpunt ook #1", ["Je had al aangegeven", "Nu lopen 2 mensen"]),
        ]
    )
    await chat.as_("f.elamrani").script([("/knelpunt ook 1", ["Je hebt knelpunt #1 zelf gemeld"])])

    # The oliemannetje takes it on from the message's button; the reporter hears who.
    await chat.as_("r.doelwijt").script(
        [
            (
                "1",
                [
                    "Je hebt knelpunt #1 opgepakt",
                    "Bel gerust: 038 001 0157",
                    "Opgelost",
                    "Structureel opgepakt",
                    "Niet aan te passen",
                ],
            )
        ]
    )
    taken = chat.messages_for("f.elamrani")
    assert len(taken) == 1
    assert "Knelpunt #1: in behandeling" in taken[0]
    assert "Ricardo Doelwijt (Gemeente Groenwater) pakt je knelpunt op" in taken[0]
    assert "Bel gerust: 038 001 1390" in taken[0]

    # A second press (or another oliemannetje) cannot take it again.
    await chat.as_("i.veldkamp").script(
        [
            (
                "/knelpunt 1",
                [
                    "Knelpunt #1 · in behandeling",
                    "2 mensen lopen hier tegenaan",
                    "Opgepakt door Ricardo Doelwijt",
                ],
            )
        ]
    )
    assert "Ik pak dit op" not in chat.messages_for("i.veldkamp")

    # The outcome needs an explanation; the reporter and the colleague both get it.
    await chat.as_("r.doelwijt").script(
        [
            ("/knelpunt 1", ["[1] Opgelost", "[2] Structureel opgepakt"]),
            ("2", ["Knelpunt #1: structureel opgepakt", "Wat is er gedaan"]),
            ("-", ["Deze vraag is verplicht"]),
            (
                "We passen het formulier aan: vanaf januari kan het digitaal.",
                ["Knelpunt #1 staat nu op: structureel opgepakt", "2 mensen krijgen je uitleg"],
            ),
        ]
    )
    outcome = chat.messages_for("f.elamrani")[-1]
    assert "Je knelpunt is afgerond: structureel opgepakt" in outcome
    assert "Ricardo Doelwijt (Gemeente Groenwater): We passen het formulier aan" in outcome
    colleague = chat.messages_for("joost")[-1]
    assert "Een knelpunt waar jij ook tegenaan liep is afgerond" in colleague
    assert "traplift" in colleague

    # Closed knelpunten take no more 'ik ook'.
    await chat.as_("joost").script([("/knelpunt ook 1", ["al afgerond: structureel opgepakt"])])

    async with app.deps.uow() as uow:
        entries = await trail(uow.session, "knelpunt", 1)
        free_text = await uow.session.scalars(select(AuditEntry))
        every_field = " ".join(f"{e.actor} {e.action} {e.result} {e.origin}" for e in free_text)
    assert [(e.action, e.result, e.actor) for e in entries] == [
        ("knelpunt.reported", "ontvangen", f"person:{ids['fatima']}"),
        ("knelpunt.supported", "ontvangen", f"person:{ids['joost']}"),
        ("knelpunt.taken", "in_behandeling", f"person:{ids['ricardo']}"),
        ("knelpunt.structureel", "structureel", f"person:{ids['ricardo']}"),
    ]
    assert "traplift" not in every_field and "formulier" not in every_field


async def test_domain_is_asked_when_not_given(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.script(
        [
            (
                "/knelpunt",
                [
                    "Knelpunt melden",
                    "Noem geen gegevens van de inwoner",
                    "Vraag 1 van 2",
                    "Wat liep vast?",
                ],
            ),
            (
                "Voor bijzondere bijstand moet je drie keer hetzelfde formulier invullen",
                # Bijstand is inkomen, so Participatie comes first.
                ["Vraag 2 van 2", "Welk domein raakt het?", "[1] Participatie", "[3] Wmo"],
            ),
            ("1, 3", ["Knelpunt #1 ontvangen", "Ricardo Doelwijt en Ingrid Veldkamp"]),
        ]
    )
    assert len(chat.messages_for("r.doelwijt")) == 1
    assert "Nieuw knelpunt #1 · Wmo en Participatie" in chat.messages_for("i.veldkamp")[0]
    # Text typed with the command: only the domain is asked, as a choice.
    await chat.script(
        [
            (
                "/meld de wachtlijst voor beschermd wonen is niet in te zien",
                ["Vraag 1 van 1", "Welk domein raakt het?", "[1] Opvang"],
            ),
            ("1", ["Knelpunt #2 ontvangen", "Er is nog geen oliemannetje voor Opvang bekend"]),
            # Nothing recognisable: the domains in their usual order.
            ("/meld de procedure is onduidelijk geschreven", ["[1] Jeugd", "[4] Opvang"]),
        ]
    )


async def test_the_domain_described_comes_first(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.script(
        [
            (
                "/knelpunt De beslagvrije voet wordt pas na drie maanden herberekend; inwoners "
                "zakken zo onder het bestaansminimum",
                ["Welk domein raakt het?", "[1] Participatie", "[2] Jeugd", "[5] Annuleren"],
            ),
            # Typed text instead of a number: the count is what is shown, Annuleren included.
            ("weet niet", ["'weet niet' is geen van de keuzes. Kies een nummer van 1 tot 5."]),
            ("1", ["Knelpunt #1 ontvangen", "Ingrid Veldkamp"]),
            # As /wie reads it: a traplift is Wmo (also when the text says where).
            ("/meld aanvraag traplift in Molenwijk moet op papier", ["[1] Wmo"]),
            ("/meld jongeren van 18 vallen tussen wal en schip", ["[1] Jeugd"]),
        ]
    )


async def test_the_number_shown_for_annuleren_cancels_when_typed(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.say("/meld de wachtlijst voor beschermd wonen is niet in te zien")
    # On Telegram the buttons carry no numbers, so a number arrives as typed text.
    typed = await app.dispatcher.handle(
        Invocation(platform="console", account="f.elamrani", chat="console:f.elamrani", text="5")
    )
    assert "gestopt" in typed.text.lower() or "geannuleerd" in typed.text.lower()
    async with app.deps.uow() as uow:
        assert list(await uow.session.scalars(select(Knelpunt))) == []


async def test_umbrella_command_and_admin_fallback(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Beheer Groenwater", email="admin@example.org")
    await chat.script(
        [
            (
                "/krokodil meld #jeugd het schoolvervoer stopt na een verhuizing in het jaar",
                ["Knelpunt #1 ontvangen", "doorgegeven aan de beheerders: Beheer Groenwater"],
            )
        ]
    )
    assert "Nieuw knelpunt #1 · Jeugd" in chat.messages_for("admin")[0]
    async with app.deps.uow() as uow:
        stored = await uow.session.get(Knelpunt, 1)
    assert stored is not None
    assert stored.description == "het schoolvervoer stopt na een verhuizing in het jaar"


async def test_only_oliemannetjes_take_and_only_the_handler_closes(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.say("/knelpunt Wmo: het keukentafelgesprek moet altijd op het stadhuis")
    await chat.as_("joost").script(
        [("/knelpunt 1", ["Knelpunt #1 · ontvangen", "[1] Ik loop hier ook tegenaan"])]
    )
    assert "Ik pak dit op" not in chat.replies[-1].text
    from core.messages import Action, Invocation

    refused = await app.dispatcher.handle(
        Invocation(
            platform="console", account="joost", chat="c", action=Action("knelpunten.take", "1")
        )
    )
    assert "Alleen een oliemannetje" in refused.text
    await chat.as_("r.doelwijt").say("/knelpunt 1")
    await chat.say("1")
    stolen = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="i.veldkamp",
            chat="c",
            action=Action("knelpunten.outcome", "1:opgelost"),
        )
    )
    assert "Alleen wie het knelpunt oppakte" in stolen.text


async def test_ik_ook_is_not_offered_to_the_handler_the_reporter_or_who_is_counted(
    app: App, chat: Chat
) -> None:
    from core.messages import Action, Invocation

    await _people(app)
    await chat.say("/knelpunt Wmo: een traplift aanvragen kan alleen op papier")
    await chat.say("/knelpunt Wmo: de eigen bijdrage wordt twee keer gevraagd")
    await chat.as_("joost").say("/knelpunt ook 1")
    # Ricardo takes #1 on from the notice; pressing its 'ik ook' button later is not counted.
    await chat.as_("r.doelwijt").say("/knelpunt 1")
    await chat.say("1")
    shown = await chat.say("/knelpunt 1")
    assert "Ik loop hier ook tegenaan" not in [b.label for b in shown.buttons]
    pressed = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="r.doelwijt",
            chat="c",
            action=Action("knelpunten.support", "1"),
        )
    )
    assert "Je hebt knelpunt #1 zelf opgepakt" in pressed.text
    assert pressed.buttons[0].label == "Opgelost"
    assert "2 mensen lopen hier tegenaan" in (await chat.say("/knelpunt 1")).text

    ricardo = await chat.say("/knelpunten")
    assert [b.label for b in ricardo.buttons] == ["Ik ook: #2"]
    # Joost already counts for #1: only #2 is offered.
    joost = await chat.as_("joost").say("/knelpunten")
    assert [b.label for b in joost.buttons] == ["Ik ook: #2"]
    # Fatima reported both: nothing to offer, and no line inviting her to tap.
    fatima = await chat.as_("f.elamrani").say("/knelpunten")
    assert fatima.buttons == ()
    assert "Loop jij er ook tegenaan" not in fatima.text
    # Someone new gets both.
    ingrid = await chat.as_("i.veldkamp").say("/knelpunten")
    assert [b.label for b in ingrid.buttons] == ["Ik ook: #1", "Ik ook: #2"]


async def test_channel_per_domain_gets_the_notice(app: App, chat: Chat) -> None:
    from dataclasses import replace

    from bot.adapters.console import CollectingAdapter

    app.deps.settings = replace(
        app.deps.settings,
        knelpunten=replace(
            app.deps.settings.knelpunten,
            channel_wmo="console:oliemannetjes-wmo",
            notify_people=False,
        ),
    )
    await _people(app)
    await chat.script(
        [
            (
                "/knelpunt wmo: een traplift aanvragen kan alleen op papier",
                ["doorgegeven aan de oliemannetjes van Wmo"],
            )
        ]
    )
    assert isinstance(chat.outbox, CollectingAdapter)
    posted = chat.messages_for("oliemannetjes-wmo")
    assert len(posted) == 1 and "Ik pak dit op" in posted[0]
    assert chat.messages_for("r.doelwijt") == []


async def test_open_knelpunten_by_domain_and_recurrence(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.say("/knelpunt Wmo: een traplift aanvragen kan alleen op papier")
    await chat.say(
        "/knelpunt Participatie/Wmo: bijzondere bijstand vraagt drie keer dezelfde stukken"
    )
    await chat.say("/knelpunt Jeugd: het schoolvervoer stopt na een verhuizing")
    await chat.as_("joost").say("/knelpunt ook 2")
    await chat.as_("i.veldkamp").say("/knelpunt ook 2")
    await chat.as_("joost").say("/knelpunt ook 3")
    reply = await chat.as_("joost").say("/knelpunten")
    text = reply.text
    assert reply.title == "Open knelpunten"
    wmo, participatie, jeugd = (text.index(h) for h in ("Wmo\n", "Participatie", "Jeugd\n"))
    assert jeugd < wmo < participatie
    wmo_part = text[wmo:participatie]
    # Most often met first within a domain.
    assert wmo_part.index("#2 · 3×") < wmo_part.index("#1 · 1×")
    assert "#3 · 2× · ontvangen — het schoolvervoer" in text
    assert reply.data["open"] == [
        {"id": 2, "count": 3},
        {"id": 3, "count": 2},
        {"id": 1, "count": 1},
    ]


async def test_no_open_knelpunten(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.script([("/knelpunten", ["Er staan geen open knelpunten", "/knelpunt"])])


async def test_bsn_and_too_short_are_refused(app: App, chat: Chat) -> None:
    await _people(app)
    await chat.script(
        [
            ("/knelpunt Wmo: inwoner 111222333 krijgt geen traplift", ["BSN"]),
            ("/knelpunt Wmo: papier", ["minstens 10 tekens"]),
            ("/knelpunt ook", ["Geef het nummer van het knelpunt"]),
            ("/knelpunt 99", ["Knelpunt #99 ken ik niet"]),
        ]
    )
    async with app.deps.uow() as uow:
        assert list(await uow.session.scalars(select(Knelpunt))) == []


async def test_each_person_hears_in_their_own_language(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(
        app,
        "Noor Smit",
        email="n.smit@example.org",
        themes=["dakloosheid"],
        roles=["oliemannetje"],
        language="en",
    )
    await chat.say("/knelpunt Opvang: een briefadres aanvragen duurt zes weken")
    notice = chat.messages_for("n.smit")[0]
    assert "New blocker #1 · Opvang (shelter)" in notice
    assert "[1] I'll take this on" in notice and "Reported by Fatima el Amrani" in notice
    await chat.as_("n.smit").script([("1", ["You took on blocker #1", "Solved"])])
    assert (
        "Noor Smit (Gemeente Groenwater) pakt je knelpunt op" in chat.messages_for("f.elamrani")[0]
    )
