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
    # Commands without an English example keep their one name.
    assert "/overdracht — hand a resident over warmly to a colleague" in text


async def test_help_in_dutch_keeps_the_dutch_commands(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    text = (await Chat(app, "f.elamrani").say("/help")).text
    assert "/wie — wie werkt aan een thema en is nu te bellen" in text
    assert "bijvoorbeeld: /ik afwezig tot 12 januari, vervanger Joost de Wit" in text
