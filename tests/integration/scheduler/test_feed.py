"""The personal calendar feed: a secret URL that serves your meetings as iCalendar."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC

import pytest
from aiohttp.test_utils import TestClient, TestServer
from icalendar import Calendar

from bot.bootstrap import App
from bot.http import make_web_app
from core.audit import trail
from tests.integration.scheduler.helpers import local, plan, rsvp
from tests.support import Chat, make_person


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient[object, object]]:
    async with TestClient(TestServer(make_web_app(app))) as http:
        yield http


async def test_feed_holds_what_you_organise_and_what_you_said_ja_to(
    app: App, chat: Chat, client: TestClient[object, object]
) -> None:
    fatima = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    joost = await make_person(
        app, "Joost de Wit", email="joost@example.org", organisation="Wijkteam"
    )
    mine = await plan(
        app,
        fatima.id,
        local(2026, 12, 8, 14, 0),
        title="Mijn netwerk",
        rrule="FREQ=WEEKLY;BYDAY=TU",
    )
    guest = await plan(
        app,
        joost.id,
        local(2026, 12, 10, 10, 0),
        title="Intervisie Joost",
        rrule="FREQ=WEEKLY;BYDAY=TH",
    )
    await plan(app, joost.id, local(2026, 12, 11, 10, 0), title="Niet voor Fatima")
    await rsvp(app, "f.elamrani", guest.id, local(2026, 12, 17, 10, 0).astimezone(UTC), "ja")

    reply = await chat.say("/agenda feed")
    url = reply.data["url"]
    assert url.startswith("http://127.0.0.1:8080/agenda/") and url.endswith(".ics")
    response = await client.get(url.removeprefix("http://127.0.0.1:8080"))
    assert response.status == 200
    assert response.content_type == "text/calendar"
    calendar = Calendar.from_ical(await response.read())
    events = calendar.walk("VEVENT")
    assert {str(e["SUMMARY"]) for e in events} == {"Mijn netwerk", "Intervisie Joost"}
    series = next(e for e in events if str(e["SUMMARY"]) == "Mijn netwerk")
    assert "RRULE" in series and str(series["UID"]) == f"meeting-{mine.id}@groene-krokodil"
    single = next(e for e in events if str(e["SUMMARY"]) == "Intervisie Joost")
    assert "RRULE" not in single  # only the week Fatima said ja to
    assert single.decoded("DTSTART") == local(2026, 12, 17, 10, 0)
    assert calendar.walk("VTIMEZONE")


async def test_unknown_and_renewed_tokens_find_nothing(
    app: App, chat: Chat, client: TestClient[object, object]
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    assert (await client.get("/agenda/geheim.ics")).status == 404
    old = (await chat.say("/agenda feed")).data["url"]
    new = (await chat.say("/agenda feed nieuw")).data["url"]
    assert old != new
    assert (await client.get(old.removeprefix("http://127.0.0.1:8080"))).status == 404
    assert (await client.get(new.removeprefix("http://127.0.0.1:8080"))).status == 200
    await chat.say("/agenda feed")  # showing the same link again changes nothing
    async with app.deps.uow() as uow:
        actions = [e.action for e in await trail(uow.session, "person", 1)]
    assert actions == ["agenda.feed_created", "agenda.feed_renewed"]


async def test_the_feed_url_uses_the_public_address(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    app.deps.settings = replace(
        app.deps.settings,
        server=replace(app.deps.settings.server, public_url="https://krokodil.groenwater.example/"),
    )
    reply = await chat.say("/agenda feed")
    assert reply.data["url"].startswith("https://krokodil.groenwater.example/agenda/")
    assert "Deel de link niet" in reply.text
