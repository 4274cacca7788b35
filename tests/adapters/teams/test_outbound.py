"""Teams' limits: pacing per conversation and per app, retries, and the outbox when all fails."""

from __future__ import annotations

import random

from sqlalchemy import select

from bot.adapters.teams.outbound import CONVERSATION_LIMITS, WindowPacer
from bot.bootstrap import App
from core.outbox import OutboxMessage
from tests.adapters.teams.harness import TeamsHarness, personal
from tests.adapters.teams.standin import ConnectorStandIn, Member

KWAME = Member(
    user_id="29:kwame",
    aad_object_id="c0000000-0000-4000-8000-000000000703",
    name="Kwame Mensah",
    email="k.mensah@example.org",
)


def test_the_pacer_keeps_every_window_of_teams() -> None:
    now = [0.0]
    pacer = WindowPacer(CONVERSATION_LIMITS, monotonic=lambda: now[0])
    moments = [pacer.reserve("a:1") for _ in range(70)]
    for count, window in CONVERSATION_LIMITS:
        for i in range(len(moments) - count):
            assert moments[i + count] - moments[i] >= window - 1e-9, (count, window, i)
    # Other conversations are not held up by a busy one.
    assert pacer.reserve("a:2") == 0.0
    # Seven in the first second, the eighth after two seconds (8 per 2 s).
    assert moments[:7] == [0.0] * 7 and moments[7] == 1.0 and moments[8] == 2.0


async def test_429_is_retried_after_retry_after(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(KWAME)
    await teams.say(KWAME, "/help")  # links Kwame and learns the conversation
    standin.fail_next(429, times=2, retry_after=0)
    answer = await teams.say(KWAME, "/ik")
    assert answer.status == 202
    statuses = [c.status for c in standin.calls if c.method == "POST"][-3:]
    assert statuses == [429, 429, 200]
    assert len(standin.sent(personal(KWAME)["id"])) == 2


async def test_502_and_504_are_retried_with_backoff(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(KWAME)
    teams.adapter.connector.rng = random.Random(1)
    standin.fail_next(502)
    standin.fail_next(504)
    answer = await teams.say(KWAME, "/help")
    assert answer.status == 202
    assert len(standin.sent(personal(KWAME)["id"])) == 1


async def test_a_429_storm_leaves_the_answer_in_the_outbox_until_it_passes(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(KWAME)
    await teams.say(KWAME, "/help")
    standin.fail_next(429, times=20, retry_after=0)
    answer = await teams.say(KWAME, "/ik")
    assert answer.status == 202  # Teams is not asked to resend: the answer is stored
    async with demo_app.deps.uow() as uow:
        rows = list(await uow.session.scalars(select(OutboxMessage)))
    assert [r.kind for r in rows] == ["teams.reply"]
    assert rows[0].sent_at is None
    standin._failures.clear()
    assert await demo_app.delivery.run_once() == 1
    assert len(standin.sent(personal(KWAME)["id"])) == 2
    # Nothing was dropped and nothing is sent twice.
    assert await demo_app.delivery.run_once() == 0


async def test_a_rejected_token_is_renewed_once(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(KWAME)
    await teams.say(KWAME, "/help")
    standin._issued += 1  # the token the bot holds is no longer valid
    await teams.say(KWAME, "/help")
    assert len(standin.token_requests) == 2
    assert len(standin.sent(personal(KWAME)["id"])) == 2
