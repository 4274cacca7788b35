"""A professional and a coordinator use the web view in Chromium, by keyboard, checked by axe.

Sign-in links come from `krokodil say "/web"`; the search answers what `krokodil say
"/wie …"` answers; a knelpunt changed in the browser reaches its reporter in chat.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from directory.models import Person
from scheduler.repository import MeetingDraft, MeetingRepository
from tests.browser.conftest import Site, serious_violations, shot, tab_to
from tests.integration.scheduler.helpers import local

SAMIRA = "s.bouzid@example.org"  # schuldhulpverlener, no coordinator role
RICARDO = "r.doelwijt@example.org"  # oliemannetje for Wmo


async def _page(browser: Any) -> tuple[Any, list[str]]:
    """A fresh browser context (own cookies) and the CSP complaints its console shows."""
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    page = await context.new_page()
    complaints: list[str] = []
    page.on(
        "console",
        lambda message: (
            complaints.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return page, complaints


async def _sign_in_by_keyboard(page: Any, link: str) -> None:
    await page.goto(link)
    await tab_to(page, "form button[type=submit]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert page.url.endswith("/web/")


async def test_a_professional_signs_in_from_chat_and_finds_whom_to_call(
    site: Site, browser: Any
) -> None:
    expected = (await site.say_json(SAMIRA, "/wie schulden in Molenwijk"))["contacts"][0]
    page, complaints = await _page(browser)
    await _sign_in_by_keyboard(page, await site.sign_in_link(SAMIRA))
    assert await page.get_attribute("html", "lang") == "nl"
    assert await serious_violations(page) == []
    await shot(page, "start")

    # Keyboard only: the skip link first, then the menu, the question, the answer.
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    await tab_to(page, "nav a[href='/web/wie']")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await tab_to(page, "#q")
    await page.keyboard.type("schulden in Molenwijk")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    first = page.locator(".card h3").first
    assert (await first.inner_text()).strip() == expected["name"]
    assert await serious_violations(page) == []
    await shot(page, "wie-doet-wat")

    await tab_to(page, ".card h3 a")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert (await page.locator("h1").inner_text()).strip() == expected["name"]
    assert await page.locator(f"a[href='tel:{expected['phone']}']").count() == 1
    assert await serious_violations(page) == []
    await shot(page, "persoon")

    refused = await page.goto(f"{site.url}/web/dekking")
    assert refused is not None and refused.status == 403
    assert "oliemannetjes, procesregisseurs en beheerders" in await page.inner_text("main")
    assert complaints == []


async def test_a_coordinator_sees_the_holes_the_report_and_answers_a_knelpunt(
    site: Site, browser: Any
) -> None:
    reported = await site.say_json(
        SAMIRA, "/knelpunt Wmo: de aanvraag voor een traplift moet op papier"
    )
    number = reported["data"]["knelpunt"]
    await _meeting(site)
    page, complaints = await _page(browser)
    await _sign_in_by_keyboard(page, await site.sign_in_link(RICARDO))

    for path, name, heading in (
        ("/web/dekking", "dekking", "Dekking van de sociale kaart"),
        ("/web/rapport", "netwerkrapport", "Netwerkrapport"),
        ("/web/agenda", "agenda", "Agenda"),
        ("/web/knelpunten", "knelpunten", "Knelpunten"),
    ):
        response = await page.goto(site.url + path)
        assert response is not None and response.status == 200, path
        assert heading in await page.locator("h1").inner_text()
        assert await serious_violations(page) == [], path
        await shot(page, name)

    # Take the knelpunt on and give the outcome, by keyboard only.
    await tab_to(page, f"a[href='/web/knelpunten/{number}']")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    await tab_to(page, "main form button[type=submit]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "in behandeling" in await page.inner_text("main")
    await tab_to(page, "#s-opgelost")
    await page.keyboard.press("Space")
    await page.keyboard.press("Tab")
    await page.keyboard.type("De aanvraag kan nu digitaal, via het Wmo-loket.")
    await tab_to(page, "main form button[type=submit]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    main = await page.inner_text("main")
    assert "opgelost" in main and "horen het in de chat" in main
    assert await serious_violations(page) == []
    await shot(page, "knelpunt")

    # The reporter is told in chat: her next message delivers what waited for her.
    told = await site.say(SAMIRA, f"/knelpunt {number}")
    assert "--- bericht voor s.bouzid ---" in told and "digitaal" in told

    await tab_to(page, "header button[type=submit]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "Je bent uitgelogd" in await page.inner_text("h1")
    after = await page.goto(site.url + "/web/")
    assert after is not None and after.status == 401
    assert complaints == []


async def test_the_report_chart_has_a_text_alternative_and_a_table(
    site: Site, browser: Any
) -> None:
    page, _complaints = await _page(browser)
    await _sign_in_by_keyboard(page, await site.sign_in_link(RICARDO))
    await page.goto(site.url + "/web/rapport")
    svg = page.locator(".chart svg")
    assert await svg.get_attribute("role") == "img"
    assert await page.locator("#chart-title").count() == 1
    assert await page.locator("#chart-desc").count() == 1
    rows = await page.locator("table:has(#trend-tabel) tbody tr").count()
    assert rows == site.app.settings.reports.trend_months
    months = await page.locator("#maand option").all_inner_texts()
    assert len(months) == 12 and re.match(r"^[a-z]+ \d{4}$", months[0])


async def _meeting(site: Site) -> None:
    """A dialoogtafel next week, so the agenda has something to show."""
    now = site.app.deps.clock.now()
    start = local(now.year, now.month, now.day, 14, 0)
    async with site.app.deps.uow() as uow:
        organiser = await uow.session.scalar(select(Person).where(Person.email == RICARDO))
        assert organiser is not None
        await uow.repo(MeetingRepository).add(
            MeetingDraft(
                kind="dialoogtafel",
                title="Schulden en schaamte",
                starts_at=start + timedelta(days=7),
                duration_minutes=90,
                organiser_id=organiser.id,
                place="Wijkcentrum De Schakel",
                themes=("schulden",),
            ),
            now,
        )
        await uow.commit()


async def test_the_accessibility_check_does_find_problems(browser: Any) -> None:
    """The axe check is not silent: a page without language, title or labels fails it."""
    page, _complaints = await _page(browser)
    await page.set_content("<html><body><input type='text'><img src='x.png'></body></html>")
    found = " ".join(await serious_violations(page))
    assert "html-has-lang" in found and "label" in found and "image-alt" in found
