"""Guards around handovers: the BSN on every free-text field, and the Telegram rule."""

from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import func, select

from bot.adapters.console import CollectingAdapter
from bot.bootstrap import App
from core.messages import FormSubmission, Invocation
from directory.models import Account, Person
from handovers.models import Handover
from tests.integration.handlers.handover.network import NEED, last_for, network, send_to
from tests.support import Chat

BSN = "111 222 333"


async def _count(app: App) -> int:
    async with app.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(Handover)) or 0)


@pytest.mark.parametrize(
    "step",
    ["need", "wijk", "receiver", "reference"],
)
async def test_a_bsn_in_any_form_answer_is_refused_and_the_form_waits(
    app: App, chat: Chat, step: str
) -> None:
    await network(app)
    answers = {"need": NEED, "themes": "1", "wijk": "-", "receiver": "1", "reference": "D-1"}
    chat.as_("f.elamrani")
    await chat.say("/overdracht")
    for name, answer in answers.items():
        if name == step:
            refused = await chat.say(f"zie {BSN}")
            assert "BSN" in refused.text
        await chat.say(answer)
    done = await chat.say("ja")
    assert "Verstuurd naar" in done.text
    async with app.deps.uow() as uow:
        stored = await uow.session.scalar(select(Handover))
    assert stored is not None and "111" not in (stored.need or "") + (stored.reference_label or "")


async def test_a_bsn_in_a_decline_note_or_kennismaking_moment_is_refused(
    app: App, chat: Chat
) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("2")
    await chat.say("4")
    assert "BSN" in (await chat.say(f"dossier {BSN}")).text
    assert "Fatima el Amrani houdt de regie" in (await chat.say("Past niet bij ons.")).text
    async with app.deps.uow() as uow:
        stored = await uow.session.scalar(select(Handover))
    assert stored is not None and stored.decline_note == "Past niet bij ons."

    await send_to(chat, "Anna Bakker", label="D-2")
    chat.as_("anna")
    await chat.say("1")  # accept
    await chat.say("1")  # kennismaking gepland
    assert "BSN" in (await chat.say(f"morgen 10:00 {BSN}")).text
    assert "Genoteerd" in (await chat.say("morgen 10:00")).text


async def test_a_bsn_in_a_modal_submission_is_refused_before_anything_is_stored(
    app: App,
) -> None:
    await network(app)
    reply = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="f.elamrani",
            chat="c",
            submission=FormSubmission(
                form_id="handover.receiver",
                values={"receiver": "Joost de Wit", "reference": BSN, "consent": "ja"},
                context={"need": NEED, "themes": "schulden", "wijk": ""},
            ),
        )
    )
    assert "BSN" in reply.text
    assert await _count(app) == 0


async def test_a_bsn_in_the_command_itself_is_refused(app: App, chat: Chat) -> None:
    await network(app)
    assert "BSN" in (await chat.say(f"/overdracht inwoner {BSN} heeft schulden")).text


async def _telegram_account(app: App, person: Person, external: str) -> None:
    async with app.deps.uow() as uow:
        uow.session.add(
            Account(
                person_id=person.id,
                platform="telegram",
                external_id=external,
                linked_at=app.deps.clock.now(),
            )
        )
        await uow.commit()


async def test_handovers_are_refused_on_telegram_unless_allowed(app: App) -> None:
    people = await network(app)
    await _telegram_account(app, people.fatima, "5551")
    invocation = Invocation(platform="telegram", account="5551", chat="5551", text="/overdracht")
    refused = await app.dispatcher.handle(invocation)
    assert "Warme overdrachten gaan niet via Telegram" in refused.text
    assert "/regie" not in refused.text
    regie = await app.dispatcher.handle(replace(invocation, text="/regie"))
    assert "niet via Telegram" in regie.text

    settings = app.deps.settings
    app.deps.settings = replace(settings, telegram=replace(settings.telegram, allow_handovers=True))
    allowed = await app.dispatcher.handle(replace(invocation, text="/overdracht"))
    assert "Wat heeft de inwoner nodig?" in allowed.text


class TelegramSink(CollectingAdapter):
    """A running 'Telegram' that records what it would have sent."""

    name = "telegram"


async def test_the_receivers_message_avoids_telegram(app: App, chat: Chat) -> None:
    people = await network(app)
    telegram = TelegramSink()
    app.add_adapter(telegram)
    await _telegram_account(app, people.joost, "7771")
    await send_to(chat, "Joost de Wit")
    assert "Warme overdracht van Fatima" in last_for(chat, "joost")
    assert telegram.sent == []


async def test_a_receiver_only_on_telegram_is_to_be_called(app: App, chat: Chat) -> None:
    people = await network(app)
    async with app.deps.uow() as uow:
        account = await uow.session.scalar(
            select(Account).where(Account.person_id == people.joost.id)
        )
        assert account is not None
        account.platform = "telegram"
        await uow.commit()
    await send_to(chat, "Joost de Wit")
    reply = chat.replies[-1]
    assert "geen chat-account waar ik overdrachten naartoe mag sturen" in reply.text
    assert "Bel even met Joost: 06 1234 5671" in reply.text
    assert await _count(app) == 1
