"""The bot's capabilities used from Telegram: finding colleagues and reporting a knelpunt."""

from __future__ import annotations

from bot.bootstrap import App
from tests.adapters.telegram.harness import TelegramHarness, User, labels
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

FATIMA = User(4242, "Fatima")
JOOST = User(5151, "Joost")
STRANGER = User(9999, "Onbekend")


async def _people(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"])
    await make_person(
        app,
        "Joost de Wit",
        email="joost@example.org",
        organisation="Sociaal Wijkteam Noord",
        phone="+31612345671",
        themes=["schulden"],
        wijken=["Noord"],
        roles=["oliemannetje"],
    )
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    await link_telegram(app, "joost@example.org", JOOST)


async def test_wie_shows_whom_to_call_with_the_number_as_text(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    await telegram.say(FATIMA, "/wie schulden in Noord")
    sent = telegram.api.last_to(FATIMA.id)
    text = sent.params["text"]
    assert "<b>" in text and "Joost de Wit" in text
    assert "☎ +31612345671" in text
    markup = sent.params.get("reply_markup") or {}
    urls = [b.get("url", "") for row in markup.get("inline_keyboard", []) for b in row]
    assert not any(u.startswith("tel:") for u in urls)


async def test_plain_questions_work_in_a_private_chat(app: App, telegram: TelegramHarness) -> None:
    await _people(app)
    await telegram.say(FATIMA, "wie kan helpen met schulden in Noord?")
    assert "Joost de Wit" in telegram.api.last_to(FATIMA.id).params["text"]


async def test_unknown_users_see_who_but_not_the_numbers(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    await telegram.say(STRANGER, "/wie schulden")
    text = "\n".join(telegram.api.texts_to(STRANGER.id))
    assert "Joost de Wit" in text
    assert "+31612345671" not in text


async def test_a_knelpunt_step_by_step_reaches_the_oliemannetje(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    api = telegram.api
    await telegram.say(FATIMA, "/knelpunt")
    assert "Wat liep vast?" in api.last_to(FATIMA.id).params["text"]
    await telegram.say(FATIMA, "annuleren")
    assert api.texts_to(FATIMA.id)[-1] == "Gestopt. Er is niets opgeslagen."

    await telegram.say(FATIMA, "/knelpunt")
    await telegram.say(FATIMA, "Bijzondere bijstand vraagt drie keer dezelfde bankafschriften")
    question = api.last_to(FATIMA.id)
    assert "Welk domein raakt het?" in question.params["text"]
    assert "Participatie (werk en inkomen)" in labels(question)
    await telegram.press(FATIMA, question, "Participatie (werk en inkomen)")
    assert "#1" in api.texts_to(FATIMA.id)[-1]
    await app.delivery.flush()
    notice = api.last_to(JOOST.id)
    assert "Bijzondere bijstand" in notice.params["text"]
    assert "Ik pak dit op" in labels(notice)


async def test_every_command_answers_in_telegram(app: App, telegram: TelegramHarness) -> None:
    await _people(app)
    names = [spec.name for spec in app.deps.registry.commands.values() if not spec.hidden]
    assert len(names) >= 8
    for name in names:
        before = len(telegram.api.sent_to(FATIMA.id))
        assert await telegram.say(FATIMA, f"/{name}") == 200
        answers = telegram.api.sent_to(FATIMA.id)[before:]
        assert answers, f"/{name} got no answer"
        for answer in answers:
            text = str(answer.params.get("text", ""))
            assert "Er ging iets mis" not in text, f"/{name} failed: {text}"
    # The stand-in refused nothing (checked when it stops): every reply was valid Telegram HTML.
