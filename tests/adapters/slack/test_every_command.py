"""Every command the bot offers answers in Slack, on its own and under /krokodil."""

from __future__ import annotations

from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person

# What a person sees of an answer: a response_url post, a modal, a DM, an ephemeral.
ANSWERS = ("respond", "views.open", "chat.postMessage", "chat.postEphemeral")


async def _known(slack: SlackHarness) -> None:
    await make_person(
        slack.app,
        "Fatima el Amrani",
        email="f.elamrani@example.org",
        themes=["schulden"],
        wijken=["Molenwijk"],
    )
    slack.fake.add_user("U1", email="f.elamrani@example.org", name="Fatima el Amrani")


def _answered(slack: SlackHarness, before: int) -> list[str]:
    texts: list[str] = []
    for call in slack.fake.calls[before:]:
        if call.method in ANSWERS:
            texts.append(call.blocks_text() or str(call.params.get("text", "")))
    return texts


async def test_every_command_answers_as_a_slash_command_and_under_the_umbrella(
    slack: SlackHarness,
) -> None:
    await _known(slack)
    names = [s.name for s in slack.app.deps.registry.commands.values() if not s.hidden]
    assert len(names) >= 10
    for command, text in [(f"/{n}", "") for n in names] + [("/krokodil", n) for n in names]:
        before = len(slack.fake.calls)
        answer = await slack.command(command, text)
        assert answer.status == 200, f"{command} {text}: {answer.status}"
        await slack.settle()
        texts = _answered(slack, before)
        assert texts, f"{command} {text} got no answer"
        for shown in texts:
            assert "Er ging iets mis" not in shown, f"{command} {text} failed: {shown}"
