"""Group chats: only messages for the bot count; groups are meeting channels for the outbox."""

from __future__ import annotations

from typing import Any

from bot.bootstrap import App
from core.messages import Button, Recipient, Reply
from core.outbox import enqueue
from handlers.base import ActionSpec, Command, CommandSpec, Deps
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User, labels
from tests.adapters.telegram.standin import bot_user
from tests.adapters.telegram.test_webhook import link_telegram
from tests.support import make_person

FATIMA = User(4242, "Fatima")
STRANGER = User(9999, "Onbekend")
GROUP_ID = int(GROUP["id"])


async def _fatima(app: App) -> int:
    person = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await link_telegram(app, "f.elamrani@example.org", FATIMA)
    return person.id


async def test_group_chatter_is_ignored(app: App, telegram: TelegramHarness) -> None:
    await _fatima(app)
    for text in ("goedemorgen allemaal", "wie kan helpen met schulden?", "/help@AndereBot"):
        assert await telegram.say(FATIMA, text, chat=GROUP) == 200
    assert not telegram.api.ok("sendMessage")


async def test_commands_mentions_and_replies_are_answered_in_the_group(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    api = telegram.api
    update = telegram.message(FATIMA, "/help@GroeneKrokodilBot", chat=GROUP)
    await telegram.post(update)
    answer = api.last_to(GROUP_ID)
    assert answer.params["text"].startswith("<b>Wat ik kan</b>")
    # In a busy group the answer points at the question.
    assert answer.params["reply_parameters"]["message_id"] == update["message"]["message_id"]
    await telegram.say(FATIMA, "@GroeneKrokodilBot /help", chat=GROUP)
    await telegram.say(FATIMA, "/help", chat=GROUP)
    await telegram.say(FATIMA, "hoi", chat=GROUP, reply_to=answer)
    texts = api.texts_to(GROUP_ID)
    assert len(texts) == 4
    assert "Ik begreep je vraag niet helemaal" in texts[-1]


async def test_private_answers_to_group_messages_go_to_the_private_chat(
    telegram: TelegramHarness,
) -> None:
    await telegram.say(STRANGER, "/taal en", chat=GROUP)
    assert "Welkom bij Groene Krokodil" in telegram.api.texts_to(STRANGER.id)[-1]
    # The group reads where the answer went, not the answer.
    [pointer] = telegram.api.texts_to(GROUP_ID)
    assert "Welkom" not in pointer and "privébericht" in pointer


async def test_being_added_to_a_group_says_hello_once(telegram: TelegramHarness) -> None:
    member: dict[str, Any] = {"user": bot_user(), "status": "member"}
    update = {
        "update_id": telegram.next_update_id(),
        "my_chat_member": {
            "chat": GROUP,
            "from": FATIMA.as_json(),
            "date": 1,
            "old_chat_member": {**member, "status": "left"},
            "new_chat_member": member,
        },
    }
    assert await telegram.post(update) == 200
    assert await telegram.post(update) == 200
    [hello] = telegram.api.texts_to(GROUP_ID)
    assert "/help@GroeneKrokodilBot" in hello


async def test_the_outbox_posts_in_groups_and_private_chats(
    app: App, telegram: TelegramHarness
) -> None:
    person_id = await _fatima(app)
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        await enqueue(
            uow.session,
            Recipient(platform="telegram", chat=str(GROUP_ID)),
            Reply(text="Netwerkbijeenkomst schulden: donderdag 14:00"),
            now=now,
        )
        await enqueue(
            uow.session, Recipient(person_id=person_id), Reply(text="Herinnering"), now=now
        )
        await uow.commit()
    await app.delivery.flush()
    assert telegram.api.texts_to(GROUP_ID) == ["Netwerkbijeenkomst schulden: donderdag 14:00"]
    assert telegram.api.texts_to(FATIMA.id) == ["Herinnering"]


async def _rsvp(cmd: Command, deps: Deps) -> Reply:
    return Reply(text="Donderdag?", buttons=(Button("Ik kom", "test.rsvp", "yes"),))


async def _rsvp_done(cmd: Command, deps: Deps) -> Reply:
    return Reply(text="Genoteerd: je komt.", private=True)


async def test_a_button_in_a_group_answers_with_a_pop_up_and_stays_for_others(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    app.deps.registry.command(CommandSpec("rsvp", _rsvp, "test", "/rsvp"))
    app.deps.registry.action(ActionSpec("test.rsvp", _rsvp_done))
    await telegram.say(FATIMA, "/rsvp", chat=GROUP)
    post = telegram.api.last_to(GROUP_ID)
    assert labels(post) == ["Ik kom"]
    await telegram.press(FATIMA, post, "Ik kom")
    [answer] = telegram.api.ok("answerCallbackQuery")
    assert answer.params["text"] == "Genoteerd: je komt."
    assert not telegram.api.ok("editMessageText")
    assert not telegram.api.ok("editMessageReplyMarkup")
    assert len(telegram.api.texts_to(GROUP_ID)) == 1


async def _details(cmd: Command, deps: Deps) -> Reply:
    return Reply(title="Netwerk Noord", text="Genoteerd.\nDonderdag 14:00, Wijkcentrum De Schakel")


async def test_a_longer_answer_to_a_button_in_a_group_goes_to_the_presser(
    app: App, telegram: TelegramHarness
) -> None:
    await _fatima(app)
    app.deps.registry.command(CommandSpec("rsvp", _rsvp, "test", "/rsvp"))
    app.deps.registry.action(ActionSpec("test.rsvp", _details))
    await telegram.say(FATIMA, "/rsvp", chat=GROUP)
    post = telegram.api.last_to(GROUP_ID)
    await telegram.press(FATIMA, post, "Ik kom")
    [answer] = telegram.api.ok("answerCallbackQuery")
    assert answer.params["text"] == "Genoteerd."
    assert "Wijkcentrum De Schakel" in telegram.api.texts_to(FATIMA.id)[-1]
    assert len(telegram.api.texts_to(GROUP_ID)) == 1


async def test_posts_follow_a_group_that_became_a_supergroup(
    app: App, telegram: TelegramHarness
) -> None:
    old_id, new_id = -4000, -1004000
    telegram.api.migrated_chats[old_id] = new_id
    async with app.deps.uow() as uow:
        await enqueue(
            uow.session,
            Recipient(platform="telegram", chat=str(old_id)),
            Reply(text="Netwerkbijeenkomst donderdag"),
            now=app.deps.clock.now(),
        )
        await uow.commit()
    await app.delivery.flush()
    assert telegram.api.texts_to(new_id) == ["Netwerkbijeenkomst donderdag"]
