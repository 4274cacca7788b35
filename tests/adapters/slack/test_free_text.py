"""Mentions and direct messages are acknowledged only when answered or stored in the inbox,
and what a stopped process left there is answered once, in its thread or DM."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.adapters.slack.free_text import stored_body
from core import events, inbox
from core.messages import Reply
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person

DEAD = "dead0000dead0000dead0000dead0000"
DM = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": "/help"}
MENTION = {
    "type": "app_mention",
    "user": "U1",
    "channel": "C1",
    "ts": "1700000000.000100",
    "text": "<@UBOT> /help",
}


async def _rows(slack: SlackHarness) -> list[inbox.InboxItem]:
    async with slack.app.deps.uow() as uow:
        return list(await uow.session.scalars(select(inbox.InboxItem)))


async def _person(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="fatima@example.org")


async def _left_behind(
    slack: SlackHarness, event: dict[str, Any], event_id: str, **extra: Any
) -> int:
    """An event row as a process killed after its acknowledgement leaves it."""
    engine = slack.app.deps.uow.engine
    body = stored_body({"type": "event_callback", "event_id": event_id, "event": event})
    item = await inbox.store(
        engine,
        platform="slack",
        kind="event",
        account="U1",
        payload=body,
        instance=DEAD,
        now=slack.app.deps.clock.now() - extra.get("ago", timedelta(0)),
    )
    if "reply" in extra:
        await inbox.keep_reply(engine, item, extra["reply"])
    return item


async def test_a_quick_answer_is_posted_before_the_200(slack: SlackHarness) -> None:
    await _person(slack)
    answer = await slack.event(DM)
    assert answer.status == 200
    # Posted by the time Slack has its 200: nothing waited, nothing was stored.
    [post] = slack.fake.to("chat.postMessage")
    assert post.params["channel"] == "D1"
    assert "Wat ik kan" in post.blocks_text()
    assert await _rows(slack) == []


async def test_a_late_message_is_in_the_inbox_before_its_200_and_forgotten_once_answered(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    slack.fake.holds["users.info"] = asyncio.Event()  # Slack is slow to say who asked
    slack.adapter.listeners.window.seconds = 0.0
    answer = await slack.event(MENTION, event_id="Ev0LATE")
    assert answer.status == 200
    [row] = await _rows(slack)
    assert (row.kind, row.account) == ("event", "U1")
    assert row.payload == {
        "type": "event_callback",
        "event_id": "Ev0LATE",
        "event": MENTION,
    }
    assert not slack.fake.to("chat.postMessage")
    slack.fake.holds["users.info"].set()
    [post] = await slack.fake.wait_for("chat.postMessage")
    await slack.settle()
    assert post.params["thread_ts"] == "1700000000.000100"
    assert "Wat ik kan" in post.blocks_text()
    assert await _rows(slack) == []
    # Slack's retry of the same event (its 200 was late) has no second effect.
    again = await slack.event(MENTION, event_id="Ev0LATE", retry=1)
    await slack.settle()
    assert again.status == 200
    assert len(slack.fake.to("chat.postMessage")) == 1


async def test_a_message_with_a_bsn_is_never_stored(slack: SlackHarness) -> None:
    await _person(slack)
    slack.fake.holds["users.info"] = asyncio.Event()
    slack.adapter.listeners.window.seconds = 0.0
    answer = await slack.event({**DM, "text": "wie helpt 111222333"})
    assert answer.status == 200
    assert await _rows(slack) == []
    slack.fake.holds["users.info"].set()
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert "111222333" not in post.blocks_text()


async def test_what_a_stopped_process_left_is_answered_once_in_its_thread(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    # Older than a response_url lives: a thread does not expire, so it is still answered.
    await _left_behind(slack, MENTION, "Ev0LEFT", ago=timedelta(hours=2))
    assert await slack.adapter.recovery.run_once() == 1
    # A second look (or another replica) finds nothing more to answer.
    assert await slack.adapter.recovery.run_once() == 0
    await slack.settle()
    [post] = slack.fake.to("chat.postMessage")
    assert (post.params["channel"], post.params["thread_ts"]) == ("C1", "1700000000.000100")
    assert "Wat ik kan" in post.blocks_text()
    assert await _rows(slack) == []


async def test_a_kept_answer_is_sent_as_it_was_not_worked_out_again(slack: SlackHarness) -> None:
    await _person(slack)
    await _left_behind(slack, DM, "Ev0KEPT", reply=Reply(text="Al klaar: bel Joost."))
    await slack.adapter.recovery.run_once()
    [post] = slack.fake.to("chat.postMessage")
    assert post.params["channel"] == "D1"
    assert "Al klaar: bel Joost." in post.params["text"]


async def test_a_message_handled_but_not_answered_before_a_stop_is_answered_after_it(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    # It died after the handler and before the post: the event's claim was left open.
    async with slack.app.deps.uow() as uow:
        now = slack.app.deps.clock.now()
        assert await events.first_delivery(uow.session, "slack", "Ev0OPEN", now, instance=DEAD)
        await uow.commit()
    await _left_behind(slack, DM, "Ev0OPEN")
    assert await slack.adapter.recovery.run_once() == 1
    await slack.settle()
    [post] = slack.fake.to("chat.postMessage")
    assert post.params["channel"] == "D1"
    assert "Wat ik kan" in post.blocks_text()
    # Answered now, so a late redelivery of it is a duplicate.
    await slack.event(DM, event_id="Ev0OPEN", retry=3)
    await slack.settle()
    assert len(slack.fake.to("chat.postMessage")) == 1


async def test_a_message_a_running_process_answered_as_a_redelivery_is_not_answered_again(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    await slack.event(DM, event_id="Ev0AGAIN")  # Slack's redelivery, answered here
    await slack.settle()
    await _left_behind(slack, DM, "Ev0AGAIN")
    assert await slack.adapter.recovery.run_once() == 1
    await slack.settle()
    assert len(slack.fake.to("chat.postMessage")) == 1
    assert await _rows(slack) == []


async def test_messages_the_bot_does_not_answer_are_acknowledged_and_not_stored(
    slack: SlackHarness,
) -> None:
    await _person(slack)
    slack.adapter.listeners.window.seconds = 0.0
    answers = [
        await slack.event({**DM, "subtype": "message_changed"}),
        await slack.event({**DM, "user": "U2", "bot_id": "BOTHER"}),
        await slack.event({**MENTION, "channel": "D1"}),  # arrives as message.im too
        await slack.event({"type": "reaction_added", "user": "U1"}),
    ]
    await slack.settle()
    assert [a.status for a in answers] == [200, 200, 200, 200]
    assert slack.fake.to("chat.postMessage") == []
    assert await _rows(slack) == []
