"""Slash commands past Bolt (``direct``): the same answers as through Bolt, and Bolt's
behaviour kept where it matters (authorization, the ssl probe, failures, no ack)."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import pytest
from slack_bolt.async_app import AsyncApp

from bot.adapters.slack.direct import DirectCommands
from tests.adapters.slack.harness import Answer, SlackHarness
from tests.support import make_person


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


def _direct(slack: SlackHarness) -> DirectCommands:
    assert slack.adapter.webhook is not None and slack.adapter.webhook.commands is not None
    return slack.adapter.webhook.commands


async def _through_bolt(
    slack: SlackHarness, command: str, text: str = "", user: str = "U1"
) -> Answer:
    """A command as Bolt answers it (the direct path switched off for this one)."""
    assert slack.adapter.webhook is not None
    direct, slack.adapter.webhook.commands = slack.adapter.webhook.commands, None
    try:
        return await slack.command(command, text, user=user)
    finally:
        slack.adapter.webhook.commands = direct


async def _directly(slack: SlackHarness, command: str, text: str = "", user: str = "U1") -> Answer:
    before = _direct(slack).answered
    answer = await slack.command(command, text, user=user)
    assert _direct(slack).answered == before + 1, "the command went through Bolt"
    return answer


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/help", ""),
        ("/wie", "schulden in Molenwijk"),
        ("/wie", "iets wat niemand doet"),
        ("/krokodil", "wie schulden"),
        ("/bestaatniet", ""),
        ("/overdracht", ""),  # a form: the modal opens, the acknowledgement is empty
    ],
)
async def test_a_command_gets_the_same_answer_directly_as_through_bolt(
    slack: SlackHarness, command: str, text: str
) -> None:
    await _directory(slack)
    first = await slack.command("/help")  # Bolt authorizes the app (auth.test) first
    assert first.status == 200 and _direct(slack).answered == 0
    bolt = await _through_bolt(slack, command, text)
    direct = await _directly(slack, command, text)
    await slack.settle()
    assert (direct.status, direct.content_type, direct.text) == (
        bolt.status,
        bolt.content_type,
        bolt.text,
    )
    assert direct.status == 200


async def test_a_slow_answer_goes_to_the_response_url_as_through_bolt(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.command("/help")
    # Two new members, whose profiles (users.info) are not in memory yet: late either way.
    slack.fake.add_user("U2", email="u2@example.org")
    slack.fake.add_user("U3", email="u3@example.org")
    slack.fake.delays["users.info"] = 0.05
    slack.adapter.listeners.window.seconds = 0.0
    bolt = await _through_bolt(slack, "/wie", "schulden", user="U2")
    await slack.settle()
    direct = await _directly(slack, "/wie", "schulden", user="U3")
    await slack.settle()
    assert bolt.text == direct.text  # the same acknowledgement (no contact card in it)
    assert "Joost de Wit" not in direct.text
    *_, by_bolt, by_direct = [c for c in slack.fake.to("respond") if "in_ack" not in c.params]
    same = {k: v for k, v in by_bolt.params.items() if k != "response_url"}
    assert {k: v for k, v in by_direct.params.items() if k != "response_url"} == same
    assert "Joost de Wit" in by_direct.blocks_text()


async def test_commands_go_through_bolt_until_it_has_authorized_the_app(
    slack: SlackHarness,
) -> None:
    await _directory(slack)
    slack.fake.failing["auth.test"] = "invalid_auth"
    answers = [await slack.command("/help") for _ in range(2)]
    # Bolt's answer for an app it cannot authorize, every time, and our listener not run.
    assert all("reinstall" in a.text for a in answers)
    assert _direct(slack).answered == 0
    del slack.fake.failing["auth.test"]
    await slack.command("/help")
    answer = await _directly(slack, "/help")
    assert "Wat ik kan" in answer.text


async def test_a_command_with_an_ssl_check_is_left_to_bolt(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.command("/help")
    await slack.settle()
    calls = len(slack.fake.calls)
    answer = await slack.command("/help", ssl_check="1")
    await slack.settle()
    assert (answer.status, answer.text) == (200, "")  # Bolt's answer to its probe
    assert _direct(slack).answered == 0
    assert len(slack.fake.calls) == calls


async def test_a_command_that_says_payload_is_answered(slack: SlackHarness) -> None:
    # Bolt reads any form with "payload" in it as an interaction (and found none here).
    await _directory(slack)
    await slack.command("/help")
    answer = await _directly(slack, "/wie", "payload")
    assert answer.status == 200
    assert answer.json()["response_type"] == "ephemeral"


async def test_a_listener_that_fails_before_acknowledging_gets_500_either_way(
    slack: SlackHarness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    await _directory(slack)
    await slack.command("/help")

    async def broken(*_args: Any) -> dict[str, Any] | None:
        raise RuntimeError("rendering broke")

    monkeypatch.setattr(slack.adapter.responder, "in_ack", broken)
    with caplog.at_level(logging.ERROR):
        bolt = await _through_bolt(slack, "/help")
        direct = await _directly(slack, "/help")
    await slack.settle()
    assert (bolt.status, bolt.text) == (direct.status, direct.text) == (500, "")
    logged = [r for r in caplog.records if r.name == "krokodil.slack" and r.exc_info]
    assert logged, "the failure was not logged"


async def test_a_listener_that_never_acknowledges_gets_bolts_404(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.command("/help")
    direct = _direct(slack)
    finished = asyncio.Event()

    async def silent(ack: Any, body: dict[str, Any], respond: Any) -> None:
        await finished.wait()

    direct.listener, direct.ack_timeout = silent, 0.05
    answer = await slack.command("/help")
    finished.set()
    assert (answer.status, answer.json()) == (404, {"error": "unhandled request"})


def test_the_direct_path_stays_off_when_bolt_would_do_more() -> None:
    async def listener(ack: Any, body: dict[str, Any], respond: Any) -> None:
        return None

    async def wants_client(ack: Any, body: dict[str, Any], respond: Any, client: Any) -> None:
        return None

    bolt = AsyncApp(token="xoxb-test", signing_secret="s")
    pattern = re.compile(r"^/")
    assert DirectCommands(bolt, listener, pattern, bolt.client).enabled
    assert not DirectCommands(bolt, wants_client, pattern, bolt.client).enabled

    @bolt.middleware
    async def ours(next: Any) -> None:
        await next()

    assert not DirectCommands(bolt, listener, pattern, bolt.client).enabled
    # Unless it is ours and passes a command on untouched.
    assert DirectCommands(bolt, listener, pattern, bolt.client, passing=(ours,)).enabled
