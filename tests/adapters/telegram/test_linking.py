"""Linking in Telegram: a code from the console redeemed there; wrong, expired and reused codes."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import AuditEntry
from core.clock import FrozenClock
from core.outbox import OutboxMessage
from directory import linking
from directory.csv_io import import_csv
from handlers.linking.codes import NOT_VALID
from tests.adapters.telegram.harness import GROUP, TelegramHarness, User
from tests.support import Chat, make_person

FATIMA = User(4242, "Fatima", username="fatima_ea")
OTHER = User(6666, "Iemand")


async def _code(app: App, chat: Chat) -> str:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    reply = await chat.say("/koppel")
    return str(reply.data["code"])


async def test_a_right_code_links_and_the_account_works(
    app: App, chat: Chat, telegram: TelegramHarness
) -> None:
    code = await _code(app, chat)
    await telegram.say(FATIMA, "/taal en")
    assert "Welkom bij Groene Krokodil" in telegram.api.texts_to(FATIMA.id)[-1]
    await telegram.say(FATIMA, f"/koppel {code}")
    assert telegram.api.texts_to(FATIMA.id)[-1] == (
        "Gelukt! Dit account is nu gekoppeld aan Fatima el Amrani. Typ /help om te zien wat ik kan."
    )
    await telegram.say(FATIMA, "/taal en")
    assert telegram.api.texts_to(FATIMA.id)[-1] == "From now on I'll speak English with you."


async def test_wrong_expired_and_reused_codes_get_one_answer(
    app: App, chat: Chat, clock: FrozenClock, telegram: TelegramHarness
) -> None:
    code = await _code(app, chat)
    await telegram.say(OTHER, "/koppel ZZZZ-ZZZZ")
    assert telegram.api.texts_to(OTHER.id)[-1] == (NOT_VALID)
    clock.advance(linking.CODE_LIFETIME + timedelta(minutes=1))
    await telegram.say(FATIMA, f"/koppel {code}")
    assert telegram.api.texts_to(FATIMA.id)[-1] == (NOT_VALID)
    fresh = str((await chat.say("/koppel")).data["code"])
    await telegram.say(FATIMA, f"/koppel {fresh}")
    assert "Gelukt!" in telegram.api.texts_to(FATIMA.id)[-1]
    await telegram.say(OTHER, f"/koppel {fresh}")
    assert telegram.api.texts_to(OTHER.id)[-1] == (NOT_VALID)


async def test_guesses_in_groups_count_and_guessing_from_many_accounts_is_stopped(
    app: App, chat: Chat, telegram: TelegramHarness
) -> None:
    code = await _code(app, chat)
    # Wrong codes sent in a group count for the sender like private ones.
    for attempt in range(linking.MAX_FAILURES):
        await telegram.say(OTHER, f"/koppel@GroeneKrokodilBot ZZZZ-ZZZ{attempt + 2}", chat=GROUP)
    await telegram.say(OTHER, f"/koppel {code}")
    assert "te vaak een verkeerde code" in telegram.api.texts_to(OTHER.id)[-1]
    # Many accounts guessing at once: past the overall limit nobody's code is tried.
    for n in range(linking.MAX_FAILURES_ALL // (linking.MAX_FAILURES - 1) + 1):
        guesser = User(70000 + n, f"Gokker {n}")
        for attempt in range(linking.MAX_FAILURES - 1):
            await telegram.say(guesser, f"/koppel ZZZZ-ZZZ{attempt + 2}")
    await telegram.say(FATIMA, f"/koppel {code}")
    assert "te vaak een verkeerde code" in telegram.api.texts_to(FATIMA.id)[-1]
    # The group never read anything of it.
    assert all("code" not in text.lower() for text in telegram.api.texts_to(GROUP["id"]))


async def test_guessing_is_stopped(app: App, chat: Chat, telegram: TelegramHarness) -> None:
    code = await _code(app, chat)
    for attempt in range(linking.MAX_FAILURES):
        await telegram.say(OTHER, f"/koppel ZZZZ-ZZZ{attempt + 2}")
    await telegram.say(OTHER, f"/koppel {code}")
    assert "te vaak een verkeerde code" in telegram.api.texts_to(OTHER.id)[-1]


async def test_a_code_sent_in_a_group_is_burned(
    app: App, chat: Chat, telegram: TelegramHarness
) -> None:
    code = await _code(app, chat)
    await telegram.say(FATIMA, f"/koppel@GroeneKrokodilBot {code}", chat=GROUP)
    # The explanation goes to Fatima's private chat; the group reads only a pointer to it.
    assert "nooit in een groep" in telegram.api.texts_to(FATIMA.id)[-1]
    assert telegram.api.texts_to(GROUP["id"]) == ["Ik heb je een privébericht gestuurd."]
    await telegram.say(FATIMA, f"/koppel {code}")
    assert "al gebruikt" in telegram.api.texts_to(FATIMA.id)[-1]


async def test_an_imported_username_is_confirmed_with_a_code_sent_elsewhere(
    app: App, telegram: TelegramHarness
) -> None:
    csv = (
        "naam,organisatie,telefoon,email,themas,telegram\n"
        "Fatima el Amrani,Gemeente Groenwater,06-12345678,f.elamrani@example.org,schulden,"
        "@Fatima_EA\n"
    )
    await import_csv(app.deps.uow, csv, now=app.deps.clock.now())
    impostor = User(8888, "Niet Fatima", username="fatima_ea_2")
    await telegram.say(impostor, "/taal en")
    assert "Welkom bij Groene Krokodil" in telegram.api.texts_to(impostor.id)[-1]
    # Whoever holds the name now is not trusted on it: a stranger until confirmed, with no
    # contact details, and the code goes to Fatima through another channel, never Telegram.
    await make_person(app, "Joost de Wit", email="j.dewit@example.org", themes=["schulden"])
    await telegram.say(FATIMA, "/wie schulden")
    answer = telegram.api.texts_to(FATIMA.id)[-1]
    assert "Joost de Wit" in answer and "1234" not in answer
    await telegram.say(FATIMA, "/help")  # a second message sends no second code
    async with app.deps.uow() as uow:
        [sent] = list(
            await uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "link.username")
            )
        )
    assert sent.person_id is not None and sent.payload["data"]["avoid_platforms"] == ["telegram"]
    code = re.search(r"/koppel (\S+)", sent.payload["text"])
    assert code is not None and "@fatima_ea" in sent.payload["text"]
    assert all(code.group(1) not in text for text in telegram.api.texts_to(FATIMA.id))
    await telegram.say(FATIMA, f"/koppel {code.group(1)}")
    assert "Gelukt!" in telegram.api.texts_to(FATIMA.id)[-1]
    await telegram.say(FATIMA, "/taal en")
    assert telegram.api.texts_to(FATIMA.id)[-1] == "From now on I'll speak English with you."


async def test_wrong_codes_from_the_account_a_code_was_sent_for_burn_that_code(
    app: App, chat: Chat, telegram: TelegramHarness
) -> None:
    csv = (
        "naam,organisatie,telefoon,email,themas,telegram\n"
        "Fatima el Amrani,Gemeente Groenwater,06-12345678,f.elamrani@example.org,schulden,"
        "@Fatima_EA\n"
    )
    await import_csv(app.deps.uow, csv, now=app.deps.clock.now())
    await telegram.say(FATIMA, "/help")
    async with app.deps.uow() as uow:
        [sent] = list(
            await uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "link.username")
            )
        )
    found = re.search(r"/koppel (\S+)", sent.payload["text"])
    assert found is not None
    code = found.group(1)
    # Wrong codes from another account are that account's own guesses: the code still works.
    for attempt in range(linking.MAX_FAILURES_PER_CODE):
        await telegram.say(OTHER, f"/koppel ZZZZ-ZZZ{attempt + 2}")
    # Wrong codes from the account the code was sent for count against that code, also in a
    # group; each gets the one answer, and the last one burns the code.
    await telegram.say(FATIMA, "/koppel@GroeneKrokodilBot ZZZZ-ZZZ2", chat=GROUP)
    for attempt in range(1, linking.MAX_FAILURES_PER_CODE):
        await telegram.say(FATIMA, f"/koppel ZZZZ-ZZZ{attempt + 2}")
        assert telegram.api.texts_to(FATIMA.id)[-1] == NOT_VALID
    # Now the right code does not work either (still within the account's own limit).
    assert linking.MAX_FAILURES_PER_CODE < linking.MAX_FAILURES
    await telegram.say(FATIMA, f"/koppel {code}")
    assert telegram.api.texts_to(FATIMA.id)[-1] == NOT_VALID
    async with app.deps.uow() as uow:
        burned = await uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "link_code.burned")
        )
    assert burned is not None and burned.result == "too_many"
    # Fatima asks a new code where she is known (the console) and links with it.
    fresh = str((await chat.say("/koppel")).data["code"])
    await telegram.say(FATIMA, f"/koppel {fresh}")
    assert "Gelukt!" in telegram.api.texts_to(FATIMA.id)[-1]
