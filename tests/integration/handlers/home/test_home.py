"""The personal overview (/home, Slack's App Home) and its profile form, through the console."""

from __future__ import annotations

from bot.bootstrap import App
from handlers.base import CommandSpec
from handlers.home import overview
from tests.support import Chat, make_person


async def test_the_overview_shows_each_capability_and_edits_the_profile(
    app: App, chat: Chat
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"])
    await chat.script(
        [
            (
                "/home",
                [
                    "Hallo Fatima!",
                    "Mijn regie en overdrachten",
                    "Mijn agenda",
                    "Mijn profiel",
                    "Thema's: Schulden",
                    "Profiel bewerken",
                ],
            ),
        ]
    )
    edit = next(
        i for i, b in enumerate(chat.replies[-1].buttons, 1) if b.label == "Profiel bewerken"
    )
    await chat.script(
        [
            (str(edit), ["Profiel bewerken", "Vraag 1 van 4", "Thema's"]),
            ("schulden; wonen", ["Vraag 2 van 4", "Wijken"]),
            ("Molenwijk", ["Vraag 3 van 4", "Telefoon"]),
            ("-", ["Vraag 4 van 4"]),
            ("-", ["Je thema's zijn nu: Schulden en Wonen", "Je werkt nu in: Molenwijk"]),
            ("/ik", ["Thema's: Schulden en Wonen", "Wijken: Molenwijk"]),
        ]
    )


async def test_a_stranger_gets_the_welcome(app: App) -> None:
    chat = Chat(app, "onbekend")
    await chat.script([("/home", ["Welkom bij Groene Krokodil"])])


async def test_a_failing_capability_is_left_out(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")

    async def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    spec = app.deps.registry.commands["agenda"]
    app.deps.registry.commands["agenda"] = CommandSpec(
        name="agenda",
        handler=broken,
        summary=spec.summary,
        example=spec.example,  # type: ignore[arg-type]
    )
    try:
        reply = await chat.say("/home")
    finally:
        app.deps.registry.commands["agenda"] = spec
    titles = [s["title"] for s in reply.data["sections"]]
    assert "Mijn agenda" not in titles and "Mijn profiel" in titles


async def test_a_home_button_runs_its_command(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    buttons = (await chat.say("/home")).buttons
    new_knelpunt = next(i for i, b in enumerate(buttons, 1) if b.value == "knelpunt")
    assert buttons[new_knelpunt - 1].action_id == overview.RUN_COMMAND
    await chat.script([(str(new_knelpunt), ["Knelpunt melden", "Vraag 1 van"])])
