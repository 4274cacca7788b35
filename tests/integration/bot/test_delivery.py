"""The outbox: messages to others are delivered once, retried on failure, never dropped."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.adapters.base import Adapter, DeliveryError, Target
from bot.bootstrap import App
from core import outbox
from core.clock import FrozenClock
from core.messages import Recipient, Reply
from tests.support import make_person


class FlakyAdapter(Adapter):
    """Fails the first `failures` sends, then records."""

    name = "console"

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.sent: list[tuple[Target, Reply]] = []

    async def start(self) -> None:
        """Nothing to start."""

    async def stop(self) -> None:
        """Nothing to stop."""

    async def send(self, target: Target, reply: Reply) -> str:
        if self.failures > 0:
            self.failures -= 1
            raise DeliveryError("platform said no")
        self.sent.append((target, reply))
        return str(len(self.sent))


async def _queue(app: App, person_id: int, text: str, key: str | None = None) -> None:
    async with app.deps.uow() as uow:
        await outbox.enqueue(
            uow.session,
            Recipient(person_id=person_id),
            Reply(text=text),
            now=app.deps.clock.now(),
            dedupe_key=key,
        )
        await uow.commit()


async def test_a_message_reaches_the_persons_account(app: App) -> None:
    joost = await make_person(app, "Joost de Wit", email="joost@example.org")
    adapter = FlakyAdapter(failures=0)
    app.add_adapter(adapter)
    await _queue(app, joost.id, "bel even met Fatima")
    assert await app.delivery.run_once() == 1
    assert [(t.user, r.text) for t, r in adapter.sent] == [("joost", "bel even met Fatima")]
    assert await app.delivery.run_once() == 0


async def test_failures_are_retried_with_backoff(app: App, clock: FrozenClock) -> None:
    joost = await make_person(app, "Joost de Wit", email="joost@example.org")
    adapter = FlakyAdapter(failures=2)
    app.add_adapter(adapter)
    await _queue(app, joost.id, "herinnering")
    assert await app.delivery.run_once() == 0
    assert await app.delivery.run_once() == 0  # not due again yet
    clock.advance(timedelta(seconds=5))
    assert await app.delivery.run_once() == 0  # second failure
    clock.advance(timedelta(seconds=10))
    assert await app.delivery.run_once() == 1
    async with app.deps.uow() as uow:
        row = await uow.session.scalar(select(outbox.OutboxMessage))
    assert row is not None and row.attempts == 2 and row.sent_at is not None


async def test_a_dedupe_key_queues_once(app: App) -> None:
    joost = await make_person(app, "Joost de Wit", email="joost@example.org")
    adapter = FlakyAdapter(failures=0)
    app.add_adapter(adapter)
    await _queue(app, joost.id, "week 48", key="weekly:2026-48")
    await _queue(app, joost.id, "week 48", key="weekly:2026-48")
    await app.delivery.flush()
    assert len(adapter.sent) == 1


async def test_without_a_running_platform_the_message_waits(app: App, clock: FrozenClock) -> None:
    joost = await make_person(app, "Joost de Wit", email="joost@example.org")
    await _queue(app, joost.id, "wacht")
    assert await app.delivery.run_once() == 0
    adapter = FlakyAdapter(failures=0)
    app.add_adapter(adapter)
    clock.advance(timedelta(minutes=1))
    assert await app.delivery.run_once() == 1
