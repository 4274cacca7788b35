"""Dekking, Netwerkrapport and Knelpunten: for coordinators only, with CSV and status changes."""

from __future__ import annotations

import csv
import io
import re

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import AuditEntry
from tests.integration.web.conftest import Client, sign_in
from tests.support import Chat


async def test_coverage_is_for_coordinators_with_a_csv_of_the_same(
    demo_app: App, chat: Chat, client: Client
) -> None:
    await sign_in(client, chat, "s.bouzid")
    refused = await client.get("/web/dekking")
    text = await refused.text()
    assert refused.status == 403 and "oliemannetjes, procesregisseurs en beheerders" in text
    assert (await client.get("/web/dekking.csv")).status == 403
    assert (await client.get("/web/rapport")).status == 403
    assert (await client.get("/web/knelpunten")).status == 403

    await sign_in(client, chat, "i.veldkamp")  # an oliemannetje
    page = await client.get("/web/dekking")
    html = await page.text()
    assert page.status == 200
    assert "<caption>" in html and 'scope="row">Schulden</th>' in html
    assert 'class="num empty"' in html  # the demo map has holes, and they are marked
    download = await client.get("/web/dekking.csv")
    assert download.status == 200 and download.content_type == "text/csv"
    rows = list(csv.DictReader(io.StringIO(await download.text())))
    cells = [r for r in rows if r["section"] == "cell"]
    schulden_molenwijk = next(
        r for r in cells if r["theme"] == "Schulden" and r["wijk"] == "Molenwijk"
    )
    # Samira Bouzid works on schulden in Molenwijk and can be called: at least she counts.
    assert int(schulden_molenwijk["people"]) >= 1
    row = re.search(r'scope="row">Schulden</th><td>[^<]*</td>(.*?)</tr>', html, re.S)
    assert row is not None
    header = re.search(r"<thead>(.*?)</thead>", html, re.S)
    assert header is not None
    wijken = re.findall(r'<th scope="col">([^<]+)</th>', header.group(1))[2:]
    shown = re.findall(r'<td class="num [a-z]+">(\d+)', row.group(1))
    # The page and the CSV say the same for every wijk of this theme.
    assert dict(zip(wijken, shown, strict=True)) == {
        r["wijk"]: r["people"] for r in cells if r["theme"] == "Schulden"
    }


async def test_the_report_page_has_an_accessible_chart_a_table_and_csv(
    demo_app: App, chat: Chat, client: Client
) -> None:
    await sign_in(client, chat, "l.tjonafong")  # a procesregisseur
    page = await client.get("/web/rapport", params={"maand": "2026-11"})
    html = await page.text()
    assert page.status == 200 and "Netwerkrapport november 2026" in html
    assert "<svg" in html and 'role="img"' in html and '<title id="chart-title">' in html
    assert "Trend per maand" in html and "november 2026</th>" in html
    download = await client.get("/web/rapport.csv", params={"maand": "2026-11"})
    body = await download.text()
    assert download.status == 200 and body.startswith("month,section,metric,value")
    assert "2026-11,directory,active_people," in body
    future = await client.get("/web/rapport", params={"maand": "2027-05"})
    assert future.status == 400 and "nog niet begonnen" in await future.text()
    wrong = await client.get("/web/rapport", params={"maand": "juni 2026 of zo"})
    assert wrong.status == 400
    assert (await client.get("/web/rapport.csv", params={"maand": "x"})).status == 400


async def test_an_oliemannetje_changes_a_status_and_the_reporter_is_told(
    demo_app: App, chat: Chat, client: Client
) -> None:
    reported = await chat.as_("s.bouzid").say(
        "/knelpunt Wmo: de aanvraag voor een traplift moet op papier"
    )
    number = reported.data["knelpunt"]
    await chat.as_("k.mensah").say(f"/knelpunt ook {number}")
    csrf = await sign_in(client, chat, "r.doelwijt")  # oliemannetje for Wmo
    listing = await client.get("/web/knelpunten")
    html = await listing.text()
    assert listing.status == 200 and f'href="/web/knelpunten/{number}"' in html
    assert "traplift" in html and "Samira" not in html  # the reporter is not named

    url = f"/web/knelpunten/{number}"
    forged = await client.post(url, data={"stap": "oppakken"}, allow_redirects=False)
    assert forged.status == 403
    taken = await client.post(url, data={"stap": "oppakken", "csrf": csrf}, allow_redirects=False)
    assert taken.status == 303 and taken.headers["Location"] == f"{url}?gewijzigd=1"
    await chat.deliver()
    told = "\n".join(chat.messages_for("s.bouzid"))
    assert "Ricardo Doelwijt" in told

    short = await client.post(
        url, data={"stap": "uitkomst", "status": "opgelost", "uitleg": "kort", "csrf": csrf}
    )
    page = await short.text()
    assert short.status == 400 and "minstens" in page and 'role="alert"' in page
    done = await client.post(
        url,
        data={
            "stap": "uitkomst",
            "status": "opgelost",
            "uitleg": "De aanvraag kan nu ook digitaal, via het Wmo-loket.",
            "csrf": csrf,
        },
        allow_redirects=False,
    )
    assert done.status == 303
    shown = await (await client.get(done.headers["Location"])).text()
    assert "opgelost" in shown and "horen het in de chat" in shown
    await chat.deliver()
    assert any("digitaal" in m for m in chat.messages_for("s.bouzid"))
    assert any("digitaal" in m for m in chat.messages_for("k.mensah"))
    async with demo_app.deps.uow() as uow:
        trail = list(
            await uow.session.scalars(
                select(AuditEntry).where(AuditEntry.object_type == "knelpunt")
            )
        )
    web_changes = [(e.action, e.result) for e in trail if e.origin == "web"]
    assert web_changes == [("knelpunt.taken", "in_behandeling"), ("knelpunt.opgelost", "opgelost")]
    missing = await client.get("/web/knelpunten/99999")
    assert missing.status == 404
