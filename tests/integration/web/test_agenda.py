"""The agenda page: coming meetings with their calendar files, mee-loop rounds, your feed link."""

from __future__ import annotations

import re

from bot.bootstrap import App
from tests.integration.scheduler.helpers import local, plan
from tests.integration.web.conftest import Client, sign_in
from tests.support import Chat, make_person


async def test_agenda_lists_meetings_with_ics_files_and_rounds(
    app: App, chat: Chat, client: Client
) -> None:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    meeting = await plan(
        app, organiser.id, local(2026, 12, 1, 14, 0), kind="dialoogtafel", title="Schulden"
    )
    csrf = await sign_in(client, chat, "f.elamrani")
    page = await client.get("/web/agenda")
    html = await page.text()
    assert page.status == 200 and "Dialoogtafel" in html and "Wijkcentrum De Schakel" in html
    assert f'href="/web/agenda/{meeting.id}.ics"' in html
    calendar = await client.get(f"/web/agenda/{meeting.id}.ics")
    body = await calendar.text()
    assert calendar.status == 200 and calendar.content_type == "text/calendar"
    assert "BEGIN:VEVENT" in body and "TZID=Europe/Amsterdam" in body
    assert (await client.get("/web/agenda/999.ics")).status == 404
    rounds = re.findall(r'href="/web/agenda/meeloop-(\d+)\.ics"', html)
    assert len(rounds) == 3
    round_file = await (await client.get(f"/web/agenda/meeloop-{rounds[0]}.ics")).text()
    assert "Mee-loop-ronde" in round_file and "DTSTART;TZID=Europe/Amsterdam" in round_file
    feed = await client.post("/web/agenda/feed", data={"csrf": csrf})
    url = re.search(r'<a href="(http://[^"]+/agenda/[^"]+\.ics)"', await feed.text())
    assert feed.status == 200 and url
    assert (await client.post("/web/agenda/feed", data={})).status == 403
