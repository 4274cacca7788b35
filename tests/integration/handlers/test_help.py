"""/help lists what the bot can do, in the reader's language."""

from __future__ import annotations

from bot.bootstrap import App
from tests.support import Chat, make_person


async def test_help_in_english_names_the_english_commands_and_examples(app: App) -> None:
    await make_person(app, "Joost de Wit", email="joost@example.org", language="en")
    text = (await Chat(app, "joost").say("/help")).text
    assert "/who — who works on a theme and can be called now" in text
    assert "for example: /who debt in Molenwijk" in text
    assert "for example: /me away until 12 January, stand-in Joost de Wit" in text
    assert "/wie" not in text and "afwezig" not in text
    assert "/handover — hand a resident over warmly to a colleague" in text
    assert "for example: /blocker Wmo: the application for a stairlift has to be made" in text
    assert "for example: /case A 17-year-old falls between the Jeugdwet and the Wmo" in text
    assert "for example: /walkalong on every other round debt" in text
    for english in ("/meetings", "/mycases", "/blockers", "/link", "/report 2026-11"):
        assert f"for example: {english}" in text
    # Commands without an English name keep their one name.
    assert "/plan — plan a meeting" in text and "for example: /plan" in text
    dutch = ("/overdracht", "/regie", "/agenda", "/casus", "/meelopen", "/knelpunt", "/koppel")
    assert not [word for word in dutch if word in text]
    assert "/rapport" not in text and "traplift" not in text


async def test_the_english_walk_along_example_does_what_it_says(app: App) -> None:
    await make_person(app, "Joost de Wit", email="joost@example.org", language="en")
    reply = await Chat(app, "joost").say("/walkalong on every other round debt")
    assert reply.data["every_rounds"] == 2 and reply.data["themes"] == ["schulden"]


async def test_help_in_dutch_keeps_the_dutch_commands(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    text = (await Chat(app, "f.elamrani").say("/help")).text
    assert "/wie — wie werkt aan een thema en is nu te bellen" in text
    assert "bijvoorbeeld: /ik afwezig tot 12 januari, vervanger Joost de Wit" in text
    assert "/knelpunt — meld een regel" in text and "bijvoorbeeld: /agenda" in text
    assert "bijvoorbeeld: /meelopen aan om de ronde schulden" in text
    assert "/blocker" not in text and "/walkalong" not in text
