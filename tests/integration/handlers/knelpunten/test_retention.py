"""Closed knelpunten lose their free text after the retention period; the audit trail stays."""

from __future__ import annotations

from datetime import timedelta

from bot.bootstrap import App
from core.audit import trail
from core.clock import FrozenClock
from knelpunten.models import Knelpunt
from tests.support import Chat, make_person


async def test_free_text_is_removed_after_the_retention_period(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(
        app,
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
        themes=["wmo"],
        roles=["oliemannetje"],
    )
    await chat.say("/knelpunt Wmo: een traplift aanvragen kan alleen op papier")
    await chat.say("/knelpunt Wmo: het keukentafelgesprek moet altijd op het stadhuis")
    await chat.as_("r.doelwijt").say("/knelpunt 1")
    await chat.say("1")
    await chat.say("1")
    await chat.say("Het formulier staat nu online.")
    assert app.ticker is not None
    days = app.settings.knelpunten.retention_days

    clock.advance(timedelta(days=days - 1))
    assert (await app.ticker.run_pass())["knelpunten.retention"] == 0
    clock.advance(timedelta(days=2))
    assert (await app.ticker.run_pass())["knelpunten.retention"] == 1
    assert (await app.ticker.run_pass())["knelpunten.retention"] == 0

    async with app.deps.uow() as uow:
        closed = await uow.session.get(Knelpunt, 1)
        still_open = await uow.session.get(Knelpunt, 2)
        entries = await trail(uow.session, "knelpunt", 1)
    assert closed is not None and still_open is not None
    assert (closed.description, closed.explanation, closed.status) == ("", "", "opgelost")
    assert "stadhuis" in still_open.description
    assert [e.action for e in entries][-1] == "knelpunt.redacted"
    shown = await chat.as_("f.elamrani").say("/knelpunt 1")
    assert "tekst verwijderd na de bewaartermijn" in shown.text
