"""A Telegram group as a meeting channel: plan there step by step, RSVP by button, weekly post."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.bootstrap import App
from core.clock import FrozenClock
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User, labels
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

SAMIRA = User(4242, "Samira")
JOOST = User(5151, "Joost")
GROUP_ID = int(GROUP["id"])


async def test_plan_in_a_group_answer_with_buttons_and_get_the_weekly_post(
    app: App, clock: FrozenClock, telegram: TelegramHarness
) -> None:
    await make_person(app, "Samira Bouzid", email="samira@example.org", themes=["schulden"])
    await make_person(app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    await link_telegram(app, "samira@example.org", SAMIRA)
    await link_telegram(app, "joost@example.org", JOOST)
    api = telegram.api

    async def answer(text: str) -> None:
        # In a group the bot reads only what is addressed to it: a reply to its question.
        await telegram.say(SAMIRA, text, chat=GROUP, reply_to=api.last_to(GROUP_ID))

    await telegram.say(SAMIRA, "/plan@GroeneKrokodilBot", chat=GROUP)
    assert "Wat voor bijeenkomst wordt het?" in api.last_to(GROUP_ID).params["text"]
    await telegram.press(SAMIRA, api.last_to(GROUP_ID), "Netwerkbijeenkomst")
    for text in ("Netwerk Schulden Noord", "schulden", "Noord", "di 1 dec 14:00"):
        await answer(text)
    await telegram.press(SAMIRA, api.last_to(GROUP_ID), "1 uur")
    await telegram.press(SAMIRA, api.last_to(GROUP_ID), "elke week op dinsdag")
    for text in ("-", "Wijkcentrum De Schakel", "-"):
        await answer(text)
    planned = [c for c in api.sent_to(GROUP_ID) if "Gepland!" in str(c.params.get("text"))]
    assert planned, api.texts_to(GROUP_ID)
    assert {"Ja", "Nee", "Misschien"} <= set(labels(planned[-1]))
    assert any(c.method == "sendDocument" for c in api.sent_to(GROUP_ID))

    # Joost says yes from the group: a pop-up and the card in his private chat; the group's
    # message keeps its buttons for the others.
    in_group = len(api.sent_to(GROUP_ID))
    await telegram.press(JOOST, planned[-1], "Ja")
    assert api.ok("answerCallbackQuery")[-1].params["text"].startswith("Genoteerd: je komt.")
    assert "Genoteerd: je komt." in "\n".join(api.texts_to(JOOST.id))
    assert len(api.sent_to(GROUP_ID)) == in_group
    assert not [c for c in api.ok("editMessageText") if int(c.params["chat_id"]) == GROUP_ID]

    # Monday morning: the weekly post goes to the group.
    before = len(api.texts_to(GROUP_ID))
    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    await app.deps.registry.tickers["scheduler.reminders"](app.deps, clock.now())
    await app.delivery.flush()
    weekly = api.texts_to(GROUP_ID)[before:]
    assert any("Netwerk Schulden Noord" in text for text in weekly), weekly
