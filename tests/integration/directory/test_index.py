"""The in-memory index stays true: every write raises the version, every replica sees it.

Two bots on one database play two replicas: what one changes, the other shows in its
very next answer. The eval questions run through both the index and the SQL path on the
demo directory and must be answered the same.
"""

from __future__ import annotations

import asyncio
import random
import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select, update

from bot.bootstrap import App, build
from core.clock import FrozenClock
from core.config import Settings
from core.messages import Invocation
from directory.identity import IdentityRepository, record_acquaintance
from directory.index.entries import NO_PHONE
from directory.index.loading import load_everything
from directory.index.state import State
from directory.linking import issue, redeem
from directory.models import Account, Person
from directory.versioning import EVERYTHING, changed_since, changes_since, current_version
from tests.integration.directory.paths import search
from tests.support import Chat, make_person

EVAL = Path(__file__).resolve().parents[3] / "directory" / "data" / "eval" / "questions.toml"


@pytest.fixture
async def replica(settings: Settings, clock: FrozenClock, app: App) -> App:
    """A second bot on the same database (another process in production)."""
    other = build(replace(settings), clock=clock, rng=random.Random(7))
    yield other  # type: ignore[misc]
    await other.close()


async def cards(app: App, handle: str, line: str) -> list[str]:
    """The names on the cards of an answer."""
    reply = await Chat(app, handle).say(line)
    return [c.name for c in reply.cards]


async def test_every_eval_question_gets_the_same_answer_both_ways(demo_app: App) -> None:
    questions = tomllib.loads(EVAL.read_text(encoding="utf-8"))["question"]
    async with demo_app.deps.uow() as uow:
        asker = await uow.session.scalar(
            select(Person.id).where(Person.email == "s.bouzid@example.org")
        )
    for question in questions:
        await search(demo_app, question["text"], asker_id=asker, exclude={asker})
    # And the index really answers /wie: it was built, and nothing fell back to SQL.
    assert demo_app.deps.directory is not None and demo_app.deps.directory.ready


async def test_an_edit_on_one_replica_shows_at_once_on_the_other(
    demo_app: App, replica: App
) -> None:
    assert "Ingrid Veldkamp" in await cards(demo_app, "s.bouzid", "/wie werk")
    # Warm the second replica's index before the edit, so it must notice the change.
    assert "Ingrid Veldkamp" in await cards(replica, "s.bouzid", "/wie werk")
    await Chat(demo_app, "i.veldkamp").say("/ik themas jeugd")
    assert "Ingrid Veldkamp" not in await cards(replica, "s.bouzid", "/wie werk")
    assert "Ingrid Veldkamp" in await cards(replica, "s.bouzid", "/wie jeugd")
    await Chat(replica, "i.veldkamp").say("/ik telefoon 06-12345678")
    reply = await Chat(demo_app, "s.bouzid").say("/wie jeugd")
    card = next(c for c in reply.cards if c.name == "Ingrid Veldkamp")
    assert card.phone == "+31612345678"


async def test_a_new_wijk_and_an_absence_reach_the_other_replica(
    demo_app: App, replica: App
) -> None:
    assert await cards(replica, "s.bouzid", "/wie schulden")
    await Chat(demo_app, "i.veldkamp").say("/ik wijken Nieuwbouwwijk")
    reply = await Chat(replica, "s.bouzid").say("/wie schulden in Nieuwbouwwijk")
    assert reply.data["wijk"] == "Nieuwbouwwijk"
    assert reply.cards[0].name == "Ingrid Veldkamp"
    await Chat(demo_app, "i.veldkamp").say("/ik afwezig tot 12 januari, vervanger Kwame Mensah")
    reply = await Chat(replica, "s.bouzid").say("/wie schulden in Nieuwbouwwijk")
    assert reply.cards[0].name == "Kwame Mensah"
    assert "vervangt Ingrid Veldkamp" in reply.cards[0].note


async def test_someone_made_inactive_is_gone_from_answers_and_identity(
    app: App, replica: App
) -> None:
    gone = await make_person(app, "Vera Vertrokken", themes=["schulden"])
    await make_person(app, "Bram Blijft", themes=["schulden"])
    assert await cards(replica, "bram.blijft", "/wie schulden") == ["Vera Vertrokken"]
    async with app.deps.uow() as uow:
        person = await uow.session.get(Person, gone.id)
        assert person is not None
        person.active = False
        await uow.commit()
    reply = await Chat(replica, "bram.blijft").say("/wie schulden")
    assert "Vera Vertrokken" not in [c.name for c in reply.cards]
    # Her console account no longer speaks for a registered professional.
    reply = await Chat(replica, "vera.vertrokken").say("/wie schulden")
    assert reply.cards and reply.cards[0].phone is None


async def test_an_account_linked_elsewhere_is_known_at_once(app: App, replica: App) -> None:
    person = await make_person(app, "Nina Nieuw", themes=["schulden"])
    await make_person(app, "Olaf Ander", themes=["schulden"])
    stranger = await Chat(replica, "u_nina").say("/wie schulden")
    assert stranger.cards and stranger.cards[0].phone is None  # not registered: no numbers
    async with app.deps.uow() as uow:
        uow.session.add(
            Account(
                person_id=person.id,
                platform="console",
                external_id="u_nina",
                linked_at=app.deps.clock.now(),
            )
        )
        await uow.commit()
    reply = await Chat(replica, "u_nina").say("/wie schulden")
    assert [c.name for c in reply.cards] == ["Olaf Ander"]
    assert reply.cards[0].phone is not None


async def test_acquaintances_reach_the_ranking_of_the_other_replica(app: App, replica: App) -> None:
    asker = await make_person(app, "Anna Vraagt", themes=["jeugd"])
    await make_person(app, "Bert Eerst", themes=["schulden"])
    friend = await make_person(app, "Zoe Bekend", themes=["schulden"])
    assert await cards(replica, "anna.vraagt", "/wie schulden") == ["Bert Eerst", "Zoe Bekend"]
    async with app.deps.uow() as uow:
        await record_acquaintance(
            uow.session, asker.id, friend.id, "handover", app.deps.clock.now()
        )
        await uow.commit()
    assert await cards(replica, "anna.vraagt", "/wie schulden") == ["Zoe Bekend", "Bert Eerst"]


async def test_the_version_moves_with_the_write_and_only_then(app: App) -> None:
    person = await make_person(app, "Piet Pen", themes=["schulden"])
    async with app.deps.uow() as uow:
        before = await current_version(uow.session)
    async with app.deps.uow() as uow:
        found = await uow.session.get(Person, person.id)
        assert found is not None
        found.phone = "+31687654321"
        await uow.rollback()
    async with app.deps.uow() as uow:
        assert await current_version(uow.session) == before
        found = await uow.session.get(Person, person.id)
        assert found is not None
        found.phone = "+31687654321"
        await uow.commit()
    async with app.deps.uow() as uow:
        after = await current_version(uow.session)
        assert after == before + 1
        assert await changed_since(uow.session, before) == {person.id}


async def test_a_bulk_statement_that_names_nobody_reloads_everything(app: App) -> None:
    await make_person(app, "Piet Pen", themes=["schulden"])
    async with app.deps.uow() as uow:
        before = await current_version(uow.session)
        await uow.session.execute(update(Person).values(department="Nieuw"))
        await uow.commit()
    async with app.deps.uow() as uow:
        assert EVERYTHING in await changed_since(uow.session, before)
    assert app.deps.directory is not None
    state = await app.deps.directory.fresh()
    app.deps.directory.end_request()
    assert state is not None and {e.department for e in state.entries.values()} == {"Nieuw"}


async def test_a_bulk_statement_may_name_the_people_it_changes(app: App) -> None:
    person = await make_person(app, "Piet Pen", themes=["schulden"])
    async with app.deps.uow() as uow:
        before = await current_version(uow.session)
        await uow.session.execute(
            insert(Account)
            .values(
                person_id=person.id,
                platform="slack",
                external_id="upiet",
                linked_at=app.deps.clock.now(),
            )
            .execution_options(directory_people=(person.id,))
        )
        await uow.commit()
    async with app.deps.uow() as uow:
        assert await changed_since(uow.session, before) == {person.id}


async def test_the_listener_hears_a_write_of_another_process(app: App, replica: App) -> None:
    if app.settings.database.url.startswith("sqlite"):
        pytest.skip("LISTEN/NOTIFY is PostgreSQL's; SQLite checks the version every request")
    directory = replica.deps.directory
    assert directory is not None
    await directory.start()
    assert directory.listener.listening and not directory.listener.needs_check()
    await make_person(app, "Piet Pen", themes=["schulden"])
    for _ in range(100):
        if directory.listener.needs_check():
            break
        await asyncio.sleep(0.02)
    assert directory.listener.needs_check()
    assert "Piet Pen" in await cards(replica, "nobody", "/wie schulden")


async def test_linking_an_account_by_e_mail_reloads_only_that_person(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    async with app.deps.uow() as uow:
        before = await current_version(uow.session)
    reply = await app.dispatcher.handle(
        Invocation(
            platform="slack",
            account="U0FATIMA",
            chat="D1",
            is_direct=True,
            text="/help",
            email_hint="F.ElAmrani@example.org",
        )
    )
    assert "/help" in reply.text
    async with app.deps.uow() as uow:
        # Listed as a change of their accounts alone: the index reloads only those.
        assert await changes_since(uow.session, before) == (set(), {person.id})
    directory = app.deps.directory
    assert directory is not None
    state = await directory.fresh()
    directory.end_request()
    assert state is not None
    actor = directory.actor(state, "slack", "U0FATIMA")
    assert actor is not None and actor.person_id == person.id


async def test_a_link_after_an_edit_does_not_hide_the_edit_from_a_replica_behind_both(
    app: App,
) -> None:
    person = await make_person(app, "Piet Pen", themes=["schulden"])
    async with app.deps.uow() as uow:
        before = await current_version(uow.session)
        row = await uow.session.get(Person, person.id)
        assert row is not None
        row.phone = "+31687654321"
        await uow.commit()
    async with app.deps.uow() as uow:
        edited = await current_version(uow.session)
        row = await uow.session.get(Person, person.id)
        assert row is not None
        await IdentityRepository(uow.session).link(row, "slack", "UPIET", app.deps.clock.now())
        await uow.commit()
    async with app.deps.uow() as uow:
        # A copy that saw neither reloads the whole entry; one that saw the edit, the accounts.
        assert await changes_since(uow.session, before) == ({person.id}, set())
        assert await changes_since(uow.session, edited) == (set(), {person.id})


def _snapshot(state: State) -> dict[str, Any]:
    """What an index holds, with schedule class ids (numbered in the order they were first
    seen) replaced by their call windows and empty lists left out, so an index kept change
    by change and a fresh build compare equal exactly when they hold the same."""

    def windows(klass: int) -> object:
        return "no phone" if klass == NO_PHONE else state.schedules[klass]

    def by_class(lists: Any) -> dict[Any, Any]:
        return {
            key: {windows(k): list(ids) for k, ids in classes.items() if ids}
            for key, classes in lists.items()
            if any(classes.values())
        }

    lists = state.lists
    return {
        "version": state.version,
        "entries": {
            pid: replace(e, schedule=0) if e.schedule == NO_PHONE else replace(e, schedule=1)
            for pid, e in state.entries.items()
        },
        "schedules": {pid: windows(e.schedule) for pid, e in state.entries.items()},
        "accounts": state.accounts,
        "account_keys": {pid: sorted(state.keys_of(pid)) for pid in state.account_keys},
        "acquaintances": {pid: known for pid, known in state.acquaintances.items() if known},
        "roles": {role: ids for role, ids in state.roles.items() if ids},
        "holders": by_class(lists.holders),
        "in_wijk": by_class(lists.in_wijk),
        "town": by_class(lists.town),
        "pairs": by_class(lists.pairs),
        "triples": {k: ids for k, ids in lists.triples.items() if ids},
        "away": {k: ids for k, ids in lists.away.items() if ids},
        "themes": sorted(state.reference.themes),
        "wijken": sorted(state.reference.wijken),
    }


async def test_links_unlinks_and_edits_keep_the_index_equal_to_a_fresh_build(
    app: App, replica: App
) -> None:
    """Random links (by e-mail, by code, moved), unlinks and edits through the real code
    paths; the index of the process that wrote and of another replica, each kept change
    by change, must equal an index built from scratch afterwards."""
    rng = random.Random(20261207)
    now = app.deps.clock.now()
    names = ["Anna Aap", "Bram Beer", "Cor Cavia", "Dewi Das", "Eva Eend", "Fleur Fret"]
    people = [
        await make_person(
            app,
            name,
            themes=rng.sample(["schulden", "wonen", "jeugd", "werk", "wmo"], rng.randint(1, 3)),
            phone=rng.choice([None, "+31612345670"]),
        )
        for name in names
    ]
    handles = [n.lower().replace(" ", ".") for n in names]
    indexes = [app.deps.directory, replica.deps.directory]
    for index in indexes:
        assert index is not None
        await index.fresh()
        index.end_request()
    done: list[str] = []
    for step in range(80):
        person = rng.choice(people)
        kind = rng.choice(["email", "code", "move", "unlink", "edit", "edit", "active"])
        done.append(kind)
        if kind == "email":  # a Slack member's first message links them by e-mail
            await app.dispatcher.handle(
                Invocation(
                    platform="slack",
                    account=f"U{rng.randint(1, 8)}",
                    chat=f"D{step}",
                    is_direct=True,
                    text="/help",
                    email_hint=person.email,
                )
            )
        elif kind == "code":  # /koppel: a code redeemed on Telegram replaces the older link
            async with app.deps.uow() as uow:
                issued = await issue(
                    uow.session, person.id, issued_by=person.id, now=now, origin="console"
                )
                await redeem(uow.session, "telegram", str(rng.randint(1, 8)), issued.code, now)
                await uow.commit()
        elif kind == "move":  # an account taken over by someone else (delivery's link)
            async with app.deps.uow() as uow:
                row = await uow.session.get(Person, person.id)
                assert row is not None
                await IdentityRepository(uow.session).link(
                    row, rng.choice(["slack", "telegram"]), str(rng.randint(1, 8)), now
                )
                await uow.commit()
        elif kind == "unlink":
            async with app.deps.uow() as uow:
                accounts = list(
                    await uow.session.scalars(
                        select(Account).where(Account.platform != "console").order_by(Account.id)
                    )
                )
                if accounts:
                    await uow.session.delete(rng.choice(accounts))
                await uow.commit()
        elif kind == "edit":
            line = rng.choice(
                [
                    "/ik themas " + rng.choice(["schulden", "wonen; jeugd", "werk; wmo; schulden"]),
                    "/ik telefoon 06-1234567" + str(rng.randint(0, 9)),
                    "/ik wijken " + rng.choice(["Noord", "Zuid", "Noord; Zuid"]),
                ]
            )
            await Chat(rng.choice([app, replica]), handles[people.index(person)]).say(line)
        else:
            async with app.deps.uow() as uow:
                row = await uow.session.get(Person, person.id)
                assert row is not None
                row.active = not row.active
                await uow.commit()
        # Catch up now and then: sometimes one change at a time, sometimes several at once.
        for index in indexes:
            assert index is not None
            if rng.random() < 0.5:
                await index.fresh()
                index.end_request()
    assert {"email", "code", "move", "unlink", "edit", "active"} <= set(done)
    async with app.deps.uow() as uow:
        built = await load_everything(uow.session)
        linked = len(list(await uow.session.scalars(select(Account.id))))
    assert linked > len(people)  # links other than the console accounts survived
    for index in indexes:
        assert index is not None
        kept = await index.fresh()
        index.end_request()
        assert kept is not None and kept is not built
        assert _snapshot(kept) == _snapshot(built)
        assert kept.accounts == {k: p for p in kept.account_keys for k in kept.keys_of(p)}
