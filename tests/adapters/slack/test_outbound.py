"""Sending: DMs and channel posts from the outbox, files, pacing, 429 storms, no silent drops."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.adapters.base import DeliveryError, Target
from bot.adapters.slack import SlackAdapter
from bot.adapters.slack.outbound import ChannelPacer
from core import outbox
from core.clock import FrozenClock
from core.messages import Attachment, Recipient, Reply
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def _queue_for(slack: SlackHarness, person_id: int, text: str) -> None:
    async with slack.app.deps.uow() as uow:
        await outbox.enqueue(
            uow.session,
            Recipient(person_id=person_id),
            Reply(text=text),
            now=slack.app.deps.clock.now(),
        )
        await uow.commit()


async def _pending(slack: SlackHarness) -> list[outbox.OutboxMessage]:
    async with slack.app.deps.uow() as uow:
        rows = await uow.session.scalars(
            select(outbox.OutboxMessage).where(outbox.OutboxMessage.sent_at.is_(None))
        )
        return list(rows)


async def test_a_dm_opens_the_conversation_first(slack: SlackHarness) -> None:
    ref = await slack.adapter.send(Target(platform="slack", user="u0abc123"), Reply(text="Hoi"))
    [opened] = slack.fake.to("conversations.open")
    assert opened.params["users"] == "U0ABC123"  # accounts are stored lowercase
    [post] = slack.fake.to("chat.postMessage")
    assert post.params["channel"] == "D0ABC123"
    assert ref.startswith("1700000000.")  # the message ts, for the outbox's record


async def test_a_channel_post_goes_straight_to_the_channel(slack: SlackHarness) -> None:
    await slack.adapter.send(Target(platform="slack", chat="C0KNELPUNT"), Reply(text="Nieuw"))
    assert slack.fake.to("conversations.open") == []
    assert slack.fake.to("chat.postMessage")[0].params["channel"] == "C0KNELPUNT"


async def test_a_never_seen_colleague_is_found_by_email(slack: SlackHarness) -> None:
    joost = await make_person(slack.app, "Joost de Wit", email="joost@example.org")
    slack.fake.add_user("U7", email="joost@example.org")
    await _queue_for(slack, joost.id, "Fatima wil je iets overdragen")
    await slack.app.delivery.flush()
    [post] = slack.fake.to("chat.postMessage")
    assert post.params["channel"] == "D7"
    # Linked now: the next message needs no lookup.
    await _queue_for(slack, joost.id, "Nog een bericht")
    await slack.app.delivery.flush()
    assert len(slack.fake.to("users.lookupByEmail")) == 1
    assert len(slack.fake.to("chat.postMessage")) == 2


async def test_a_429_storm_delays_the_message_but_delivers_it_once(slack: SlackHarness) -> None:
    joost = await make_person(slack.app, "Joost de Wit", email="joost@example.org")
    slack.fake.add_user("U7", email="joost@example.org")
    slack.fake.throttle("chat.postMessage", times=2, retry_after=0)
    await _queue_for(slack, joost.id, "Herinnering: intervisie morgen")
    await slack.app.delivery.flush()
    assert len(slack.fake.to("chat.postMessage:429")) == 2
    [post] = slack.fake.to("chat.postMessage")
    assert "intervisie morgen" in post.blocks_text()
    assert await _pending(slack) == []


async def test_a_message_slack_keeps_refusing_waits_in_the_outbox(
    slack: SlackHarness, clock: FrozenClock
) -> None:
    impatient = SlackAdapter(slack.app, pacing_seconds=0.0, rate_limit_retries=1)
    slack.app.add_adapter(impatient)
    joost = await make_person(slack.app, "Joost de Wit", email="joost@example.org")
    slack.fake.add_user("U7", email="joost@example.org")
    slack.fake.throttle("chat.postMessage", times=5, retry_after=0)
    await _queue_for(slack, joost.id, "Herinnering: intervisie morgen")
    assert await slack.app.delivery.run_once() == 0
    [waiting] = await _pending(slack)
    assert waiting.attempts == 1
    assert slack.fake.to("chat.postMessage") == []
    # Later the storm is over and the outbox tries again.
    slack.fake.throttled.clear()
    clock.advance(timedelta(minutes=10))
    assert await slack.app.delivery.run_once() == 1
    assert len(slack.fake.to("chat.postMessage")) == 1


async def test_a_slack_error_raises_delivery_error(slack: SlackHarness) -> None:
    slack.fake.failing["chat.postMessage"] = "channel_not_found"
    with pytest.raises(DeliveryError, match="channel_not_found"):
        await slack.adapter.send(Target(platform="slack", chat="C0GONE"), Reply(text="Hoi"))


async def test_files_go_up_with_the_external_upload_flow(slack: SlackHarness) -> None:
    invite = Attachment("intervisie.ics", "text/calendar", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR")
    await slack.adapter.send(
        Target(platform="slack", chat="C0AGENDA"), Reply(text="Uitnodiging", attachments=(invite,))
    )
    [asked] = slack.fake.to("files.getUploadURLExternal")
    assert asked.params["filename"] == "intervisie.ics"
    assert int(asked.params["length"]) == len(invite.content)
    [uploaded] = slack.fake.to("upload")
    assert uploaded.params["size"] == len(invite.content)
    [done] = slack.fake.to("files.completeUploadExternal")
    assert done.params["channel_id"] == "C0AGENDA"


async def test_an_answer_slack_refuses_is_retried_into_the_dm(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="fatima@example.org")
    slack.fake.respond_status = 404
    # An answer later than the acknowledgement goes to the response_url, which refuses it.
    slack.adapter.listeners.window.seconds = 0.0
    await slack.command("/help")
    await slack.fake.wait_for("respond")
    await slack.settle()
    [post] = slack.fake.to("chat.postMessage")
    assert post.params["channel"] == "D1"
    assert "Wat ik kan" in post.blocks_text()


async def test_the_pacer_spaces_posts_per_channel() -> None:
    now = [100.0]
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    pacer = ChannelPacer(1.0, monotonic=lambda: now[0], sleep=sleep)
    for _ in range(3):
        await pacer.wait("C1")
    await pacer.wait("C2")
    assert slept == [1.0, 2.0]
    now[0] += 5
    await pacer.wait("C1")
    assert slept == [1.0, 2.0]


async def test_an_html_error_page_from_slack_is_a_delivery_error(slack: SlackHarness) -> None:
    # A 5xx whose body is a web page, not Slack's JSON: a failure to retry, never a crash.
    slack.fake.broken["chat.postMessage"] = 503
    with pytest.raises(DeliveryError, match="http 503"):
        await slack.adapter.send(Target(platform="slack", chat="C1"), Reply(text="Hoi"))
