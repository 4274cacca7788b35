"""The console chat: numbers press the buttons of what the current person last got."""

from __future__ import annotations

import io

from bot.adapters.base import Target
from bot.adapters.console import ConsoleAdapter
from core.messages import Action, Button, Invocation, Reply


async def _no_dispatch(invocation: Invocation) -> Reply:
    raise AssertionError("not dispatched in this test")


def _console(handle: str) -> ConsoleAdapter:
    return ConsoleAdapter(_no_dispatch, handle, stdout=io.StringIO(), interactive=False)


async def test_a_message_arriving_after_als_can_be_answered_by_number() -> None:
    console = _console("samira")
    console._switch("joost")
    request = Reply(
        text="Warme overdracht",
        buttons=(
            Button("Accepteren", "handover.accept", "1"),
            Button("Bel me eerst", "handover.call", "1"),
        ),
    )
    await console.send(Target(platform="console", user="joost"), request)

    pressed = console.invocation("2")

    assert pressed.action == Action("handover.call", "1")
    assert pressed.account == "joost"


async def test_a_message_for_someone_else_does_not_change_my_buttons() -> None:
    console = _console("samira")
    await console.send(
        Target(platform="console", user="joost"), Reply(text="x", buttons=(Button("Ja", "a", "1"),))
    )

    typed = console.invocation("1")

    assert typed.action is None
    assert typed.text == "1"


async def test_a_timer_message_while_the_prompt_waits_comes_below_it_with_a_new_prompt() -> None:
    out = io.StringIO()
    console = ConsoleAdapter(_no_dispatch, "samira", stdout=out, interactive=True)
    console._prompting = True  # as while '> ' waits for a line
    out.write("> ")

    await console.send(Target(platform="console", user="samira"), Reply(text="Je mee-loop-dag"))

    assert out.getvalue() == "> \n--- bericht voor samira ---\nJe mee-loop-dag\n---\n> "
