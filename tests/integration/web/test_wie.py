"""Wie doet wat in the browser answers what /wie answers in chat, and a person's page."""

from __future__ import annotations

import re

from bot.bootstrap import App
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
