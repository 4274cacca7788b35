"""Wie doet wat in the browser answers what /wie answers in chat, and a person's page."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from bot.bootstrap import App
from directory.models import Person
from tests.integration.web.conftest import Client, sign_in
from tests.support import Chat


async def test_search_gives_the_same_first_person_as_wie_in_chat(
    demo_app: App, chat: Chat, client: Client
) -> None:
    await sign_in(client, chat, "s.bouzid")
    in_chat = await chat.as_("s.bouzid").say("/wie schulden in Molenwijk")
    first = in_chat.cards[0]
    page = await client.get("/web/wie", params={"q": "schulden in Molenwijk"})
    html = await page.text()
    assert page.status == 200
    names = re.findall(r'<h3 id="p\d+"><a href="/web/mensen/(\d+)">([^<]+)</a>', html)
    assert names[0] == (str(first.person_id), first.name)
    assert f'href="tel:{first.phone}"' in html
    assert len(names) == len(in_chat.cards)


async def test_filters_browse_the_directory(demo_app: App, chat: Chat, client: Client) -> None:
    await sign_in(client, chat, "s.bouzid")
    page = await client.get("/web/wie", params={"rol": "oliemannetje"})
    html = await page.text()
    assert page.status == 200 and "Ricardo Doelwijt" in html and "Ingrid Veldkamp" in html
    assert "Samira Bouzid" not in html.split("resultaat", 1)[1]
    nobody = await client.get("/web/wie", params={"rol": "bestuurlijk", "organisatie": "999999"})
    assert "Niemand past bij deze filters" in await nobody.text()


async def test_a_person_page_shows_themes_wijken_hours_and_a_tel_link(
    demo_app: App, chat: Chat, client: Client
) -> None:
    await sign_in(client, chat, "s.bouzid")
    listing = await client.get("/web/wie", params={"q": "Ricardo Doelwijt wmo"})
    match = re.search(r'href="/web/mensen/(\d+)">Ricardo Doelwijt', await listing.text())
    assert match
    page = await client.get(f"/web/mensen/{match.group(1)}")
    html = await page.text()
    assert page.status == 200
    assert "tel:+31380011390" in html and "Wmo" in html and "ma-vr 09:00-17:00" in html
    missing = await client.get("/web/mensen/999999")
    assert missing.status == 404
    assert (await client.get("/web/mensen/abc")).status == 404


NAMES = re.compile(r'<h3 id="p\d+"><a href="/web/mensen/(\d+)">([^<]+)</a>')


async def _people(app: App) -> dict[int, Person]:
    async with app.deps.uow() as uow:
        found = await uow.session.scalars(
            select(Person).options(selectinload(Person.themes), selectinload(Person.wijken))
        )
        return {p.id: p for p in found}


async def _shown(client: Client, **params: str) -> list[int]:
    page = await client.get("/web/wie", params=params)
    assert page.status == 200
    return [int(i) for i, _name in NAMES.findall(await page.text())]


async def test_filters_narrow_a_question_in_the_order_wie_ranks(
    demo_app: App, chat: Chat, client: Client
) -> None:
    await sign_in(client, chat, "s.bouzid")
    people = await _people(demo_app)
    in_chat = [c.person_id for c in (await chat.as_("s.bouzid").say("/wie schulden")).cards]
    assert len(in_chat) >= 2
    assert await _shown(client, q="schulden") == in_chat
    # Organisation: of the people /wie names, those of one organisation, in /wie's order.
    later = next(
        i for i in in_chat if people[i].organisation_id != people[in_chat[0]].organisation_id
    )
    organisation = people[later].organisation_id
    shown = await _shown(client, q="schulden", organisatie=str(organisation))
    assert shown and all(people[i].organisation_id == organisation for i in shown)
    same = [i for i in in_chat if people[i].organisation_id == organisation]
    assert shown[: len(same)] == same  # /wie's order, and none of its people left out
    # Role with a question: only people with that role who work on the question.
    shown = await _shown(client, q="schulden", rol="oliemannetje")
    assert shown, "the demo has an oliemannetje for schulden"
    for i in shown:
        assert people[i].has_role("oliemannetje")
        assert "schulden" in {t.key for t in people[i].themes}
    # Wijk: the same first person as '/wie schulden in Molenwijk', and everyone works there.
    molenwijk = (await chat.as_("s.bouzid").say("/wie schulden in Molenwijk")).cards
    shown = await _shown(client, q="schulden", wijk="Molenwijk")
    assert shown[0] == molenwijk[0].person_id
    for i in shown:
        wijken = {w.name for w in people[i].wijken}
        assert not wijken or "Molenwijk" in wijken
    # Theme and question: everyone shown works on the theme chosen.
    shown = await _shown(client, q="kan de huur niet betalen", thema="schulden")
    assert shown and all("schulden" in {t.key for t in people[i].themes} for i in shown)
    # All four at once never show more than /wie shows.
    shown = await _shown(
        client,
        q="schulden",
        thema="schulden",
        wijk="Molenwijk",
        rol="oliemannetje",
        organisatie=str(people[shown[0]].organisation_id),
    )
    assert len(shown) <= demo_app.settings.directory.max_results
    for i in shown:
        assert people[i].has_role("oliemannetje") and "schulden" in {
            t.key for t in people[i].themes
        }


async def test_filters_that_leave_nobody_of_the_answer_say_so(
    demo_app: App, chat: Chat, client: Client
) -> None:
    await sign_in(client, chat, "s.bouzid")
    page = await client.get("/web/wie", params={"q": "schulden", "organisatie": "999999"})
    html = await page.text()
    assert page.status == 200 and not NAMES.findall(html)
    assert "Niemand in dit antwoord past bij je filters" in html
    # Phone numbers stay as /wie shows them to a registered professional.
    shown = await _shown(client, q="schulden", rol="oliemannetje")
    people = await _people(demo_app)
    html = await (
        await client.get("/web/wie", params={"q": "schulden", "rol": "oliemannetje"})
    ).text()
    assert all(f'href="tel:{people[i].phone}"' in html for i in shown if people[i].phone)
