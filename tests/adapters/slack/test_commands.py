"""Slash commands end to end: signed request → real Bolt app → dispatcher → Slack stand-in."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from core.events import ProcessedEvent
from core.messages import Reply
from handlers.base import Command, CommandSpec, Deps
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


async def _directory(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    await make_person(
        slack.app,
        "Joost de Wit",
        email="joost@example.org",
        organisation="Stadsbank",
        themes=["schulden"],
        wijken=["Molenwijk"],
        phone="+31612345678",
    )
    slack.fake.add_user("U1", email="fatima@example.org")


async def test_wie_answers_with_a_tel_link_first(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.command("/wie", "schulden in Molenwijk")
    [reply] = await slack.fake.wait_for("respond")
    text = reply.blocks_text()
    assert "*Joost de Wit* — Stadsbank" in text
    assert text.index("<tel:+31612345678|06 1234 5678>") < text.index("mailto:joost@example.org")
    assert "bereikbaar" in text


async def test_the_umbrella_command_runs_any_command(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.command("/krokodil", "wie schulden")
    [reply] = await slack.fake.wait_for("respond")
    assert "<tel:+31612345678|06 1234 5678>" in reply.blocks_text()


async def test_a_plain_question_to_the_bot_finds_a_colleague(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.event(
        {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000000.000200",
            "text": "<@UBOT> wie kan helpen met schulden in Molenwijk?",
        }
    )
    # In a channel the numbers are for the asker's eyes only: an ephemeral in the thread.
    [post] = await slack.fake.wait_for("chat.postEphemeral")
    assert post.params["thread_ts"] == "1700000000.000200"
    assert post.params["user"] == "U1"
    assert "<tel:+31612345678|06 1234 5678>" in post.blocks_text()


async def test_slack_gets_its_answer_before_the_work_is_done(slack: SlackHarness) -> None:
    slack.fake.add_user("U1", email="fatima@example.org")
    release = asyncio.Event()

    async def slow(cmd: Command, deps: Deps) -> Reply:
        await release.wait()
        return Reply(text="klaar")

    slack.app.deps.registry.command(
        CommandSpec(name="traag", handler=slow, summary="", example="", public=True)
    )
    answer = await slack.command("/traag")
    assert answer.status == 200  # acknowledged while the handler is still busy
    assert answer.json() == {"text": "Even zoeken…", "response_type": "ephemeral"}
    assert slack.fake.posted() == []
    release.set()
    [reply] = await slack.fake.wait_for_posts()
    assert "klaar" in reply.blocks_text()
    # The answer took the placeholder's place: the asker sees one message.
    [seen] = slack.fake.visible(reply.params["response_url"])
    assert "klaar" in seen["text"] and seen["response_type"] == "ephemeral"


async def test_a_lookup_claims_no_event(slack: SlackHarness) -> None:
    """Slack never sends a slash command twice: answering one writes no event claim."""
    await _directory(slack)
    await slack.command("/wie", "schulden")
    [reply] = await slack.fake.wait_for("respond")
    assert "Joost de Wit" in reply.blocks_text()
    async with slack.app.deps.uow() as uow:
        claims = await uow.session.scalar(select(func.count()).select_from(ProcessedEvent))
    assert claims == 0
