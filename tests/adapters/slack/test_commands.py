"""Slash commands end to end: signed request → real Bolt app → dispatcher → Slack stand-in."""

from __future__ import annotations

from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def test_help_is_acknowledged_at_once_and_answered_privately(slack: SlackHarness) -> None:
    slack.fake.add_user("U1", email="fatima@example.org")
    answer = await slack.command("/help")
    assert answer.status == 200
    [reply] = await slack.fake.wait_for("respond")
    assert reply.params["response_type"] == "ephemeral"
    assert "/help" in reply.blocks_text()
    assert "Wat ik kan" in reply.blocks_text()
    assert all(c.params["_token"] == "xoxb-test" for c in slack.fake.to("users.info"))


async def test_a_known_colleague_is_linked_by_workspace_email(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="Fatima@Example.org")
    await slack.command("/taal", "en")
    [reply] = await slack.fake.wait_for("respond")
    assert "English" in reply.blocks_text() or "Engels" in reply.blocks_text()
