"""Freshness: two reminders, then the entry drops out of /wie until confirmed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.bootstrap import App
from bot.render_text import render
from core.clock import FrozenClock
from tests.support import Chat, make_person


async def tick(app: App, clock: FrozenClock) -> int:
    return await app.deps.registry.tickers["directory.freshness"](app.deps, clock.now())


async def test_reminders_then_dropping_out_then_back(app: App, clock: FrozenClock) -> None:
    old = clock.now() - timedelta(days=91)
    await make_person(app, "Oud Gegeven", email="oud@example.org", themes=["schulden"], now=old)
    await make_person(app, "Vers Gegeven", email="vers@example.org", themes=["schulden"])
    asker = Chat(app, "vers")

    assert await tick(app, clock) == 1
    await asker.deliver()
    [first] = asker.messages_for("oud")
    assert "Klopt je vermelding op de sociale kaart nog?" in first
    assert "[1] Klopt nog" in first and "[2] Aanpassen" in first
    assert await tick(app, clock) == 0  # nothing twice

    clock.advance(timedelta(days=13))
    assert await tick(app, clock) == 0  # not yet
    clock.advance(timedelta(days=1))
    assert await tick(app, clock) == 1
    await asker.deliver()
    second = asker.messages_for("oud")[1]
    assert "laat /wie je over 14 dagen niet meer zien" in second
    assert "Oud Gegeven" in render(await asker.say("/wie schulden"))

    clock.advance(timedelta(days=14))
    assert await tick(app, clock) == 1  # dropped, no third message
    await asker.deliver()
    assert len(asker.messages_for("oud")) == 2
    assert "Oud Gegeven" not in render(await asker.say("/wie schulden"))
    called = render(await asker.say("/bel Oud Gegeven"))
    assert "☎" in called and "deze gegevens zijn al lang niet bevestigd" in called

    owner = Chat(app, "oud")
    owner._console._buttons_for = asker._console._buttons_for
    confirmed = await owner.as_("oud").say("1")  # the 'Klopt nog' button of the reminder
    assert "Dank je!" in confirmed.text
    assert "Oud Gegeven" in render(await asker.as_("vers").say("/wie schulden"))
    assert await tick(app, clock) == 0


async def test_aanpassen_shows_the_entry(app: App, clock: FrozenClock) -> None:
    old = clock.now() - timedelta(days=200)
    await make_person(app, "Oud Gegeven", email="oud@example.org", themes=["schulden"], now=old)
    chat = Chat(app, "oud")
    await tick(app, clock)
    await chat.deliver()
    chat.as_("oud")
    shown = render(await chat.say("2"))
    assert "Zo sta je op de sociale kaart" in shown and "Laatst bevestigd" in shown


async def test_no_reminders_at_night_or_in_the_weekend(app: App, clock: FrozenClock) -> None:
    old = clock.now() - timedelta(days=100)
    await make_person(app, "Oud Gegeven", email="oud@example.org", themes=["schulden"], now=old)
    clock.set(datetime(2026, 11, 24, 20, 0, tzinfo=UTC))  # Tuesday 21:00 in Amsterdam
    assert await tick(app, clock) == 0
    clock.set(datetime(2026, 11, 28, 13, 0, tzinfo=UTC))  # Saturday 14:00
    assert await tick(app, clock) == 0
    clock.set(datetime(2026, 11, 30, 9, 0, tzinfo=UTC))  # Monday 10:00
    assert await tick(app, clock) == 1
