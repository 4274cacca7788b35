"""Mee-loop-dagen end to end: opt in, rounds, introductions with phone numbers, follow-up."""

from __future__ import annotations

import asyncio
import random
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import App, build
from bot.render_text import render
from core.clock import FrozenClock
from core.config import Settings
from directory.models import Acquaintance
from handlers.meelopen import rounds as meelopen_rounds
from scheduler.models_meelopen import MeeloopGroup, MeeloopRound
from scheduler.pairing import pairs_of
from tests.integration.scheduler.helpers import count
from tests.support import Chat, make_person

NAMES = (
    ("Anja", "Cliëntenraad", "+31611111111"),
    ("Bram", "Wijkteam", "+31622222222"),
    ("Cor", "Woonstede", "+31633333333"),
    ("Dina", "GGD", "+31644444444"),
    ("Eva", "Gemeente Groenwater", "+31655555555"),
)


async def _people_opted_in(app: App, chat: Chat) -> None:
    for name, org, phone in NAMES:
        await make_person(
            app, name, email=f"{name.lower()}@example.org", organisation=org, phone=phone
        )
        reply = await chat.as_(name.lower()).say("/meelopen aan")
        assert "Je doet mee met de mee-loop-dagen (elke ronde)" in reply.text


async def _groups(app: App) -> list[MeeloopGroup]:
    async with app.deps.uow() as uow:
        return list(await uow.session.scalars(select(MeeloopGroup).order_by(MeeloopGroup.id)))


async def test_opt_in_with_frequency_and_themes_then_pause_and_stop(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await chat.script(
        [
            ("/meelopen", ["Je doet nog niet mee"]),
            (
                "/meelopen aan om de ronde wonen, schulden",
                ["(om de ronde)", "Elke 8 weken koppel ik je", "Wonen, Schulden"],
            ),
            ("/meelopen", ["Je doet mee (om de ronde)", "Je bent benieuwd naar: Wonen, Schulden"]),
            ("/meelopen aan per kwartaal", ["Elke 12 weken koppel ik je"]),
            ("/meelopen aan elke ronde flapdrol", ["ken ik niet"]),
            ("/meelopen pauze 8", ["Pauze tot dinsdag 19 januari"]),
            ("/meelopen", ["Je hebt pauze tot"]),
            ("/meelopen pauze nooit", ["Hoeveel weken pauze?"]),
            ("/meelopen uit", ["Je doet niet meer mee"]),
            ("/meelopen uit", ["Je deed niet mee"]),
        ]
    )


async def test_a_round_introduces_everyone_across_organisations_with_phone_numbers(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await _people_opted_in(app, chat)
    handled = await meelopen_rounds.tick(app.deps, clock.now())
    assert handled == 5
    groups = await _groups(app)
    assert sorted(len(g.members) for g in groups) == [2, 3]  # five people: a pair and a trio
    await chat.deliver()
    for name, _org, _phone in NAMES:
        [intro] = chat.messages_for(name.lower())
        assert "Deze ronde loop je mee met" in intro
    group = groups[0]
    first = NAMES[group.members[0] - 1][0].lower()
    intro = chat.messages_for(first)[0]
    for member in group.members:
        assert NAMES[member - 1][2][-4:] in intro.replace(" ", "")  # every phone number is there
    assert await meelopen_rounds.tick(app.deps, clock.now()) == 0  # the round ran once


async def test_a_round_waits_until_a_pair_can_be_made(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    for name, org in (("Anja", "Cliëntenraad"), ("Bram", "Cliëntenraad"), ("Cor", "Woonstede")):
        await make_person(app, name, email=f"{name.lower()}@example.org", organisation=org)
    await chat.as_("anja").say("/meelopen aan")
    await chat.as_("bram").say("/meelopen aan")

    # Alone, or only colleagues of one organisation: nobody is told anything yet, and the
    # round is not used up.
    assert await meelopen_rounds.tick(app.deps, clock.now()) == 0
    await chat.deliver()
    assert chat.messages_for("anja") == [] and chat.messages_for("bram") == []
    assert await count(app, MeeloopRound) == 0

    clock.advance(timedelta(days=3))
    await chat.as_("cor").say("/meelopen aan")
    assert await meelopen_rounds.tick(app.deps, clock.now()) == 3
    await chat.deliver()
    [intro] = chat.messages_for("cor")
    assert "Deze ronde loop je mee met" in intro
    assert await count(app, MeeloopRound) == 1


async def test_the_next_round_repeats_no_pair_and_skips_paused_people(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    await _people_opted_in(app, chat)
    await meelopen_rounds.tick(app.deps, clock.now())
    first = set().union(*(pairs_of(g.members) for g in await _groups(app)))
    await chat.as_("eva").say("/meelopen pauze 6")
    clock.advance(timedelta(weeks=4))
    await meelopen_rounds.tick(app.deps, clock.now())
    second_groups = [
        g
        for g in await _groups(app)
        if g.round_number == max(x.round_number for x in await _groups(app))
    ]
    second = set().union(*(pairs_of(g.members) for g in second_groups))
    assert not first & second
    assert 5 not in {m for g in second_groups for m in g.members}
    # Whoever no new pair was possible for is told so, not silently left out.
    matched = {m for g in second_groups for m in g.members}
    await chat.deliver()
    for person in {1, 2, 3, 4} - matched:
        told = chat.messages_for(NAMES[person - 1][0].lower())
        assert any("kon ik je niet koppelen" in m for m in told)


async def test_follow_up_asks_if_it_happened_and_a_yes_makes_acquaintances(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    meetings = app.deps.settings.meetings
    app.deps.settings = replace(
        app.deps.settings,
        meetings=replace(meetings, meelopen=replace(meetings.meelopen, followup_days=3)),
    )
    await _people_opted_in(app, chat)
    await meelopen_rounds.tick(app.deps, clock.now())
    pair = next(g for g in await _groups(app) if len(g.members) == 2)
    clock.advance(timedelta(days=2, hours=23))
    assert await meelopen_rounds.tick(app.deps, clock.now()) == 0
    clock.advance(timedelta(hours=1))
    assert await meelopen_rounds.tick(app.deps, clock.now()) == 5
    await chat.deliver()
    who = NAMES[pair.members[0] - 1][0].lower()
    question = chat.messages_for(who)[-1]
    assert "Is het gelukt met de mee-loop-dag" in question
    answer = await chat.as_(who).say("1")
    assert "Ik onthoud dat jullie elkaar nu kennen" in render(answer)
    async with app.deps.uow() as uow:
        known = list(await uow.session.scalars(select(Acquaintance)))
    assert [(k.person_a, k.person_b, k.source) for k in known] == [
        (*sorted(pair.members), "meeloopdag")
    ]
    assert await meelopen_rounds.tick(app.deps, clock.now()) == 0  # asked once


async def test_two_bots_run_a_round_once(
    app: App, chat: Chat, clock: FrozenClock, settings: Settings
) -> None:
    await _people_opted_in(app, chat)
    other = build(settings, clock=clock, rng=random.Random(3))
    try:
        await asyncio.gather(
            meelopen_rounds.tick(app.deps, clock.now()),
            meelopen_rounds.tick(other.deps, clock.now()),
        )
    finally:
        await other.close()
    assert await count(app, MeeloopRound) == 1
    assert len(await _groups(app)) == 2
