"""Scripted console conversations for /wie, /bel, /ik and /themas on the demo directory."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.bootstrap import App
from bot.render_text import render
from core.clock import FrozenClock
from core.messages import Invocation
from directory.models import Person, Wijk
from tests.support import Chat, make_person


def samira(app: App) -> Chat:
    return Chat(app, "s.bouzid")


async def test_wie_leads_with_phone_and_reachability(demo_app: App) -> None:
    chat = samira(demo_app)
    reply = await chat.say("/wie schulden")
    shown = render(reply)
    assert "== Wie helpt met Schulden ==" in shown
    assert "☎ 038 00" in shown and "nu bereikbaar tot" in shown
    assert "Samira Bouzid" not in shown  # never yourself
    first = reply.cards[0]
    assert first.reachable_now and first.phone and first.phone.startswith("+3138")
    contacts = reply.data["contacts"]
    assert 3 <= len(contacts) <= 5
    assert {"name", "organisation", "phone", "reachable_now"} <= set(contacts[0])
    assert contacts[0]["name"] == first.name
    # Linda Brinkman works on schulden but only on Wednesdays: not above anyone reachable.
    reachable = [c["reachable_now"] for c in contacts]
    assert reachable == sorted(reachable, reverse=True)
    # The phone comes before the e-mail in what people read.
    assert shown.index("☎") < shown.index("✉")


async def test_at_night_wie_says_nobody_can_be_called_now(
    demo_app: App, clock: FrozenClock
) -> None:
    clock.set(datetime(2026, 11, 24, 22, 0, tzinfo=UTC))  # Tuesday 23:00 in Amsterdam
    reply = await samira(demo_app).say("/wie schulden")
    assert not any(card.reachable_now for card in reply.cards)
    assert reply.text == (
        "Op dit moment is niemand van hen bereikbaar. Bij iedereen staat wanneer je kunt bellen."
    )
    assert all("volgende belmoment" in card.reachability for card in reply.cards)


async def test_plain_questions_reach_wie(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.script(
        [
            ("wie kan helpen met schulden in Molenwijk?", ["Wie helpt met Schulden in Molenwijk"]),
            ("ik zoek iemand voor huurachterstand", ["Schulden en Wonen"]),
            ("/wie kan de huur niet betalen", ["Schulden en Wonen", "Joyce Kromodimedjo"]),
            ("/wie schuldhulpverleneing", ["Wie helpt met Schulden"]),
            ("who can help with debt", ["Schulden"]),
            ("hulp bij verslaving in Oost", ["Wie helpt met Verslaving in Oost"]),
        ]
    )
    molenwijk = chat.replies[0]
    assert molenwijk.data["wijk"] == "Molenwijk"
    assert "werkt in Molenwijk" in molenwijk.cards[0].note


async def test_a_plain_message_that_names_a_problem_is_answered_as_wie(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.script(
        [
            ("kan de huur niet betalen", ["Wie helpt met Schulden en Wonen", "☎"]),
            ("schuldhulpverleneing", ["Wie helpt met Schulden"]),
            ("een vertrouwenspersoon?", ["Wie is vertrouwenspersoon", "Anton Mulder"]),
            ("hallo", ["Ik begreep je vraag niet helemaal"]),
        ]
    )
    assert chat.replies[0].data["themes"] == ["schulden", "wonen"]
    assert not chat.replies[3].cards


async def test_wie_a_special_role_lists_the_people_with_that_role(demo_app: App) -> None:
    chat = samira(demo_app)
    reply = await chat.say("/wie vertrouwenspersoon")
    assert reply.title == "Wie is vertrouwenspersoon"
    assert [c.name for c in reply.cards] == ["Anton Mulder"]
    assert reply.data["role"] == "vertrouwenspersoon" and not reply.data["fallback"]
    assert reply.cards[0].phone  # call, don't mail
    wijk = await chat.say("/wie een ervaringsdeskundige in Molenwijk")
    assert wijk.title == "Wie is ervaringsdeskundige in Molenwijk"
    assert {c.name for c in wijk.cards} == {"Linda Brinkman", "Marco Sedney"}
    linda = next(c for c in wijk.cards if c.name == "Linda Brinkman")
    assert linda.note == "werkt in Molenwijk"


async def test_the_only_holder_of_a_role_is_told_so(demo_app: App) -> None:
    """Anton Mulder is the demo's only vertrouwenspersoon: asked by him, the answer says
    that he is the only one (not that the question is unclear), with and without a wijk."""
    anton = Chat(demo_app, "a.mulder")
    for question in ("/wie vertrouwenspersoon", "/wie vertrouwenspersoon in Molenwijk"):
        reply = await anton.say(question)
        assert reply.text.startswith("Je bent zelf de enige vertrouwenspersoon"), question
        assert reply.cards == ()
        assert reply.data["role"] == "vertrouwenspersoon" and reply.data["contacts"] == []
    # Someone else with a role that others hold too still gets the others.
    linda = await Chat(demo_app, "l.brinkman").say("/wie ervaringsdeskundige")
    assert "Marco Sedney" in {c.name for c in linda.cards}


async def test_plain_questions_reach_bel(demo_app: App) -> None:
    chat = samira(demo_app)
    for question in (
        "hoe bereik ik Joost de Wit?",
        "hoe kan ik Joost de Wit bellen?",
        "wat is het telefoonnummer van Joost de Wit",
        "bel Joost de Wit",
        "how do I reach Joost de Wit?",
    ):
        reply = await chat.say(question)
        assert reply.cards and reply.cards[0].name == "Joost de Wit", question
        assert "038 002 0983" in render(reply)
    # "bel me" is not a name.
    assert "Joost" not in render(await chat.say("bel me eerst"))


async def test_a_question_typed_into_an_open_form_ends_the_form_and_is_answered(
    demo_app: App,
) -> None:
    chat = samira(demo_app)
    assert "Vraag 1 van 2" in render(await chat.say("/knelpunt"))
    asked = await chat.say("De aanvraag voor een traplift moet op papier, dat duurt weken.")
    assert "Welk domein raakt het?" in render(asked)
    reply = await chat.say("wie kan helpen met schulden in Molenwijk?")
    shown = render(reply)
    assert reply.text.startswith("Ik ben gestopt met het formulier; er is niets opgeslagen.")
    assert "Wie helpt met Schulden in Molenwijk" in shown
    # The form is gone: a number is no longer taken as an answer.
    assert "geen van de keuzes" not in render(await chat.say("1"))


async def test_an_unknown_wijk_is_named_and_the_whole_municipality_answers(
    demo_app: App,
) -> None:
    chat = samira(demo_app)
    reply = await chat.say("/wie schulden in xyzwijk")
    assert reply.title == "Wie helpt met Schulden"
    assert reply.text.startswith(
        'De wijk "xyzwijk" ken ik niet. Daarom zie je mensen uit de hele gemeente. '
        "Bekende wijken zijn bijvoorbeeld: Molenwijk, "
    )
    assert reply.data["unknown_wijk"] == "xyzwijk" and reply.data["wijk"] is None
    everywhere = await chat.say("/wie schulden")
    assert [c.name for c in reply.cards] == [c.name for c in everywhere.cards]
    # A typo in a wijk that exists is that wijk; a free-text phrase is no wijk at all.
    typo = await chat.say("/wie schulden in molenwjik")
    assert typo.title == "Wie helpt met Schulden in Molenwijk"
    assert "ken ik niet" not in typo.text
    family = await chat.say("/wie problemen in het gezin")
    assert family.data["unknown_wijk"] is None and "ken ik niet" not in family.text
    await chat.say("/taal en")
    english = await chat.say("/who debt in xyzwijk")
    assert english.text.startswith(
        'I don\'t know a neighbourhood called "xyzwijk". So these are people from the whole '
        "municipality. Neighbourhoods I know include: Molenwijk, "
    )


async def test_english_speakers_get_english(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.say("/taal en")
    reply = await chat.say("/who debt")
    assert reply.title == "Who helps with Debt"
    assert "reachable now until" in render(reply)


async def test_no_match_names_the_oliemannetje_and_why(demo_app: App) -> None:
    chat = samira(demo_app)
    # Nobody works on nah, nor on the themes the catalog relates to it.
    reply = await chat.say("/wie hersenletsel")
    shown = render(reply)
    assert "niet ons domein" not in shown
    assert "Voor Niet-aangeboren hersenletsel staat nog niemand op de sociale kaart." in shown
    assert "Ricardo Doelwijt is oliemannetje voor Wmo" in shown
    assert reply.data["fallback"] is True
    assert reply.data["contacts"][0]["name"] == "Ricardo Doelwijt"
    unknown = render(await chat.say("/wie blablabla"))
    assert "oliemannetje" in unknown and "☎" in unknown


async def test_unregistered_people_see_who_but_no_numbers(demo_app: App) -> None:
    reply = await demo_app.dispatcher.handle(
        Invocation(platform="telegram", account="999", chat="999", text="/wie schulden")
    )
    shown = render(reply)
    assert "Joyce Kromodimedjo" in shown or "Ingrid Veldkamp" in shown
    assert "☎" not in shown and "✉" not in shown and "bereikbaar tot" not in shown
    assert all(c["phone"] is None and c["email"] is None for c in reply.data["contacts"])
    assert "Telefoonnummers en bereikbaarheid zie je zodra" in shown
    themes = await demo_app.dispatcher.handle(
        Invocation(platform="telegram", account="999", chat="999", text="/themas")
    )
    assert "Schulden (" in themes.text
    call = await demo_app.dispatcher.handle(
        Invocation(platform="telegram", account="999", chat="999", text="/bel Joyce")
    )
    assert "☎" not in render(call) and call.data == {"registered": False}


async def test_bel_gives_number_and_moment(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.script(
        [
            ("/bel Joyce Kromodimedjo", ["Joyce Kromodimedjo", "☎ 038 002 0157", "nu bereikbaar"]),
            ("/bel Wim de Haan", ["volgende belmoment: vandaag 19:00"]),
            ("/bel Joyse Kromodimejo", ["Joyce Kromodimedjo"]),
            ("/bel Niemand Bestaatniet", ['Ik vond niemand die "Niemand Bestaatniet" heet']),
            ("/bel", ["Wie wil je bellen?"]),
        ]
    )
    await make_person(demo_app, "Mila Mail", themes=["schulden"], phone=None)
    shown = render(await chat.say("/bel Mila Mail"))
    assert "Geen telefoonnummer bekend." in shown and "nu bereikbaar" not in shown


async def test_ik_shows_and_edits_the_entry(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.script(
        [
            ("/ik", ["Zo sta je op de sociale kaart", "Thema's: Schulden en Inkomen", "Klopt nog"]),
            ("/ik bereikbaar ma-do 9-17", ["Je bent nu bereikbaar: ma-do 09:00-17:00."]),
            ("/ik bereikbaar altijd", ['"altijd" begrijp ik niet']),
            ("/ik themas schulden; wonen", ["Je thema's zijn nu: Schulden en Wonen."]),
            ("/ik themas schulden, krokodillen", ['Het thema "krokodillen" ken ik niet']),
            ("/ik wijken Noord, molenwijk", ["Je werkt nu in: Noord en Molenwijk."]),
            ("/ik wijken geen", ["Je werkt nu voor de hele gemeente."]),
            ("/ik telefoon 06-1234", ['"06-1234" is geen geldig telefoonnummer']),
            ("/ik telefoon 06-12345678", ["Je nummer is aangepast."]),
            ("/ik taart", ["Wat wil je aanpassen?"]),
            ("/ik", ["Laatst bevestigd: 24 november 2026"]),
            ("1", ["Dank je! Je gegevens staan weer als actueel genoteerd."]),
            ("/ik klopt", ["Dank je!"]),
        ]
    )
    async with demo_app.deps.uow() as uow:
        me = await uow.session.scalar(select(Person).where(Person.email == "s.bouzid@example.org"))
    assert me is not None
    assert me.phone == "+31612345678"
    assert me.availability == [[d, 540, 1020] for d in range(4)]
    assert sorted(t.key for t in me.themes) == ["schulden", "wonen"]
    assert me.wijken == []


async def test_an_unknown_theme_suggests_names_you_can_type(demo_app: App) -> None:
    reply = await samira(demo_app).say("/ik themas vaardighedn")
    assert reply.text.startswith('Het thema "vaardighedn" ken ik niet. Bedoel je ')
    assert "Digitale vaardigheden" in reply.text and "_" not in reply.text


async def test_absence_sends_askers_to_the_stand_in(demo_app: App) -> None:
    chat = samira(demo_app)
    joyce = Chat(demo_app, "j.kromodimedjo")
    await joyce.say("/ik afwezig tot 12 januari, vervanger Ingrid Veldkamp")
    told = joyce.messages_for("i.veldkamp")
    assert told and "Joyce Kromodimedjo is afwezig tot 12 januari" in told[0]
    reply = await chat.say("/wie huurachterstand in Molenwijk")
    names = [c.name for c in reply.cards]
    assert "Joyce Kromodimedjo" not in names
    ingrid = next(c for c in reply.cards if c.name == "Ingrid Veldkamp")
    assert "vervangt Joyce Kromodimedjo (afwezig tot 12 januari)" in ingrid.note
    called = render(await chat.say("/bel Joyce Kromodimedjo"))
    assert "afwezig tot 12 januari" in called and "Ingrid Veldkamp" in called
    back = await joyce.say("/ik terug")
    assert "Welkom terug" in back.text
    assert "Joyce Kromodimedjo" in [c.name for c in (await chat.say("/wie schulden")).cards]


async def test_themas_lists_every_domain_with_counts(demo_app: App) -> None:
    chat = samira(demo_app)
    reply = await chat.say("/themas")
    for domain in ("Jeugd:", "Wmo:", "Participatie:", "Opvang:"):
        assert domain in reply.text
    listed = {t["key"]: t["people"] for t in reply.data["themes"]}
    assert len(listed) >= 40
    assert listed["schulden"] == 7
    assert listed["ondermijning"] == 0
    only = await chat.say("/themas jeugd")
    assert only.text.startswith("Jeugd:") and "Opvang:" not in only.text


async def test_themes_in_english_shows_a_domain_by_its_english_label(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.say("/taal en")
    youth = await chat.say("/themes youth")
    assert youth.text.startswith("Jeugd (youth): Youth (")
    assert "Child protection" in youth.text and "Opvang" not in youth.text
    shelter = await chat.say("/themes shelter")
    assert shelter.text.startswith("Opvang (shelter): ") and "Jeugd" not in shelter.text
    # A word inside a label is no domain: "and" is not "work and income".
    assert "Paperwork" not in (await chat.say("/themes and")).text


async def test_a_wijk_name_too_long_to_store_gets_a_clear_answer(demo_app: App) -> None:
    limit = Wijk.__table__.c.name.type.length
    chat = samira(demo_app)
    await chat.say("/ik wijken Noord")
    long = "Lange" * 30  # 150 letters
    reply = await chat.say(f"/ik wijken Centrum, {long}")
    assert reply.text == (
        f'De wijknaam "{long[:20]}…" is te lang: {len(long)} tekens, hoogstens {limit}. Noem '
        "de wijk korter, bijvoorbeeld: /ik wijken Noord; Centrum"
    )
    async with demo_app.deps.uow() as uow:
        me = await uow.session.scalar(select(Person).where(Person.email == "s.bouzid@example.org"))
        stored = await uow.session.scalar(select(Wijk).where(Wijk.name == long))
    assert me is not None and [w.name for w in me.wijken] == ["Noord"]
    assert stored is None
    await chat.say("/taal en")
    english = await chat.say(f"/me neighbourhoods {long}")
    assert english.text.startswith(
        f'The neighbourhood name "{long[:20]}…" is too long: {len(long)} characters, at most '
        f"{limit}."
    )
