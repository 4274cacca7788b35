"""What is private stays private in a group: contact details and private answers go to the
asker's private chat, the group reads a pointer, and never the answer because a DM failed."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.adapters.telegram.respond import KEPT_KIND
from bot.bootstrap import App
from core.outbox import OutboxMessage
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User, bot_user
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

FATIMA = User(4242, "Fatima")
MEMBER = User(7777, "Meelezer")
GROUP_ID = int(GROUP["id"])
# What make_person gives everyone, and the colleagues' e-mail domain.
PHONE_DIGITS = "12345670"


async def _directory(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="j.dewit@example.org", themes=["schulden"])
    await make_person(app, "Ilse Kramer", email="i.kramer@example.org", themes=["schulden"])
    await link_telegram(app, "f.elamrani@example.org", FATIMA)


def _no_contact_details(texts: list[str]) -> None:
    for text in texts:
        assert PHONE_DIGITS not in _digits(text)
        assert "@example.org" not in text


async def test_wie_in_a_group_answers_privately_with_a_pointer_in_the_group(
    app: App, telegram: TelegramHarness
) -> None:
    await _directory(app)
    await telegram.say(FATIMA, "/wie schulden", chat=GROUP)
    private = "\n".join(telegram.api.texts_to(FATIMA.id))
    assert "Joost de Wit" in private and PHONE_DIGITS in _digits(private)
    # What everyone in the group reads: that the answer went privately, nothing more.
    [pointer] = telegram.api.texts_to(GROUP_ID)
    assert "privébericht" in pointer
    _no_contact_details([pointer])


async def test_a_plain_question_and_bel_in_a_group_are_private_too(
    app: App, telegram: TelegramHarness
) -> None:
    await _directory(app)
    await telegram.say(FATIMA, "@GroeneKrokodilBot wie kan helpen met schulden?", chat=GROUP)
    await telegram.say(FATIMA, "/bel Joost de Wit", chat=GROUP)
    private = telegram.api.texts_to(FATIMA.id)
    assert len(private) == 2 and all(PHONE_DIGITS in _digits(text) for text in private)
    group = telegram.api.texts_to(GROUP_ID)
    assert len(group) == 2
    _no_contact_details(group)


async def test_an_unregistered_member_sees_names_without_contact_details(
    app: App, telegram: TelegramHarness
) -> None:
    await _directory(app)
    await telegram.say(MEMBER, "/wie schulden", chat=GROUP)
    group = telegram.api.texts_to(GROUP_ID)
    assert any("Joost de Wit" in text for text in group)
    _no_contact_details(group + telegram.api.texts_to(MEMBER.id))


async def test_a_private_answer_never_falls_back_into_the_group(
    app: App, telegram: TelegramHarness
) -> None:
    await _directory(app)
    telegram.api.forbidden_chats.add(FATIMA.id)
    await telegram.say(FATIMA, "/wie schulden", chat=GROUP)
    [note] = telegram.api.texts_to(GROUP_ID)
    # The group learns only how to open a private chat (a deep link), not the answer.
    assert "https://t.me/GroeneKrokodilBot?start=antwoord" in note
    assert "Joost" not in note
    _no_contact_details([note])
    async with app.deps.uow() as uow:
        kept = list(await uow.session.scalars(select(OutboxMessage)))
    assert [(row.kind, row.chat) for row in kept] == [(KEPT_KIND, str(FATIMA.id))]

    # Fatima opens the private chat: the kept answer arrives there, and only there.
    telegram.api.forbidden_chats.discard(FATIMA.id)
    await telegram.say(FATIMA, "/start antwoord")
    await app.delivery.flush()
    private = "\n".join(telegram.api.texts_to(FATIMA.id))
    assert "Joost de Wit" in private and PHONE_DIGITS in _digits(private)
    assert len(telegram.api.texts_to(GROUP_ID)) == 1


async def test_a_kept_answer_goes_out_when_the_user_unblocks_the_bot(
    app: App, telegram: TelegramHarness
) -> None:
    await _directory(app)
    telegram.api.forbidden_chats.add(FATIMA.id)
    await telegram.say(FATIMA, "/wie schulden", chat=GROUP)
    await app.delivery.flush()  # still blocked: the kept answer waits for its next try
    telegram.api.forbidden_chats.discard(FATIMA.id)
    await app.delivery.flush()
    assert telegram.api.texts_to(FATIMA.id) == []
    # A new process knows of the kept answer from the outbox, not from having kept it.
    telegram.adapter.responder._kept_for.clear()
    await telegram.adapter.responder.find_kept()
    # Unblocking sends a membership update for the private chat, and no /start.
    private = {"id": FATIMA.id, "type": "private", "first_name": FATIMA.first_name}
    update = {
        "update_id": telegram.next_update_id(),
        "my_chat_member": {
            "chat": private,
            "from": FATIMA.as_json(),
            "date": 1,
            "old_chat_member": {"user": bot_user(), "status": "kicked", "until_date": 0},
            "new_chat_member": {"user": bot_user(), "status": "member"},
        },
    }
    assert await telegram.post(update) == 200
    await app.delivery.flush()
    answer = "\n".join(telegram.api.texts_to(FATIMA.id))
    assert "Joost de Wit" in answer and PHONE_DIGITS in _digits(answer)


async def test_other_private_answers_do_not_fall_back_either(
    app: App, telegram: TelegramHarness
) -> None:
    # A stranger's answers are private (how to register); with no private chat, a note.
    telegram.api.forbidden_chats.add(MEMBER.id)
    await telegram.say(MEMBER, "/taal en", chat=GROUP)
    [note] = telegram.api.texts_to(GROUP_ID)
    assert "Welkom" not in note and "t.me/GroeneKrokodilBot" in note


def _digits(text: str) -> str:
    """The text with the spaces and dashes of phone numbers taken out."""
    return re.sub(r"[\s-]", "", text)
