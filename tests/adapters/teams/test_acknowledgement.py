"""The Bot Connector gets its HTTP answer only after the turn's answer was sent, and the
activity counts as handled only then, so one whose answer a killed process never sent is
answered when it is delivered again."""

from __future__ import annotations

import asyncio

from bot.bootstrap import App
from core.events import ProcessedEvent
from tests.adapters.teams.harness import CHANNEL, TeamsHarness, personal
from tests.adapters.teams.standin import ConnectorStandIn, Member

SAMIRA = Member(
    user_id="29:samira",
    aad_object_id="a1b2c3d4-0000-4000-8000-000000000001",
    name="Samira Bouzid",
    email="S.Bouzid@example.org",
)


async def _handled(app: App, conversation: str, activity: str) -> bool | None:
    """Whether the dispatcher counts the activity as handled (None: never claimed)."""
    key = f"{conversation}|{activity}"
    await app.dispatcher.events.flush()  # finished marks are written a moment later
    async with app.deps.uow() as uow:
        row = await uow.session.get(ProcessedEvent, ("teams", key))
        return None if row is None else row.finished


async def test_a_message_gets_its_answer_before_the_connector_gets_its_202(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    standin.hold = asyncio.Event()
    message = teams.message(SAMIRA, "/wie schulden")
    conversation = personal(SAMIRA)["id"]
    posted = asyncio.create_task(teams.post(message))
    await standin.wait_for(lambda: bool(standin.sent(conversation)))
    # The answer reached the connector's door: no HTTP answer yet, not yet handled.
    assert not posted.done()
    assert await _handled(demo_app, conversation, message["id"]) is False
    standin.hold.set()
    assert (await posted).status == 202
    assert await _handled(demo_app, conversation, message["id"]) is True
    assert "Ingrid Veldkamp" in standin.sent(conversation)[0].text


async def test_a_private_answer_from_a_channel_is_sent_before_the_202(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    standin.add_member(SAMIRA)
    standin.hold = asyncio.Event()
    message = teams.message(SAMIRA, "/wie schulden", conversation=CHANNEL)
    posted = asyncio.create_task(teams.post(message))
    await standin.wait_for(lambda: bool(standin.sent()))
    assert not posted.done()
    assert await _handled(demo_app, CHANNEL["id"], message["id"]) is False
    standin.hold.set()
    assert (await posted).status == 202
    assert await _handled(demo_app, CHANNEL["id"], message["id"]) is True
