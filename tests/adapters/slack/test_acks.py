"""Acknowledge only what is done or stored: answers in the acknowledgement, the inbox for
slower ones, and the recovery of what a stopped process left there."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.adapters.slack import inbound
from bot.adapters.slack.acks import PLACEHOLDER_KEY
from core import events, inbox
from core.messages import Reply
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person

DEAD = "dead0000dead0000dead0000dead0000"


async def _rows(slack: SlackHarness) -> int:
    async with slack.app.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(inbox.InboxItem)))


async def _person(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="fatima@example.org")


def _command(slack: SlackHarness, text: str = "/help") -> dict[str, Any]:
    word, _, rest = text.partition(" ")
    return {
        "command": word,
        "text": rest,
        "user_id": "U1",
        "channel_id": "C1",
        "trigger_id": "trigger.x",
        "response_url": slack.fake.response_url(),
    }


async def _left_behind(slack: SlackHarness, body: dict[str, Any], **extra: Any) -> int:
    """A row as a process killed after its acknowledgement leaves it."""
    now = slack.app.deps.clock.now() - extra.pop("ago", timedelta(0))
    engine = slack.app.deps.uow.engine
    item = await inbox.store(
        engine,
        platform="slack",
        kind=extra.pop("kind", "command"),
        account="U1",
        payload=body,
        instance=DEAD,
        now=now,
    )
    if "reply" in extra:
        await inbox.keep_reply(engine, item, extra["reply"])
    return item


async def test_a_quick_answer_travels_in_the_acknowledgement(slack: SlackHarness) -> None:
    await _person(slack)
    answer = await slack.command("/help")
    await slack.settle()
    assert answer.json()["response_type"] == "ephemeral"
    assert "Wat ik kan" in str(answer.json()["blocks"])
    [shown] = slack.fake.to("respond")
    assert shown.params["in_ack"]  # nothing went to the response_url
    assert await _rows(slack) == 0  # and nothing was written to the inbox


async def test_a_slow_answer_is_stored_before_the_ack_and_forgotten_once_sent(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    slack.adapter.listeners.window.seconds = 0.0
    answer = await slack.command("/help")
    # Acknowledged with a placeholder, shown as the answer will be (only for the asker).
    assert answer.json() == {"text": "Even zoeken…", "response_type": "ephemeral"}
    await slack.settle()
    [shown] = slack.fake.posted()
    assert "Wat ik kan" in shown.blocks_text()
    assert shown.params["replace_original"] is True
    # The answer took the placeholder's place: one message.
    [seen] = slack.fake.visible(shown.params["response_url"])
    assert "Wat ik kan" in seen["text"]
    assert await _rows(slack) == 0


async def test_the_placeholder_is_in_the_askers_language_and_kind(slack: SlackHarness) -> None:
    await _person(slack)
    slack.fake.users["U1"].locale = "en-GB"
    await slack.command("/help", channel="D1")  # answered in the ack: the profile is known now
    slack.adapter.listeners.window.seconds = 0.0
    answer = await slack.command("/help", channel="D1")  # the DM with the bot (D + user id)
    assert answer.json() == {"text": "One moment…", "response_type": "in_channel"}
    await slack.settle()
    [shown] = slack.fake.posted()
    assert shown.params["response_type"] == "in_channel"


async def test_a_button_press_is_answered_before_its_acknowledgement(slack: SlackHarness) -> None:
    await _person(slack)
    await slack.click("help.command~0", "/help")
    # The answer was at the response_url before the press was acknowledged.
    [shown] = slack.fake.to("respond")
    assert shown.params
    assert await _rows(slack) == 0


async def test_what_a_stopped_process_left_is_answered_once(slack: SlackHarness) -> None:
    await _person(slack)
    await _left_behind(slack, _command(slack, "/help"))
    assert await slack.adapter.recovery.run_once() == 1
    await slack.settle()
    [shown] = slack.fake.to("respond")
    assert "Wat ik kan" in shown.blocks_text()
    # A second look (or another replica) finds nothing more to answer.
    assert await slack.adapter.recovery.run_once() == 0
    assert await _rows(slack) == 0


async def test_an_answer_sent_again_after_a_crash_replaces_the_same_message(
    slack: SlackHarness,
) -> None:
    """Killed after posting the answer and before forgetting the row: recovery posts it again,
    and the asker still sees one message (the placeholder, replaced twice)."""
    await _person(slack)
    body = _command(slack, "/help")
    placeholder = {"text": "Even zoeken…", "response_type": "ephemeral"}
    slack.fake.shown_in_ack(body["response_url"], placeholder)
    stored = {**body, PLACEHOLDER_KEY: placeholder}
    await _left_behind(slack, stored, reply=Reply(text="Al klaar: bel Joost."))
    await _left_behind(slack, stored, reply=Reply(text="Al klaar: bel Joost."))  # the same, twice
    assert await slack.adapter.recovery.run_once() == 2
    assert len(slack.fake.posted()) == 2  # on the wire: twice
    [seen] = slack.fake.visible(body["response_url"])  # for the asker: once
    assert "Al klaar: bel Joost." in seen["text"] and seen["response_type"] == "ephemeral"


async def test_an_answer_worked_out_by_recovery_is_kept_before_it_is_sent(
    slack: SlackHarness,
) -> None:
    """A second kill while recovery sends the answer leaves the reply, not the work, to redo."""
    await _person(slack)
    await _left_behind(slack, _command(slack, "/help"))
    kept: list[bool] = []

    async def look(_: dict[str, Any]) -> None:
        async with slack.app.deps.uow() as uow:
            rows = (await uow.session.scalars(select(inbox.InboxItem))).all()
        kept.extend(row.reply is not None for row in rows)

    slack.fake.on_respond = look
    assert await slack.adapter.recovery.run_once() == 1
    assert kept == [True]
    assert await _rows(slack) == 0


async def test_a_kept_answer_is_sent_as_it_was_not_worked_out_again(slack: SlackHarness) -> None:
    await _person(slack)
    await _left_behind(slack, _command(slack, "/help"), reply=Reply(text="Al klaar: bel Joost."))
    await slack.adapter.recovery.run_once()
    [shown] = slack.fake.to("respond")
    assert "Al klaar: bel Joost." in shown.params["text"]


async def test_a_question_older_than_its_response_url_gets_a_direct_message(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    await _left_behind(slack, _command(slack, "/wie schulden"), ago=timedelta(minutes=31))
    await slack.adapter.recovery.run_once()
    await slack.settle()
    assert not slack.fake.to("respond")
    [dm] = slack.fake.to("chat.postMessage")
    assert "niet op tijd" in dm.blocks_text()
    assert "/wie" in dm.blocks_text()
    assert await _rows(slack) == 0


async def test_a_row_of_a_living_process_is_left_to_it(slack: SlackHarness) -> None:
    await _person(slack)
    engine = slack.app.deps.uow.engine
    await inbox.store(
        engine,
        platform="slack",
        kind="command",
        account="U1",
        payload=_command(slack),
        instance=slack.app.deps.instance,
        now=slack.app.deps.clock.now(),
    )
    assert await slack.adapter.recovery.run_once() == 0
    assert await _rows(slack) == 1


async def test_an_answer_the_response_url_no_longer_takes_goes_to_the_dm(
    slack: SlackHarness,
) -> None:
    """Slack takes posts at a response_url for 30 minutes; a refused answer is not lost."""
    await _person(slack)
    body = {**_command(slack, "/help"), "response_url": slack.fake.response_url(age=31 * 60)}
    await _left_behind(slack, body)  # young by the bot's clock, but Slack's URL has expired
    assert await slack.adapter.recovery.run_once() == 1
    await slack.settle()
    assert len(slack.fake.posted()) == 1  # tried once, refused
    assert slack.fake.visible(body["response_url"]) == []
    [dm] = slack.fake.to("chat.postMessage")
    assert dm.params["channel"] == "D1" and "Wat ik kan" in dm.blocks_text()


async def test_a_late_reply_is_kept_while_it_is_sent_and_forgotten_after(
    slack: SlackHarness,
) -> None:
    """Killed while the answer is on its way, recovery sends the kept reply, not a new one."""
    kept: list[str] = []
    work: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
    work.set_result((None, Reply(text="Al klaar: bel Joost."), None))

    async def ack(*_: Any) -> None:
        """Slack's acknowledgement (nothing to check here)."""

    async def deliver(_: Any) -> None:
        async with slack.app.deps.uow() as uow:
            rows = (await uow.session.scalars(select(inbox.InboxItem))).all()
        kept.extend(Reply.from_json(row.reply).text for row in rows if row.reply)

    await slack.adapter.listeners.window.later(ack, _command(slack), "command", work, deliver)
    assert kept == ["Al klaar: bel Joost."]
    assert await _rows(slack) == 0


def _press(
    slack: SlackHarness, action_ts: str, button: tuple[str, str] = ("help.command~0", "/help")
) -> dict[str, Any]:
    """A block_actions payload: U1 presses a button (by default one the bot no longer knows)
    in a message (one message per press, so the double-click filter leaves them alone)."""
    return {
        "type": "block_actions",
        "user": {"id": "U1"},
        "team": {"id": "T1"},
        "trigger_id": "trigger.press",
        "actions": [
            {
                "type": "button",
                "action_id": button[0],
                "block_id": "b",
                "value": button[1],
                "action_ts": action_ts,
            }
        ],
        "container": {"type": "message", "message_ts": action_ts, "channel_id": "C1"},
        "channel": {"id": "C1"},
        "response_url": slack.fake.response_url(),
    }


async def test_a_press_left_behind_is_answered_at_most_once(slack: SlackHarness) -> None:
    """A press's answer is a new message (nothing to replace); recovery redoes it through the
    dispatcher's event claim, so one already handled is not answered again."""
    await _person(slack)
    handled = _press(slack, "1700000100.000100")
    await slack.interaction(handled)  # answered before its acknowledgement
    await _left_behind(slack, handled, kind="action")  # and its row, as a kill leaves it
    pending = _press(slack, "1700000200.000100")
    await _left_behind(slack, pending, kind="action")  # never handled
    assert await slack.adapter.recovery.run_once() == 2
    await slack.settle()
    assert len(slack.fake.visible(handled["response_url"])) == 1  # not a second time
    [answer] = slack.fake.visible(pending["response_url"])
    assert answer["replace_original"] is False  # a new message below the button
    assert await _rows(slack) == 0


async def test_a_late_press_is_marked_handled_before_it_is_answered(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finished marks are written in batches; a press in the inbox does not wait for the batch,
    so a kill after its answer leaves recovery a duplicate, not a second answer."""
    monkeypatch.setattr(events, "FINISH_DELAY", 600.0)  # no batch write during this test
    await _person(slack)
    slack.adapter.listeners.window.seconds = 0.0
    await slack.click("help.command~0", "/help")
    await slack.settle()
    assert slack.fake.posted()
    async with slack.app.deps.uow() as uow:
        marks = (await uow.session.scalars(select(events.ProcessedEvent.finished))).all()
    assert marks == [True]
    assert await _rows(slack) == 0


async def test_a_press_killed_before_its_kept_answer_was_posted_is_answered_once(
    slack: SlackHarness,
) -> None:
    """Handled, marked handled and its reply kept, then killed before the post: recovery sends
    the kept reply (the event claim would make a redo a duplicate that posts nothing)."""
    await _person(slack)
    body = _press(slack, "1700000300.000100", ("home.command~0", "help"))
    listeners = slack.adapter.listeners
    profile = await listeners.profiles.get("U1")
    pressed = inbound.pressed(body["actions"][0])
    assert pressed is not None
    inv = inbound.action_invocation(body, *pressed, "1700000300.000100", profile)
    reply = await listeners.dispatcher.handle(inv)
    await listeners.dispatcher.events.flush()
    await _left_behind(slack, body, kind="action", reply=reply)
    assert await slack.adapter.recovery.run_once() == 1
    await slack.settle()
    [answer] = slack.fake.visible(body["response_url"])
    assert "Wat ik kan" in str(answer["blocks"]) and answer["replace_original"] is False
    assert await slack.adapter.recovery.run_once() == 0
    assert await _rows(slack) == 0


async def test_a_late_press_keeps_its_reply_and_mark_while_it_is_answered(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a press from the inbox is posted, its row holds the reply and the press is marked
    handled; the row is gone after."""
    monkeypatch.setattr(events, "FINISH_DELAY", 600.0)  # no batch write during this test
    await _person(slack)
    seen: list[tuple[bool, list[bool]]] = []

    async def look(_: dict[str, Any]) -> None:
        async with slack.app.deps.uow() as uow:
            rows = (await uow.session.scalars(select(inbox.InboxItem))).all()
            marks = (await uow.session.scalars(select(events.ProcessedEvent.finished))).all()
        seen.extend((row.reply is not None, list(marks)) for row in rows)

    slack.fake.on_respond = look
    slack.adapter.listeners.window.seconds = 0.0
    await slack.click("home.command~0", "help")
    await slack.settle()
    [answer] = slack.fake.posted()
    assert "Wat ik kan" in answer.blocks_text()
    assert seen == [(True, [True])]
    assert await _rows(slack) == 0


async def test_a_modal_result_left_behind_is_sent_to_the_dm_once(slack: SlackHarness) -> None:
    """A modal's result kept before its acknowledgement, then killed before the DM: recovery
    sends the kept result (not the "not handled in time" message), once."""
    await _person(slack)
    result = Reply(text="Je thema's zijn nu: Schulden en Wonen")
    await _left_behind(slack, {"chat": "U1", "home": False}, kind="view", reply=result)
    assert await slack.adapter.recovery.run_once() == 1
    await slack.settle()
    [told] = slack.fake.to("chat.postMessage")
    assert "Schulden en Wonen" in str(told.params) and told.params["channel"] == "D1"
    assert await slack.adapter.recovery.run_once() == 0
    assert await _rows(slack) == 0


async def test_a_modal_result_is_in_the_inbox_until_it_reached_the_dm(
    slack: SlackHarness,
) -> None:
    """The profile modal from the App Home: while its result goes to the DM the inbox holds
    it (so a kill then loses nothing); afterwards the row is gone."""
    await make_person(
        slack.app, "Fatima el Amrani", email="fatima@example.org", themes=["schulden"]
    )
    slack.fake.add_user("U1", email="fatima@example.org")
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    [home] = await slack.fake.wait_for("views.publish")
    await slack.click(*home.button("Profiel bewerken"), user="U1", home=True)
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    initial = {
        b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if "element" in b
    }
    responder = slack.adapter.listeners.responder
    original = responder.to_user
    kept: list[list[str | None]] = []

    async def to_user(user: str, reply: Reply) -> None:
        async with slack.app.deps.uow() as uow:
            rows = (await uow.session.scalars(select(inbox.InboxItem))).all()
        kept.append([(row.reply or {}).get("text") for row in rows if row.kind == "view"])
        await original(user, reply)

    responder.to_user = to_user  # type: ignore[method-assign]
    await slack.submit(view, {**initial, "themes": "Schulden; Wonen"})
    await slack.settle()
    [[text]] = kept
    assert text is not None and "Schulden en Wonen" in text
    told = [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert len(told) == 1 and "Schulden en Wonen" in told[0].blocks_text()
    assert await _rows(slack) == 0
