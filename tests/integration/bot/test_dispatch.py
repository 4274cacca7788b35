"""The dispatch path: identity, language, guards, unknown commands, forms and duplicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.event import listen, remove

from bot.bootstrap import App
from bot.dispatch import Dispatcher
from bot.render_text import render
from bot.ticker import Presence
from core.events import ProcessedEvent
from core.messages import Field, Form, Invocation, Reply
from directory.identity import IdentityRepository
from directory.models import Person
from handlers.base import Command, CommandSpec, Deps, FormSpec
from tests.conftest import BACKEND
from tests.support import Chat, make_person


async def test_help_answers_in_dutch(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    reply = await chat.say("/help")
    assert "Wat ik kan" in render(reply)
    assert "/help" in reply.text and "/taal" in reply.text


async def test_language_is_per_user(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org", language="en")
    assert "What I can do" in render(await chat.as_("joost").say("/help"))
    assert "Wat ik kan" in render(await chat.as_("f.elamrani").say("/help"))
    changed = await chat.say("/taal en")
    assert changed.text == "From now on I'll speak English with you."
    assert "What I can do" in render(await chat.say("/help"))


async def test_a_mistake_is_explained_in_the_language_the_user_chose(app: App, chat: Chat) -> None:
    await make_person(app, "Joost de Wit", email="joost@example.org", language="en")
    # The console gives no language hint; Joost chose English with /taal en.
    reply = await chat.as_("joost").say("/ik telefoon 06-1234")
    assert reply.text.startswith('"06-1234" is not a valid phone number.')


async def test_unknown_account_gets_onboarding_not_an_error(app: App) -> None:
    reply = await app.dispatcher.handle(
        Invocation(platform="console", account="nobody", chat="c", text="/taal en")
    )
    assert reply.data == {"registered": False}
    assert "Welkom bij Groene Krokodil" in reply.text
    public = await app.dispatcher.handle(
        Invocation(platform="console", account="nobody", chat="c", text="/help")
    )
    assert "Wat ik kan" in render(public)


async def test_unknown_command_suggests_close_ones(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    reply = await chat.say("/hlep")
    assert "/hlep ken ik niet" in reply.text
    assert "help" in reply.data["suggestions"]
    nothing = await chat.say("/xyzzyq")
    assert "Typ /help" in nothing.text
    # Short words are not stretched to fit part of a longer command.
    assert (await chat.say("/foo")).data["suggestions"] == []
    # "wei" is one letter from /wie and from /web; the closer-ranked /wie comes first.
    assert (await chat.say("/wei")).data["suggestions"] == ["wie", "web"]
    assert (await chat.say("/koppelen")).data["suggestions"] == ["koppel"]


async def test_bsn_is_refused_before_anything_happens(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    reply = await chat.say("/taal 123456782")
    assert "BSN" in reply.text
    assert app.metrics.commands.labels(command="bsn_refused", platform="console")._value.get() == 1


async def test_same_event_twice_has_one_effect(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    event = Invocation(
        platform="console", account="f.elamrani", chat="c", text="/taal en", event_id="evt-1"
    )
    first = await app.dispatcher.handle(event)
    second = await app.dispatcher.handle(event)
    assert first.data == {"language": "en"}
    assert second.data == {"duplicate": True}


async def test_a_redelivery_to_the_same_process_is_known_without_the_database(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    event = Invocation(
        platform="console", account="f.elamrani", chat="c", text="/taal en", event_id="evt-2"
    )
    assert (await app.dispatcher.handle(event)).data == {"language": "en"}
    async with app.deps.uow() as uow:
        await uow.session.execute(delete(ProcessedEvent))
        await uow.commit()
    assert (await app.dispatcher.handle(event)).data == {"duplicate": True}


async def test_a_known_persons_event_costs_one_statement_before_it_is_answered(
    app: App,
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")

    def event(event_id: str, text: str = "/help") -> Invocation:
        # Telegram has no modals, so whether a form is open matters.
        return Invocation(
            platform="telegram", account="f.elamrani", chat="c", text=text, event_id=event_id
        )

    async with app.deps.uow() as uow:
        await IdentityRepository(uow.session).link(
            await uow.session.get_one(Person, 1), "telegram", "f.elamrani", app.deps.clock.now()
        )
        await uow.commit()
    await app.dispatcher.handle(event("evt-warm"))  # the index catches up with the link
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    listen(app.engine.sync_engine, "before_cursor_execute", seen)
    try:
        # Claimed: an unknown command is not declared a read (nor is the answer to this
        # invocation said to ride in the acknowledgement: see the next test).
        reply = await app.dispatcher.handle(event("evt-counted", "/onbekend"))
    finally:
        remove(app.engine.sync_engine, "before_cursor_execute", seen)
    assert "/onbekend ken ik niet" in render(reply)
    [claim] = statements
    assert claim.startswith("INSERT INTO processed_events")
    # Whether a form is open is known in memory (core.open_forms; on SQLite, a quick read
    # outside the engine): the claim asks nothing about forms.
    assert "conversations" not in claim
    # The finished marks are written together a moment later, or when asked to.
    await app.dispatcher.events.flush()
    async with app.deps.uow() as uow:
        rows = list(await uow.session.scalars(select(ProcessedEvent)))
    assert {(r.event_id, r.finished) for r in rows} == {("evt-warm", True), ("evt-counted", True)}
    # Another process (a new ledger, nothing in memory) sees the redelivery as a duplicate.
    again = Dispatcher(app.deps, app.metrics)
    assert (await again.handle(event("evt-counted", "/onbekend"))).data == {"duplicate": True}


async def test_a_read_is_claimed_in_memory_only_and_a_redelivery_answered_again(
    app: App,
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org", themes=["schulden"])

    def event(text: str) -> Invocation:
        # A Telegram message in a private chat: its answer rides in the webhook's 200.
        return Invocation(
            platform="telegram",
            account="f.elamrani",
            chat="c",
            text=text,
            event_id="evt-read",
            answer_in_ack=True,
        )

    async with app.deps.uow() as uow:
        await IdentityRepository(uow.session).link(
            await uow.session.get_one(Person, 1), "telegram", "f.elamrani", app.deps.clock.now()
        )
        await uow.commit()
    await app.dispatcher.handle(event("/onbekend"))  # the index catches up with the link
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    listen(app.engine.sync_engine, "before_cursor_execute", seen)
    try:
        for event_id, text in (("r1", "/wie schulden"), ("r2", "wie kan helpen met schulden")):
            inv = replace(event(text), event_id=event_id)
            reply = await app.dispatcher.handle(inv, finish=False)
            assert [c.name for c in reply.cards] == ["Joost de Wit"]
            # While it is being answered a redelivery is a duplicate; once answered, it is
            # answered again (Telegram sends it again only when its 200, which may have
            # carried the answer, never came).
            assert (await app.dispatcher.handle(inv)).data == {"duplicate": True}
            await app.dispatcher.finish(inv)
            assert [c.name for c in (await app.dispatcher.handle(inv)).cards] == ["Joost de Wit"]
    finally:
        remove(app.engine.sync_engine, "before_cursor_execute", seen)
    if BACKEND == "postgresql":
        assert statements == []  # identity, forms and directory from memory; no claim
    assert not [s for s in statements if "processed_events" in s]
    await app.dispatcher.events.flush()
    async with app.deps.uow() as uow:
        rows = list(await uow.session.scalars(select(ProcessedEvent.event_id)))
    assert rows == ["evt-read"]  # the unknown command before is not declared a read
    # Where the answer goes apart from the acknowledgement (a Slack event, retried after
    # 3 s, perhaps to another replica), a read is claimed in the database as before.
    apart = replace(event("/wie schulden"), event_id="evt-apart", answer_in_ack=False)
    assert [c.name for c in (await app.dispatcher.handle(apart)).cards] == ["Joost de Wit"]
    assert (await Dispatcher(app.deps, app.metrics).handle(apart)).data == {"duplicate": True}


async def _claimed(app: App, event_id: str, instance: str) -> None:
    """A claim as a process leaves it when it is killed in the middle of the handler."""
    async with app.deps.uow() as uow:
        uow.session.add(
            ProcessedEvent(
                platform="console",
                event_id=event_id,
                at=datetime(2026, 11, 25, 9, tzinfo=UTC),
                instance=instance,
                finished=False,
            )
        )
        await uow.commit()


async def test_an_event_a_stopped_process_left_unfinished_is_redone_once(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await _claimed(app, "evt-killed", "0badc0de" * 4)
    event = Invocation(
        platform="console", account="f.elamrani", chat="c", text="/taal en", event_id="evt-killed"
    )
    assert (await app.dispatcher.handle(event)).data == {"language": "en"}
    assert (await app.dispatcher.handle(event)).data == {"duplicate": True}


async def test_an_event_this_process_is_still_handling_is_a_duplicate(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await _claimed(app, "evt-busy", app.deps.instance)
    event = Invocation(
        platform="console", account="f.elamrani", chat="c", text="/taal en", event_id="evt-busy"
    )
    assert (await app.dispatcher.handle(event)).data == {"duplicate": True}


async def test_an_event_another_living_process_handles_is_left_to_it(app: App) -> None:
    """On PostgreSQL the other process's presence lock says it lives; SQLite is one process."""
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    other = replace(app.deps, instance="5eed5eed" * 4)
    await _claimed(app, "evt-other", other.instance)
    event = Invocation(
        platform="console", account="f.elamrani", chat="c", text="/taal en", event_id="evt-other"
    )
    presence = Presence(other)
    await presence.hold()
    try:
        first = await app.dispatcher.handle(event)
    finally:
        await presence.release()
    if BACKEND == "postgresql":
        assert first.data == {"duplicate": True}
        # Its process stopped without finishing: the next delivery redoes the event.
        assert (await app.dispatcher.handle(event)).data == {"language": "en"}
    else:
        assert first.data == {"language": "en"}
    assert (await app.dispatcher.handle(event)).data == {"duplicate": True}


async def test_linking_by_email_hint(app: App) -> None:
    person = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    reply = await app.dispatcher.handle(
        Invocation(
            platform="slack",
            account="U123",
            chat="D1",
            text="/taal en",
            email_hint="F.ElAmrani@example.org",
        )
    )
    assert reply.data == {"language": "en"}
    from core.audit import trail

    async with app.deps.uow() as uow:
        entries = await trail(uow.session, "person", person.id)
    assert [e.action for e in entries] == ["account.linked_by_email"]


async def _ask(cmd: Command, deps: Deps) -> Reply:
    form = Form(
        form_id="test.form",
        title="Testformulier",
        fields=(
            Field("need", "Wat heeft de inwoner nodig?"),
            Field("note", "Opmerking", required=False),
            Field("ok", "Weet de inwoner ervan?", kind="confirm"),
        ),
    )
    return Reply(form=form)


async def _submit(cmd: Command, deps: Deps) -> Reply:
    assert cmd.invocation.submission is not None
    return Reply(text="klaar", data=dict(cmd.invocation.submission.values))


async def test_form_becomes_a_step_by_step_conversation(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    app.deps.registry.command(CommandSpec("testform", _ask, "test", "/testform"))
    app.deps.registry.form(FormSpec("test.form", _submit))
    await chat.script(
        [
            ("/testform", ["Vraag 1 van 3", "Wat heeft de inwoner nodig?"]),
            ("hulp bij de huur", ["Vraag 2 van 3", "Typ - om over te slaan"]),
            ("-", ["Vraag 3 van 3"]),
            ("misschien", ["Antwoord met ja of nee"]),
            ("1", ["klaar"]),
        ]
    )
    assert chat.replies[-1].data == {"need": "hulp bij de huur", "ok": "ja"}


async def test_a_bsn_in_a_form_answer_is_refused_and_the_form_waits(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    app.deps.registry.command(CommandSpec("testform", _ask, "test", "/testform"))
    app.deps.registry.form(FormSpec("test.form", _submit))
    await chat.say("/testform")
    refused = await chat.say("inwoner 111 222 333")
    assert "BSN" in refused.text
    assert "Vraag 2 van 3" in (await chat.say("huurachterstand")).text
    assert (await chat.say("annuleren")).text == "Gestopt. Er is niets opgeslagen."
