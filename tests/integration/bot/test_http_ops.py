"""Health, readiness and metrics over real HTTP, as a load balancer and Prometheus see them."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import App, build
from bot.http import make_web_app
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from core.messages import Recipient, Reply
from core.outbox import enqueue
from tests.support import Chat, make_person


@pytest.fixture
async def client(app: App) -> AsyncIterator[TestClient[object, object]]:
    async with TestClient(TestServer(make_web_app(app))) as http:
        yield http


def sample(text: str, name: str, **labels: str) -> float | None:
    """One value from the Prometheus text format."""
    wanted = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        metric, _, rest = key.partition("{")
        found = ",".join(sorted(rest.rstrip("}").split(","))) if rest else ""
        if metric == name and found == wanted:
            return float(value)
    return None


async def test_healthz_and_readyz_answer_when_the_database_does(
    client: TestClient[object, object],
) -> None:
    health = await client.get("/healthz")
    assert health.status == 200 and (await health.json()) == {"status": "ok"}
    ready = await client.get("/readyz")
    body = await ready.json()
    assert ready.status == 200
    assert body["status"] == "ready"
    assert body["scheduler_running"] is False and "scheduler_leader" in body


async def test_readyz_is_503_when_the_database_is_unreachable(settings: Settings) -> None:
    # Nothing listens on port 1: the connection is refused at once.
    dead = replace(settings, database=DatabaseConfig(url="postgresql+asyncpg://k@127.0.0.1:1/x"))
    app = build(dead, clock=FrozenClock(), rng=random.Random(1))
    try:
        async with TestClient(TestServer(make_web_app(app))) as http:
            ready = await http.get("/readyz")
            assert ready.status == 503
            assert (await ready.json())["status"] == "database unavailable"
            assert (await http.get("/healthz")).status == 200
            # Metrics still answer (gauges keep their last values).
            assert (await http.get("/metrics")).status == 200
    finally:
        await app.close()


async def test_draining_refuses_new_work_but_keeps_health_visible(
    app: App, client: TestClient[object, object]
) -> None:
    app.draining = True
    assert (await client.get("/readyz")).status == 503
    assert (await (await client.get("/readyz")).json())["status"] == "draining"
    assert (await client.get("/healthz")).status == 200
    assert (await client.post("/telegram/webhook")).status == 503


async def test_metrics_count_commands_latency_outbox_and_reminders(
    app: App, chat: Chat, client: TestClient[object, object], clock: FrozenClock
) -> None:
    person = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await chat.say("/help")
    await chat.say("/help")
    await chat.say("/bestaatniet")
    async with app.deps.uow() as uow:
        # Two waiting, one delivered below, one for later (still pending).
        await enqueue(
            uow.session,
            Recipient(person_id=person.id),
            Reply(text="a"),
            now=clock.now(),
            kind="reminder",
        )
        await enqueue(
            uow.session,
            Recipient(platform="slack", chat="C1"),
            Reply(text="b"),
            now=clock.now(),
            kind="message",
        )
        await uow.commit()
    before = await (await client.get("/metrics")).text()
    assert sample(before, "krokodil_outbox_pending") == 2.0
    await chat.deliver()  # the console one goes out; Slack is not running here
    text = await (await client.get("/metrics")).text()
    assert sample(text, "krokodil_commands_total", command="help", platform="console") == 2.0
    assert sample(text, "krokodil_commands_total", command="unknown", platform="console") == 1.0
    assert sample(text, "krokodil_handler_seconds_count", command="help") == 2.0
    assert sample(text, "krokodil_handler_seconds_bucket", command="help", le="+Inf") == 2.0
    assert sample(text, "krokodil_reminders_sent_total", kind="reminder") == 1.0
    assert sample(text, "krokodil_outbox_sent_total", kind="reminder", platform="console") == 1.0
    assert sample(text, "krokodil_outbox_failed_attempts_total", platform="slack") == 1.0
    assert sample(text, "krokodil_outbox_pending") == 1.0
    assert sample(text, "krokodil_pending_timers") == 0.0
    assert sample(text, "krokodil_errors_total", kind="handler") is None


async def test_pending_timers_count_rows_due_later(
    app: App, client: TestClient[object, object], clock: FrozenClock
) -> None:
    from tests.integration.reports.seed import Seeder

    now = clock.now()
    seed = Seeder(app, now - timedelta(hours=2))
    await seed.open_handover_with_timers(now)
    meeting = await seed.meeting("netwerkbijeenkomst", now + timedelta(days=2))
    await seed.meeting_reminder(meeting, now + timedelta(days=2), now + timedelta(days=1))
    await seed.meeting_reminder(meeting, now - timedelta(days=7), now - timedelta(days=8))
    a, b = await seed.person("Mee Een"), await seed.person("Mee Twee", "GGD")
    await seed.meeloop(1, now - timedelta(days=1), [((a, b), None)])
    text = await (await client.get("/metrics")).text()
    # The handover's reminder, escalation and expiry; tomorrow's meeting reminder (not the
    # one already past due); the mee-loop follow-up in 13 days.
    assert sample(text, "krokodil_pending_timers") == 5.0
    clock.advance(timedelta(days=30))
    text = await (await client.get("/metrics")).text()
    assert sample(text, "krokodil_pending_timers") == 0.0
