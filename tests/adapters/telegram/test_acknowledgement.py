"""Telegram gets its 200 only after the answer was sent (or put in the 200 itself), and the
update counts as handled only then, so an update whose answer a killed process never sent
is answered when Telegram sends it again (it got no 200)."""

from __future__ import annotations

import asyncio
from typing import Any

from bot.bootstrap import App
from core.events import ProcessedEvent
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

FATIMA = User(4242, "Fatima")


async def _handled(app: App, update: dict[str, Any]) -> bool | None:
    """Whether the dispatcher counts the update as handled (None: never claimed)."""
    await app.dispatcher.events.flush()  # finished marks are written a moment later
    async with app.deps.uow() as uow:
        row = await uow.session.get(ProcessedEvent, ("telegram", str(update["update_id"])))
        return None if row is None else row.finished


async def _fatima(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    await link_telegram(app, "f.elamrani@example.org", FATIMA)


async def _held_answer(telegram: TelegramHarness, update: dict[str, Any]) -> int:
    """Post an update while sendMessage is held; check it is neither 200 nor handled while
    its answer is on its way, then let the answer through; the HTTP status."""
    api, gate = telegram.api, asyncio.Event()
    api.holds["sendMessage"] = gate
    posted = asyncio.create_task(telegram.post(update))
    await api.wait_until(lambda: "sendMessage" in api.held)
    # The answer reached Telegram's door: no 200 yet, and the update is not counted as
    # handled (a process killed now leaves it to Telegram's redelivery).
    assert not posted.done()
    assert await _handled(telegram.app, update) is False
    gate.set()
    status = await posted
    assert await _handled(telegram.app, update) is True
    return status


async def test_a_group_message_gets_its_200_only_after_its_answer(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    # A command that writes (a read takes no claim: see the last test).
    update = telegram.message(FATIMA, "/taal@GroeneKrokodilBot nl", chat=GROUP)
    assert await _held_answer(telegram, update) == 200
    assert "Nederlands" in telegram.api.last_to(int(GROUP["id"])).params["text"]


async def test_a_button_press_gets_its_200_only_after_its_answer(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    await telegram.say(FATIMA, "/wie iets met geld")
    asked = telegram.api.last_to(FATIMA.id)
    press = telegram.press_update(FATIMA, asked, "Schulden")
    assert await _held_answer(telegram, press) == 200
    # The pop-up was closed before the answer, and the answer names the person.
    assert telegram.api.ok("answerCallbackQuery")
    assert "Joost de Wit" in telegram.api.texts_to(FATIMA.id)[-1]


async def test_a_private_answer_in_the_200_is_handled_when_the_200_goes(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    update = telegram.message(FATIMA, "/taal nl")
    assert await telegram.post(update) == 200
    [answered] = [c for c in telegram.api.calls if c.in_webhook]
    assert answered.method == "sendMessage" and "Nederlands" in answered.params["text"]
    assert await _handled(app, update) is True
    # Telegram sends it again only without a 200: the same process knows it handled it.
    assert await telegram.post(update) == 200
    assert len([c for c in telegram.api.calls if c.in_webhook]) == 1


async def test_a_read_answered_in_the_200_is_answered_again_when_sent_again(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    update = telegram.message(FATIMA, "/wie iets met geld")
    assert await telegram.post(update) == 200
    # Telegram resends an update only when it got no 200, so the answer in that 200 was
    # lost with it: a command that changes nothing takes no claim and is answered again.
    assert await telegram.post(update) == 200
    answers = [c for c in telegram.api.calls if c.in_webhook]
    assert len(answers) == 2
    assert all(a.method == "sendMessage" and "Bedoel je" in a.params["text"] for a in answers)
    assert await _handled(app, update) is None
