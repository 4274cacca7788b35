"""Delivered messages lose their text after a week; undelivered ones keep it; dedupe stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import App
from core.clock import FrozenClock
from core.messages import Recipient, Reply
from core.outbox import OutboxMessage, enqueue
from tests.support import Chat, make_person


async def test_delivered_text_is_removed_after_the_period(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    person = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    start = clock.now()
    async with app.deps.uow() as uow:
        await enqueue(
            uow.session,
            Recipient(person_id=person.id),
            Reply(text="hulp bij de huur"),
            now=start,
            dedupe_key="once",
        )
        await enqueue(
            uow.session,
            Recipient(platform="slack", chat="C1"),
            Reply(text="wacht op Slack"),
            now=start,
        )
        await uow.commit()
    await chat.deliver()
    assert app.ticker is not None
    clock.advance(timedelta(days=6))
    assert (await app.ticker.run_pass())["housekeeping"] == 0
    clock.advance(timedelta(days=2))
    assert (await app.ticker.run_pass())["housekeeping"] == 1
    async with app.deps.uow() as uow:
        rows = {r.dedupe_key: r for r in await uow.session.scalars(select(OutboxMessage))}
        again = await enqueue(
            uow.session,
            Recipient(person_id=person.id),
            Reply(text="x"),
            now=clock.now(),
            dedupe_key="once",
        )
        # A message delivered long ago turns up (e.g. restored from a backup).
        late = await enqueue(
            uow.session,
            Recipient(person_id=person.id),
            Reply(text="oud"),
            now=start,
            dedupe_key="late",
        )
        assert late is not None
        late.sent_at = start
        await uow.commit()
    assert rows["once"].payload == {} and rows["once"].sent_at is not None
    assert rows[None].payload["text"] == "wacht op Slack"  # never delivered: kept
    assert again is None  # the emptied row still stops a second send
    clock.advance(timedelta(minutes=30))
    assert (await app.ticker.run_pass())["housekeeping"] == 0  # at most once an hour
    clock.advance(timedelta(minutes=31))
    assert (await app.ticker.run_pass())["housekeeping"] == 1
