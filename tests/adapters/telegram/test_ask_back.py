"""/wie asks back in Telegram: an inline keyboard of themes, a tap answers with people."""

from __future__ import annotations

from bot.bootstrap import App
from tests.adapters.telegram.harness import TelegramHarness, User, labels
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

FATIMA = User(4242, "Fatima")


async def test_an_unclear_question_gets_theme_buttons_and_a_tap_answers(
    app: App, telegram: TelegramHarness
) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    await telegram.say(FATIMA, "/wie iets met geld")
    asked = telegram.api.last_to(FATIMA.id)
    assert "Bedoel je: Schulden · Inkomen?" in asked.params["text"]
    assert labels(asked) == ["Schulden", "Inkomen", "Iets anders"]
    assert await telegram.press(FATIMA, asked, "Schulden") == 200
    answered = telegram.api.texts_to(FATIMA.id)[-1]
    assert "Joost de Wit" in answered and "Schulden" in answered
