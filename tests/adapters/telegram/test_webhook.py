"""The webhook end to end: start-up, the secret, malformed bodies, unknown users, duplicates."""

from __future__ import annotations

import logging

import pytest

from bot.bootstrap import App
from directory.identity import IdentityRepository
from tests.adapters.telegram.harness import GROUP, SECRET, TelegramHarness, User
from tests.adapters.telegram.standin import TOKEN
from tests.support import make_person

FATIMA = User(4242, "Fatima", username="fatima_ea")
STRANGER = User(9999, "Onbekend")


async def link_telegram(app: App, person_email: str, user: User) -> None:
    """Link a Telegram account directly (as a redeemed code would)."""
    async with app.deps.uow() as uow:
        identity = uow.repo(IdentityRepository)
        person = await identity.person_by_email(person_email)
        assert person is not None
        await identity.link(person, "telegram", str(user.id), app.deps.clock.now())
        await uow.commit()


async def test_start_up_sets_the_webhook_with_its_secret_and_the_menu(
    telegram: TelegramHarness,
) -> None:
    api = telegram.api
    assert api.ok("getMe")
    [hook] = api.ok("setWebhook")
    assert hook.params["url"] == "https://krokodil.example.org/telegram/webhook"
    assert hook.params["secret_token"] == SECRET
    assert set(hook.params["allowed_updates"]) == {"message", "callback_query", "my_chat_member"}
    menus = {c.params.get("language_code"): c.params["commands"] for c in api.ok("setMyCommands")}
    assert set(menus) == {None, "en"}
    dutch = {c["command"]: c["description"] for c in menus[None]}
    english = {c["command"]: c["description"] for c in menus["en"]}
    assert dutch["help"] == "laat zien wat ik kan"
    assert english["help"] == "shows what I can do"
    assert "koppel" in dutch and "koppel" in english
    for command in dutch:
        assert command.isascii() and command == command.lower() and len(command) <= 32


async def test_help_in_a_private_chat(app: App, telegram: TelegramHarness) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    assert await telegram.say(FATIMA, "/help") == 200
    sent = telegram.api.last_to(FATIMA.id)
    assert sent.params["parse_mode"] == "HTML"
    assert sent.params["text"].startswith("<b>Wat ik kan</b>")
    assert "/koppel" in sent.params["text"]


async def test_english_speakers_get_english(app: App, telegram: TelegramHarness) -> None:
    await make_person(app, "Joost de Wit", email="joost@example.org", language="en")
    joost = User(5151, "Joost", language_code="en")
    await link_telegram(app, "joost@example.org", joost)
    await telegram.say(joost, "/help")
    assert telegram.api.last_to(joost.id).params["text"].startswith("<b>What I can do</b>")


async def test_missing_or_wrong_secret_is_forbidden(telegram: TelegramHarness) -> None:
    update = telegram.message(STRANGER, "/help")
    assert await telegram.post(update, secret=None) == 403
    assert await telegram.post(update, secret="wrong") == 403
    assert await telegram.post(update, secret=SECRET + "x") == 403
    assert await telegram.post(update, secret="") == 403
    assert not telegram.api.ok("sendMessage")


async def test_malformed_bodies_are_bad_requests_never_errors(telegram: TelegramHarness) -> None:
    bad_bodies = [
        b"",
        b"not json",
        b"\xff\xfe",
        b"[]",
        b"42",
        b'{"message": {"text": "/help"}}',
        b'{"update_id": "7"}',
        b'{"update_id": true}',
        b'{"update_id": 7, "message": "hello"}',
        b'{"update_id": 7, "message": {"message_id": 1}}',
        b'{"update_id": 7, "callback_query": {"id": 5}}',
    ]
    for body in bad_bodies:
        assert await telegram.post(raw=body) == 400, body
    assert not telegram.api.ok("sendMessage")


async def test_updates_the_bot_does_not_act_on_are_accepted_quietly(
    telegram: TelegramHarness,
) -> None:
    edited = {
        "update_id": telegram.next_update_id(),
        "edited_message": telegram.message(STRANGER, "/help")["message"],
    }
    assert await telegram.post(edited) == 200
    assert await telegram.post({"update_id": telegram.next_update_id()}) == 200
    assert not telegram.api.ok("sendMessage")


async def test_unknown_users_get_onboarding(telegram: TelegramHarness) -> None:
    assert await telegram.say(STRANGER, "/taal en") == 200
    text = telegram.api.last_to(STRANGER.id).params["text"]
    assert "Welkom bij Groene Krokodil" in text
    assert "/koppel" in text


async def test_the_same_update_twice_has_one_effect(app: App, telegram: TelegramHarness) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    update = telegram.message(FATIMA, "/taal en")
    assert await telegram.post(update) == 200
    assert await telegram.post(update) == 200
    assert telegram.api.texts_to(FATIMA.id) == ["From now on I'll speak English with you."]


async def test_html_in_user_text_is_escaped(app: App, telegram: TelegramHarness) -> None:
    await telegram.say(STRANGER, "/<b>x</b>")
    text = telegram.api.last_to(STRANGER.id).params["text"]
    assert "<b>x</b>" not in text


async def test_updates_wait_while_the_bot_is_not_taking_them(telegram: TelegramHarness) -> None:
    await telegram.adapter.stop()
    # 503: Telegram keeps the update and sends it again later.
    assert await telegram.say(STRANGER, "/help") == 503
    assert not telegram.api.ok("sendMessage")


async def test_logs_hold_neither_the_token_nor_what_people_wrote(
    app: App, telegram: TelegramHarness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    telegram.api.throttle("sendMessage", *([0.01] * 8))
    # In a group: answered with sendMessage, which the throttle sends to the outbox.
    await telegram.say(STRANGER, "/wie schulden bij mevrouw Jansen", chat=GROUP)
    await telegram.post(raw=b"not json")
    await telegram.post(telegram.message(STRANGER, "/help"), secret="wrong")
    logged = "\n".join(f"{r.getMessage()} {r.exc_text or ''} {r.__dict__}" for r in caplog.records)
    assert "deferred to the outbox" in logged
    for secret in (TOKEN, SECRET, "Jansen"):
        assert secret not in logged
