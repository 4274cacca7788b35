"""Warm handovers on Telegram: refused by default (policy), complete with buttons when allowed."""

from __future__ import annotations

from bot.bootstrap import App
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User, labels
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import Chat, make_person

FATIMA = User(4242, "Fatima")
JOOST = User(5151, "Joost")
NEED = "De inwoner heeft een huurachterstand en wil hulp bij het regelen van de schulden."


async def _people(app: App) -> None:
    await make_person(
        app,
        "Fatima el Amrani",
        email="f.elamrani@example.org",
        themes=["schulden"],
        phone="+31612345670",
    )
    await make_person(
        app,
        "Joost de Wit",
        email="joost@example.org",
        organisation="Wijkteam Noord",
        themes=["schulden", "wonen"],
        wijken=["Noord"],
        phone="+31612345671",
    )
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    await link_telegram(app, "joost@example.org", JOOST)


async def test_handovers_are_refused_on_telegram_by_default(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    assert not app.settings.telegram.allow_handovers
    await telegram.say(FATIMA, "/overdracht")
    refusal = telegram.api.texts_to(FATIMA.id)[-1]
    assert "Warme overdrachten gaan niet via Telegram" in refusal
    await telegram.say(FATIMA, "ik wil een inwoner warm overdragen")
    assert "Warme overdrachten gaan niet via Telegram" in telegram.api.texts_to(FATIMA.id)[-1]


async def test_a_handover_from_elsewhere_does_not_reach_telegram_by_default(
    app: App, chat: Chat, telegram: TelegramHarness
) -> None:
    await _people(app)
    for line in (
        "/overdracht",
        NEED,
        "1",
        "Noord",
        "1",
        "D-2026-0042",
        "ja",
    ):
        await chat.say(line)
    assert "Verstuurd naar Joost de Wit" in chat.replies[-1].text
    await app.delivery.flush()
    assert telegram.api.texts_to(JOOST.id) == []
    assert any(NEED in text for text in chat.messages_for("joost"))


async def test_a_full_handover_with_buttons_when_allowed(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    telegram.allow_handovers(True)
    api = telegram.api
    await telegram.say(FATIMA, "/overdracht")
    assert "Wat heeft de inwoner nodig?" in api.last_to(FATIMA.id).params["text"]
    await telegram.say(FATIMA, NEED)
    themes = api.last_to(FATIMA.id)
    assert "Over welke thema" in themes.params["text"]
    await telegram.press(FATIMA, themes, "Schulden")
    await telegram.say(FATIMA, "Noord")
    receivers = api.last_to(FATIMA.id)
    assert "Aan wie draag je over?" in receivers.params["text"]
    [joost_button] = [label for label in labels(receivers) if label.startswith("Joost de Wit")]
    await telegram.press(FATIMA, receivers, joost_button)
    await telegram.say(FATIMA, "D-2026-0042")
    consent = api.last_to(FATIMA.id)
    assert "Weet de inwoner van deze overdracht" in consent.params["text"]
    await telegram.press(FATIMA, consent, "Ja")
    assert "Verstuurd naar Joost de Wit" in api.texts_to(FATIMA.id)[-1]

    await app.delivery.flush()
    request = api.last_to(JOOST.id)
    assert "Warme overdracht van Fatima el Amrani" in request.params["text"]
    assert NEED in request.params["text"]
    assert {"Accepteren", "Niet aannemen", "Bel me eerst"} <= set(labels(request))
    await telegram.press(JOOST, request, "Accepteren")
    assert "Je hebt de overdracht geaccepteerd" in api.texts_to(JOOST.id)[-1]
    edits = [c for c in api.ok("editMessageText") if int(c.params["chat_id"]) == JOOST.id]
    assert edits and edits[-1].params["text"].endswith("✓ <b>Accepteren</b>")

    await app.delivery.flush()
    assert "Joost de Wit heeft de overdracht geaccepteerd" in api.texts_to(FATIMA.id)[-1]


async def test_handovers_stay_out_of_groups_even_when_allowed(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    telegram.allow_handovers(True)
    for text in ("/overdracht@GroeneKrokodilBot", "/regie@GroeneKrokodilBot"):
        await telegram.say(FATIMA, text, chat=GROUP)
        # The group reads only a pointer; the asker is told why, privately.
        assert telegram.api.texts_to(GROUP["id"])[-1] == "Ik heb je een privébericht gestuurd."
        assert "privégesprek" not in "".join(telegram.api.texts_to(GROUP["id"]))
        assert "alleen in een privégesprek" in telegram.api.texts_to(FATIMA.id)[-1]
    # In the private chat the same command works.
    await telegram.say(FATIMA, "/overdracht")
    assert "Wat heeft de inwoner nodig?" in telegram.api.last_to(FATIMA.id).params["text"]


async def test_menu_and_help_offer_handovers_only_where_they_are_allowed(
    app: App, telegram: TelegramHarness
) -> None:
    await _people(app)
    menus = [c.params["commands"] for c in telegram.api.ok("setMyCommands")]
    offered = {c["command"] for c in menus[-1]}
    assert "wie" in offered and not {"overdracht", "regie"} & offered
    # Nothing left in the menu is refused on Telegram.
    for command in sorted(offered):
        await telegram.say(FATIMA, f"/{command}")
        assert "niet via Telegram" not in telegram.api.texts_to(FATIMA.id)[-1], command
    await telegram.say(FATIMA, "/help")
    assert "/overdracht" not in telegram.api.texts_to(FATIMA.id)[-1]
    telegram.allow_handovers(True)
    await telegram.say(FATIMA, "/help")
    assert "/overdracht" in telegram.api.texts_to(FATIMA.id)[-1]
    await telegram.adapter.publish_menu()
    menus = [c.params["commands"] for c in telegram.api.ok("setMyCommands")]
    assert {"overdracht", "regie"} <= {c["command"] for c in menus[-1]}
