"""Meetings in Teams: /plan as a form card with date and time inputs, RSVP by card button."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import App
from scheduler.models import Rsvp
from tests.adapters.teams.harness import (
    CHANNEL,
    TeamsHarness,
    card_of,
    find_action,
    inputs_of,
    last_card,
    personal,
)
from tests.adapters.teams.standin import ConnectorStandIn, Member
from tests.support import make_person

FATIMA = Member(
    "29:fatima",
    "e0000000-0000-4000-8000-0000000000e1",
    "Fatima el Amrani",
    email="f.elamrani@example.org",
)
JOOST = Member(
    "29:joost", "e0000000-0000-4000-8000-0000000000e2", "Joost de Wit", email="joost@example.org"
)


async def _plan(app: App, teams: TeamsHarness, standin: ConnectorStandIn) -> dict[str, object]:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"])
    await make_person(app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    standin.add_member(FATIMA)
    standin.add_member(JOOST)
    await teams.say(FATIMA, "/plan")
    _sent, form = last_card(standin, personal(FATIMA)["id"])
    fields = inputs_of(form)
    assert fields["f.start.date"]["type"] == "Input.Date"
    assert fields["f.start.time"]["type"] == "Input.Time"
    return card_of(
        await teams.press(
            FATIMA,
            form,
            "Plannen",
            inputs={
                "f.kind": "netwerkbijeenkomst",
                "f.title": "Netwerk Schulden",
                "f.themes": "schulden",
                "f.start.date": "2026-12-08",
                "f.start.time": "14:00",
                "f.duration": "90min",
                "f.recurrence": "once",
                "f.place": "Wijkcentrum De Schakel",
            },
        )
    )


async def test_plan_with_a_form_card_confirms_in_place(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    planned = await _plan(app, teams, standin)
    assert "dinsdag 8 december 14:00" in str(planned)
    # The calendar file cannot ride along in Teams; the card says so instead of failing.
    assert ".ics kan ik in Teams niet meesturen" in str(planned)


async def test_rsvp_by_card_button_counts_once(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    await _plan(app, teams, standin)
    await teams.say(JOOST, "/agenda 1")
    _sent, card = last_card(standin, personal(JOOST)["id"])
    yes = find_action(card, "Ja")
    first = await teams.post(teams.invoke(JOOST, yes, reply_to="8001"))
    second = await teams.post(teams.invoke(JOOST, yes, reply_to="8001"))  # a double click
    assert "je komt" in str(card_of(first))
    assert second.body == first.body
    async with app.deps.uow() as uow:
        answers = await uow.session.scalar(select(func.count()).select_from(Rsvp))
    assert answers == 1


async def test_rsvp_pressed_in_a_channel_is_answered_to_the_presser_only(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    await _plan(app, teams, standin)
    await teams.say(JOOST, "/agenda 1", conversation=CHANNEL)
    _sent, card = last_card(standin, CHANNEL["id"])
    answer = await teams.post(
        teams.invoke(JOOST, find_action(card, "Ja"), reply_to="8002", conversation=CHANNEL)
    )
    # The channel's card stays for the others; Joost gets a short message.
    assert answer.status == 200
    assert answer.body["type"] == "application/vnd.microsoft.activity.message"
    assert "je komt" in answer.body["value"]
