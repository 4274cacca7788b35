"""A code from Slack (/koppel or /ik koppel in the DM) links a Telegram account."""

from __future__ import annotations

import re

from core.messages import Invocation
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def _code(slack: SlackHarness, command: str, text: str) -> str:
    before = len(slack.fake.to("respond"))
    await slack.command(command, text, channel="D1")
    [*_, answer] = await slack.fake.wait_for("respond", before + 1)
    found = re.search(r"Je koppelcode: (\S+)", answer.blocks_text())
    assert found, answer.blocks_text()
    return found.group(1)


async def test_a_code_from_ik_koppel_in_slack_links_telegram(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="f.elamrani@example.org")
    slack.fake.add_user("U1", email="f.elamrani@example.org", name="Fatima el Amrani")
    assert await _code(slack, "/koppel", "")
    code = await _code(slack, "/ik", "koppel")
    reply = await slack.app.dispatcher.handle(
        Invocation(platform="telegram", account="4242", chat="4242", text=f"/koppel {code}")
    )
    assert reply.text.startswith("Gelukt! Dit account is nu gekoppeld aan Fatima el Amrani.")


async def test_a_code_asked_for_in_a_channel_is_shown_to_the_asker_only(
    slack: SlackHarness,
) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="f.elamrani@example.org")
    slack.fake.add_user("U1", email="f.elamrani@example.org", name="Fatima el Amrani")
    await slack.command("/koppel", "", channel="C1")
    [answer] = await slack.fake.wait_for("respond")
    assert answer.params["response_type"] == "ephemeral"
    assert "Je koppelcode:" in answer.blocks_text()
    # A mention in the channel gets it privately too (ephemeral), never as a channel post.
    await slack.event(
        {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000000.000500",
            "text": "<@UBOT> /koppel",
        }
    )
    [shown] = await slack.fake.wait_for("chat.postEphemeral")
    assert "Je koppelcode:" in shown.blocks_text()
    await slack.settle()
    assert slack.fake.to("chat.postMessage") == []
