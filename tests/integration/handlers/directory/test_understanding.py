"""Console conversations: related themes before the oliemannetje, asking back, learned words."""

from __future__ import annotations

from sqlalchemy import delete, select, update

from bot.bootstrap import App
from bot.render_text import render
from directory.models import Person, Theme, person_themes
from directory.models_learned import ACCEPTED, REJECTED, LearnedSynonym
from tests.support import Chat


def samira(app: App) -> Chat:
    return Chat(app, "s.bouzid")


async def test_nobody_on_the_exact_theme_shows_the_related_theme_first(demo_app: App) -> None:
    chat = samira(demo_app)
    for question in ("/wie rolstoel", "/wie traplift"):
        reply = await chat.say(question)
        shown = render(reply)
        assert "Niemand werkt precies aan Hulpmiddelen en woningaanpassing" in shown
        assert "deze mensen werken aan Wmo" in shown
        assert reply.data["fallback"] is False and reply.data["related_themes"][0] == "wmo"
        assert reply.cards and "voor Wmo" in shown
    help_at_home = await chat.say("/wie huishoudelijke hulp")
    assert "Niemand werkt precies aan Huishoudelijke hulp" in help_at_home.text
    assert "wmo" in help_at_home.data["related_themes"]


async def test_overlast_with_only_veiligheid_people_shows_them(demo_app: App) -> None:
    async with demo_app.deps.uow() as uow:
        overlast = await uow.session.scalar(select(Theme.id).where(Theme.key == "overlast"))
        await uow.session.execute(delete(person_themes).where(person_themes.c.theme_id == overlast))
        await uow.commit()
    reply = await samira(demo_app).say("/wie overlast in de buurt")
    shown = render(reply)
    assert "Niemand werkt precies aan Overlast" in shown
    assert "Veiligheid" in reply.text
    assert "veiligheid" in reply.data["related_themes"] and reply.cards


async def test_an_unclear_question_asks_back_and_remembers_the_choice(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.script(
        [
            ("/wie iets met geld", ["Bedoel je: Schulden · Inkomen?", "Iets anders"]),
            ("1", ["Wie helpt met Schulden", "☎"]),
        ]
    )
    asked = chat.replies[0]
    assert asked.data["ask_back"] is True and not asked.cards
    assert [b.label for b in asked.buttons] == ["Schulden", "Inkomen", "Iets anders"]
    async with demo_app.deps.uow() as uow:
        learned = list(await uow.session.scalars(select(LearnedSynonym)))
    assert [(r.words, r.theme_key, r.times) for r in learned] == [("geld", "schulden", 1)]
    # Next time the same words find the theme at once.
    again = await chat.say("/wie geld")
    assert again.data["themes"][0] == "schulden" and "ask_back" not in again.data


async def test_none_of_these_names_the_oliemannetje(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.say("/wie iets met geld")
    reply = await chat.say("3")
    assert reply.data["fallback"] is True and "oliemannetje" in reply.text
    async with demo_app.deps.uow() as uow:
        assert not list(await uow.session.scalars(select(LearnedSynonym)))


async def test_an_admin_reviews_learned_words(demo_app: App) -> None:
    chat = samira(demo_app)
    await chat.say("/wie iets met geld")
    await chat.say("1")
    refused = await chat.say("/themas voorstellen")
    assert "Alleen een beheerder" in refused.text
    async with demo_app.deps.uow() as uow:
        await uow.session.execute(
            update(Person).where(Person.email == "s.bouzid@example.org").values(is_admin=True)
        )
        await uow.commit()
    listing = await chat.say("/themas voorstellen")
    assert "“geld” → Schulden (1×)" in listing.text
    proposal = listing.data["proposals"][0]["id"]
    rejected = await chat.say(f"/themas voorstellen afwijzen {proposal}")
    assert "gebruik ik niet meer voor schulden" in rejected.text
    async with demo_app.deps.uow() as uow:
        row = await uow.session.get(LearnedSynonym, proposal)
        assert row is not None and row.status == REJECTED
    # Rejected words are not used any more: the question is unclear again.
    assert (await chat.say("/wie geld")).data.get("ask_back") is True
    await chat.say("2")  # Inkomen this time
    listing = await chat.say("/themas voorstellen")
    assert "“geld” → Inkomen (1×)" in listing.text
    accepted = await chat.say("1")  # the first button: accept
    assert "hoort nu bij inkomen" in accepted.text
    async with demo_app.deps.uow() as uow:
        statuses = {
            r.theme_key: r.status for r in await uow.session.scalars(select(LearnedSynonym))
        }
    assert statuses == {"schulden": REJECTED, "inkomen": ACCEPTED}
    nothing = await chat.say("/themas voorstellen")
    assert nothing.text == "Er zijn geen nieuwe woorden om te bekijken."
    wrong = await chat.say("/themas voorstellen accepteer 999")
    assert "Voorstel 999 bestaat niet" in wrong.text
