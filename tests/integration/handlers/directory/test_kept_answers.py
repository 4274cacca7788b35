"""A /wie answer kept for the minute (handlers.directory.kept) is exactly the answer the
asker would get worked out for them: never their own card, never a stand-in for them,
their wijken and the people they know still count, and nothing kept outlives an edit."""

from __future__ import annotations

import tomllib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.bootstrap import App
from core.clock import FrozenClock
from core.messages import Reply
from directory.identity import console_handle, record_acquaintance
from directory.index.store import DirectoryIndex
from directory.models import Person
from tests.support import Chat, make_person

EVAL = Path(__file__).resolve().parents[4] / "directory" / "data" / "eval" / "questions.toml"
# Tuesday 10:00 in Amsterdam: most demo people can be called.
TUESDAY = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def _index(app: App) -> DirectoryIndex:
    assert app.deps.directory is not None
    return app.deps.directory


def _whole(reply: Reply) -> dict[str, Any]:
    return reply.to_json()


async def test_kept_answers_are_the_answers_worked_out_for_each_asker(
    demo_app: App, clock: FrozenClock
) -> None:
    clock.set(TUESDAY)
    async with demo_app.deps.uow() as uow:
        people = (await uow.session.execute(select(Person.email, Person.name))).all()
    askers = [console_handle(email, name) for email, name in people] + ["niet.bekend"]
    questions = tomllib.loads(EVAL.read_text(encoding="utf-8"))["question"][::20]
    questions += [
        {"text": text}
        for text in (
            "schulden",
            "schulden in Molenwijk",
            "wonen",
            "oliemannetje",  # role holders, one of whom asks
            "vertrouwenspersoon",  # the only holder asks too
            "procesregisseur in Molenwijk",
            "iets heel anders",  # nobody matches: the oliemannetje of the closest domain
        )
    ]
    chat = Chat(demo_app, askers[0])
    index = _index(demo_app)
    shared = 0
    for question in questions:
        line = f"/wie {question['text']}"
        index.answers.capacity = 0  # keep nothing: every answer worked out for its asker
        worked_out = [_whole(await chat.as_(a).say(line)) for a in askers]
        index.answers.capacity = 512
        replies = [await chat.as_(a).say(line) for a in askers]
        assert [_whole(r) for r in replies] == worked_out, line
        shared += len(replies) - len({id(r) for r in replies})
    # The answers were really kept and given to more than one asker.
    assert shared > len(questions) * len(askers) // 4


async def test_one_answer_serves_askers_alike_but_never_shows_the_asker(app: App) -> None:
    await make_person(app, "Bas Jeugd", themes=["jeugd"])
    await make_person(app, "Carla Wonen", themes=["wonen"])
    await make_person(app, "Anna Schuld", themes=["schulden"])
    await make_person(app, "Ingrid Schuld", themes=["schulden"])
    chat = Chat(app, "bas.jeugd")
    for_bas = await chat.say("/wie schulden")
    assert [c.name for c in for_bas.cards] == ["Anna Schuld", "Ingrid Schuld"]
    for_carla = await chat.as_("carla.wonen").say("/wie schulden")
    assert for_carla is for_bas  # the kept answer, not worked out again
    for_anna = await chat.as_("anna.schuld").say("/wie schulden")
    assert [c.name for c in for_anna.cards] == ["Ingrid Schuld"]
    assert [c.name for c in (await chat.as_("bas.jeugd").say("/wie schulden")).cards] == [
        "Anna Schuld",
        "Ingrid Schuld",
    ]


async def test_no_one_is_offered_as_their_own_stand_in(app: App, clock: FrozenClock) -> None:
    clock.set(TUESDAY)
    await make_person(app, "Bas Jeugd", themes=["jeugd"])
    await make_person(app, "Kwame Vervanger", themes=["jeugd"])
    ingrid = await make_person(app, "Ingrid Weg", themes=["schulden"])
    await Chat(app, "ingrid.weg").say("/ik afwezig tot 12 januari, vervanger Kwame Vervanger")
    chat = Chat(app, "bas.jeugd")
    for_bas = await chat.say("/wie schulden")
    assert for_bas.cards[0].name == "Kwame Vervanger"
    assert "vervangt Ingrid Weg" in for_bas.cards[0].note
    for_ingrid = await chat.as_("ingrid.weg").say("/wie schulden")
    assert all("vervangt" not in c.note for c in for_ingrid.cards)
    assert ingrid.id not in [c.person_id for c in for_ingrid.cards]


async def test_the_askers_wijken_and_acquaintances_still_count(app: App) -> None:
    bas = await make_person(app, "Bas Noord", themes=["jeugd"], wijken=["Noord"])
    await make_person(app, "Carla Molen", themes=["jeugd"], wijken=["Molenwijk"])
    await make_person(app, "Dirk Ook", themes=["jeugd"], wijken=["Noord"])
    await make_person(app, "Noor Noord", themes=["schulden"], wijken=["Noord"])
    molen = await make_person(app, "Mo Molenwijk", themes=["schulden"], wijken=["Molenwijk"])
    chat = Chat(app, "bas.noord")
    assert (await chat.say("/wie schulden")).cards[0].name == "Noor Noord"
    for_carla = await chat.as_("carla.molen").say("/wie schulden")
    assert for_carla.cards[0].name == "Mo Molenwijk"
    for_dirk = await chat.as_("dirk.ook").say("/wie schulden")
    assert for_dirk.cards[0].name == "Noor Noord"
    async with app.deps.uow() as uow:
        await record_acquaintance(uow.session, bas.id, molen.id, "handover", app.deps.clock.now())
        await uow.commit()
    for_bas = await chat.as_("bas.noord").say("/wie schulden")
    known = next(c for c in for_bas.cards if c.name == "Mo Molenwijk")
    assert "jullie kennen elkaar al" in known.note
    for_dirk = await chat.as_("dirk.ook").say("/wie schulden")
    assert for_dirk.cards[0].name == "Noor Noord"
    assert all("kennen elkaar" not in c.note for c in for_dirk.cards)


async def test_nothing_is_kept_in_a_minute_an_absence_turns(app: App, clock: FrozenClock) -> None:
    await make_person(app, "Bas Jeugd", themes=["jeugd"])
    await make_person(app, "Carla Wonen", themes=["wonen"])
    person = await make_person(app, "Ingrid Schuld", themes=["schulden"])
    start = datetime(2026, 11, 24, 10, 0, 30, tzinfo=UTC)
    async with app.deps.uow() as uow:
        found = await uow.session.get(Person, person.id)
        assert found is not None
        found.absent_from = start
        await uow.commit()
    clock.set(start - timedelta(seconds=20))
    chat = Chat(app, "bas.jeugd")
    assert (await chat.say("/wie schulden")).cards[0].reachable_now
    clock.set(start + timedelta(seconds=10))  # the same minute, now away
    away = await chat.as_("carla.wonen").say("/wie schulden")
    assert not away.cards[0].reachable_now and away.cards[0].reachability.startswith("afwezig")
    # A minute without a turn: kept again, and shared.
    clock.set(start + timedelta(minutes=1))
    first = await chat.as_("bas.jeugd").say("/wie schulden")
    assert await chat.as_("carla.wonen").say("/wie schulden") is first
