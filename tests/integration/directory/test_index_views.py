"""Contact cards kept by the index (directory.index.views) are never older than the directory
or the minute: an edit shows in the very next answer, and so does a call window closing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.bootstrap import App
from core.clock import FrozenClock
from core.messages import ContactCard
from directory.models import Organisation, Person
from tests.support import Chat, make_person


async def _card(app: App, asker: str, line: str, name: str) -> ContactCard:
    reply = await Chat(app, asker).say(line)
    return next(c for c in reply.cards if c.name == name)


async def test_an_edit_with_ik_shows_on_the_next_card(app: App) -> None:
    await make_person(app, "Anna Vraagt", themes=["jeugd"])
    await make_person(app, "Ingrid Veldkamp", themes=["schulden"])
    before = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert before.phone == "+31612345670"
    await Chat(app, "ingrid.veldkamp").say("/ik telefoon 06-12345678")
    after = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert after.phone == "+31612345678" and after.phone_display != before.phone_display
    await Chat(app, "ingrid.veldkamp").say("/ik bereikbaar ma-vr 9-12")
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.reachability == "nu bereikbaar tot 12:00"
    await Chat(app, "ingrid.veldkamp").say("/ik afwezig tot 12 januari")
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.reachability.startswith("afwezig tot 12 januari") and not card.reachable_now


async def test_a_renamed_organisation_shows_on_the_next_card(app: App) -> None:
    await make_person(app, "Anna Vraagt", themes=["jeugd"])
    await make_person(app, "Ingrid Veldkamp", themes=["schulden"], organisation="Wijkteam Oost")
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.organisation == "Wijkteam Oost"
    async with app.deps.uow() as uow:
        found = await uow.session.scalar(
            select(Organisation).where(Organisation.name == "Wijkteam Oost")
        )
        assert found is not None
        found.name = "Sociaal Wijkteam Oost"
        await uow.commit()
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.organisation == "Sociaal Wijkteam Oost"


async def test_a_card_follows_the_minute_a_call_window_closes(app: App, clock: FrozenClock) -> None:
    await make_person(app, "Anna Vraagt", themes=["jeugd"])
    await make_person(app, "Ingrid Veldkamp", themes=["schulden"])
    # Tuesday 16:59:30 in Amsterdam: her window (09:00-17:00) is open for half a minute more.
    clock.set(datetime(2026, 11, 24, 15, 59, 30, tzinfo=UTC))
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.reachable_now and card.reachability == "nu bereikbaar tot 17:00"
    clock.advance(timedelta(seconds=29))
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.reachable_now
    clock.advance(timedelta(seconds=1))  # 17:00:00
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert not card.reachable_now
    assert card.reachability == "volgende belmoment: morgen 09:00"


async def test_an_absence_that_starts_mid_minute_shows_at_once(
    app: App, clock: FrozenClock
) -> None:
    await make_person(app, "Anna Vraagt", themes=["jeugd"])
    person = await make_person(app, "Ingrid Veldkamp", themes=["schulden"])
    start = datetime(2026, 11, 24, 10, 0, 30, tzinfo=UTC)
    async with app.deps.uow() as uow:
        found = await uow.session.get(Person, person.id)
        assert found is not None
        found.absent_from = start
        found.absent_until = start + timedelta(days=1)
        await uow.commit()
    clock.set(start - timedelta(seconds=20))
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert card.reachable_now
    clock.set(start)
    card = await _card(app, "anna.vraagt", "/wie schulden", "Ingrid Veldkamp")
    assert not card.reachable_now and card.reachability.startswith("afwezig")


async def test_the_order_follows_the_minute_and_the_next_edit(app: App, clock: FrozenClock) -> None:
    await make_person(app, "Anna Vraagt", themes=["jeugd"])
    await make_person(app, "Bas Ochtend", themes=["schulden"])
    await make_person(app, "Carla Middag", themes=["schulden"])
    await Chat(app, "bas.ochtend").say("/ik bereikbaar ma-vr 9-12")
    # Tuesday 11:59:30 in Amsterdam: both can be called; Bas was registered first.
    clock.set(datetime(2026, 11, 24, 10, 59, 30, tzinfo=UTC))
    assert await _names(app, "/wie schulden") == ["Bas Ochtend", "Carla Middag"]
    clock.advance(timedelta(seconds=30))  # 12:00:00: Bas's window has closed
    assert await _names(app, "/wie schulden") == ["Carla Middag", "Bas Ochtend"]
    await Chat(app, "carla.middag").say("/ik themas wonen")
    assert await _names(app, "/wie schulden") == ["Bas Ochtend"]


async def _names(app: App, line: str) -> list[str]:
    reply = await Chat(app, "anna.vraagt").say(line)
    return [c.name for c in reply.cards]
