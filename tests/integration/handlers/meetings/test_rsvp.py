"""Answering by button, seat limits, and a waiting list that moves up when someone cancels."""

from __future__ import annotations

from datetime import UTC, timedelta

from bot.bootstrap import App
from bot.render_text import render
from core.clock import FrozenClock
from handlers.meetings.texts import ref
from tests.integration.scheduler.helpers import local, plan, press, reminder_rows, rsvp
from tests.support import Chat, make_person

START = local(2026, 12, 8, 14, 0)
KEY = START.astimezone(UTC)


async def _table(app: App, seats: int) -> int:
    organiser = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    for name, org in (
        ("Anja", "Cliëntenraad"),
        ("Bram", "Wijkteam"),
        ("Cor", "Woonstede"),
        ("Dina", "GGD"),
    ):
        await make_person(app, name, email=f"{name.lower()}@example.org", organisation=org)
    meeting = await plan(
        app,
        organiser.id,
        START,
        kind="dialoogtafel",
        title="Schulden en schaamte",
        seat_limit=seats,
    )
    return meeting.id


async def test_full_table_puts_people_on_a_waiting_list_in_order(app: App, chat: Chat) -> None:
    meeting_id = await _table(app, seats=2)
    assert "Je komt." in render(await rsvp(app, "anja", meeting_id, KEY, "ja"))
    assert "Plaatsen: 2 van 2 bezet" in render(await rsvp(app, "bram", meeting_id, KEY, "ja"))
    cor = render(await rsvp(app, "cor", meeting_id, KEY, "ja"))
    assert "De bijeenkomst is vol. Je staat op de wachtlijst (plek 1)" in cor
    dina = render(await rsvp(app, "dina", meeting_id, KEY, "ja"))
    assert "(plek 2)" in dina and "2 op de wachtlijst" in dina
    again = render(await rsvp(app, "dina", meeting_id, KEY, "ja"))
    assert "(plek 2)" in again  # asking twice does not cost your place


async def test_a_cancellation_moves_the_first_waiting_person_up_and_tells_them(
    app: App, chat: Chat
) -> None:
    meeting_id = await _table(app, seats=2)
    for who in ("anja", "bram", "cor", "dina"):
        await rsvp(app, who, meeting_id, KEY, "ja")
    reply = render(await rsvp(app, "bram", meeting_id, KEY, "nee"))
    assert "Genoteerd: je komt niet" in reply and "1 op de wachtlijst" in reply
    await chat.deliver()
    [told] = chat.messages_for("cor")
    assert "Er is een plek vrijgekomen. Je hebt nu een plek bij" in told
    assert "[1] Ik kom niet" in told
    assert chat.messages_for("dina") == []
    assert "Je staat op de wachtlijst (plek 1)" in render(
        await press(app, "dina", "meetings.show", ref(meeting_id, KEY))
    )
    planned = {r.recipient: r.status for r in await reminder_rows(app)}
    assert planned["person:4"] == "pending"  # Cor now gets the day-before reminder
    assert planned["person:3"] == "cancelled"  # Bram no longer does


async def test_misschien_takes_no_seat_and_leaving_the_list_keeps_the_order(app: App) -> None:
    meeting_id = await _table(app, seats=1)
    await rsvp(app, "anja", meeting_id, KEY, "misschien")
    assert "Je komt." in render(await rsvp(app, "bram", meeting_id, KEY, "ja"))
    await rsvp(app, "cor", meeting_id, KEY, "ja")
    await rsvp(app, "dina", meeting_id, KEY, "ja")
    await rsvp(app, "cor", meeting_id, KEY, "misschien")
    assert "(plek 1)" in render(await press(app, "dina", "meetings.show", ref(meeting_id, KEY)))


async def test_more_seats_let_the_waiting_list_in(app: App, chat: Chat) -> None:
    meeting_id = await _table(app, seats=1)
    for who in ("anja", "bram", "cor"):
        await rsvp(app, who, meeting_id, KEY, "ja")
    await press(app, "f.elamrani", "meetings.edit_series", str(meeting_id))
    chat.as_("f.elamrani")
    for answer in ("-", "-", "-", "-"):
        await chat.say(answer)
    done = render(await chat.say("3"))
    assert "Plaatsen: 3 van 3 bezet" in done
    await chat.deliver()
    assert any("plek vrijgekomen" in m for m in chat.messages_for("bram"))
    assert any("plek vrijgekomen" in m for m in chat.messages_for("cor"))


async def test_only_the_organiser_sees_who_comes(app: App, chat: Chat) -> None:
    meeting_id = await _table(app, seats=2)
    for who in ("anja", "bram", "cor"):
        await rsvp(app, who, meeting_id, KEY, "ja")
    await rsvp(app, "dina", meeting_id, KEY, "nee")
    refused = await chat.as_("anja").say(f"/agenda deelnemers {meeting_id}")
    assert "Alleen de organisator" in refused.text
    shown = render(await chat.as_("f.elamrani").say(f"/agenda deelnemers {meeting_id}"))
    assert "Komen (2 / 2):" in shown
    assert "Wachtlijst:\n  1. Cor — Woonstede" in shown
    assert "Komen niet:\n  • Dina — GGD" in shown
    assert "2 mensen uit 2 organisaties." in shown


async def test_no_answers_for_a_past_or_cancelled_meeting(app: App, clock: FrozenClock) -> None:
    meeting_id = await _table(app, seats=2)
    await press(app, "f.elamrani", "meetings.cancel_one", ref(meeting_id, KEY, "zeker"))
    assert "gaat niet door" in (await rsvp(app, "anja", meeting_id, KEY, "ja")).text
    other = await plan(app, 1, local(2026, 11, 24, 8, 0) + timedelta(hours=3))
    clock.advance(timedelta(hours=5))
    late = await rsvp(app, "anja", other.id, other.starts_at, "ja")
    assert "al voorbij" in late.text


async def test_a_stale_button_is_answered_calmly(app: App) -> None:
    await _table(app, seats=2)
    assert "werkt niet meer" in (await press(app, "anja", "meetings.rsvp", "nonsense")).text
    assert "geen bijeenkomst met nummer 99" in (await rsvp(app, "anja", 99, KEY, "ja")).text
    assert "hoort niet bij" in (await rsvp(app, "anja", 1, KEY + timedelta(hours=1), "ja")).text


async def test_absurd_numbers_in_buttons_and_commands_find_nothing(app: App, chat: Chat) -> None:
    meeting_id = await _table(app, seats=2)
    huge = "99999999999"
    invite = await press(app, "f.elamrani", "meetings.invite", ref(meeting_id, KEY, f"2,{huge}"))
    assert "werkt niet meer" in invite.text
    outcome = await press(app, "anja", "meelopen.outcome", f"{huge}:gelukt")
    assert "werkt niet meer" in outcome.text
    assert "Ik vind geen casus" in (await chat.as_("anja").say("/casus intrekken 2147483648")).text
    assert "Noem het nummer" in (await chat.as_("anja").say(f"/casus intrekken {huge}")).text
