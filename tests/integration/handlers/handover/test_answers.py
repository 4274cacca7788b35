"""The receiver's and sender's buttons: every transition, its messages, and repeated presses."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import App
from core.messages import Action, Invocation
from directory.models import Person
from handovers.models import Handover, HandoverCase
from tests.integration.handlers.handover.network import (
    last_for,
    latest_handover,
    network,
    send_to,
    up_to_the_receiver,
)
from tests.support import Chat


async def _holder(app: App) -> int:
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
        assert case is not None
        return case.regie_holder_id


async def test_decline_needs_a_reason_and_the_sender_gets_other_candidates(
    app: App, chat: Chat
) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.script(
        [
            ("2", ["Waarom neem je de overdracht niet aan?", "Ik heb nu geen ruimte"]),
            ("2", ["Toelichting voor de afzender"]),
            ("Vol tot januari.", ["Fatima el Amrani houdt de regie"]),
        ]
    )
    told = last_for(chat, "f.elamrani")
    assert "Joost de Wit neemt de overdracht niet aan" in told
    assert "Reden: Ik heb nu geen ruimte" in told
    assert "Toelichting: Vol tot januari." in told
    assert "De regie blijft bij jou" in told
    assert "Anna Bakker" in told and "06 1234 5672" in told
    assert "Joost de Wit —" not in told.split("Deze collega's")[1]
    assert await _holder(app) == people.fatima.id

    chat.as_("f.elamrani")
    await chat.script(
        [
            ("1", ["Aan wie wil je de casus nu overdragen?", "Anna Bakker"]),
            ("1", ["Jouw eigen kenmerk"]),
            ("D-2026-0042", ["Weet de inwoner"]),
            ("ja", ["Verstuurd naar Anna Bakker", "casus #1"]),
        ]
    )
    assert "Warme overdracht van Fatima el Amrani" in last_for(chat, "anna")
    async with app.deps.uow() as uow:
        cases = await uow.session.scalar(select(func.count()).select_from(HandoverCase))
    assert cases == 1


async def test_another_reason_needs_an_explanation(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("2")
    await chat.say("4")
    reply = await chat.say("-")
    assert "Schrijf kort waarom" in reply.text
    assert (await latest_handover(app)).state == "open"


async def test_call_me_first_gives_the_sender_my_number_once(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    first = await chat.say("3")
    assert "Ik heb Fatima el Amrani gevraagd je te bellen" in first.text
    assert "06 1234 5670" in first.text
    told = last_for(chat, "f.elamrani")
    assert "Joost de Wit wil eerst even met je bellen" in told
    assert "Bel even met Joost: 06 1234 5671" in told
    chat.as_("joost")
    before = len(chat.messages_for("f.elamrani"))
    await chat.say("/regie")
    again = await chat.app.dispatcher.handle(
        Invocation(
            platform="console",
            account="joost",
            chat="console:joost",
            action=Action("handover.callme", str((await latest_handover(app)).id)),
        )
    )
    assert "al gevraagd" in again.text
    await chat.deliver()
    assert len(chat.messages_for("f.elamrani")) == before
    assert (await latest_handover(app)).state == "open"


async def test_withdraw_tells_the_receiver_and_a_late_accept_changes_nothing(
    app: App, chat: Chat
) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    withdrawn = await chat.say("1")
    assert "is ingetrokken. De regie blijft bij jou" in withdrawn.text
    assert "Fatima el Amrani heeft de overdracht ingetrokken" in last_for(chat, "joost")
    chat.as_("joost")
    chat._console._buttons_for["joost"] = ()
    hid = (await latest_handover(app)).id
    late = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="joost",
            chat="console:joost",
            action=Action("handover.accept", str(hid)),
        )
    )
    assert "al ingetrokken" in late.text
    assert await _holder(app) == people.fatima.id


async def test_accepting_twice_answers_already_accepted(app: App, chat: Chat) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    hid = (await latest_handover(app)).id
    press = Invocation(
        platform="console",
        account="joost",
        chat="console:joost",
        action=Action("handover.accept", str(hid)),
    )
    first = await app.dispatcher.handle(press)
    second = await app.dispatcher.handle(press)
    assert "Je hebt de overdracht geaccepteerd" in first.text
    assert second.text == "Je hebt deze overdracht al geaccepteerd."
    await chat.deliver()
    accepted = [m for m in chat.messages_for("f.elamrani") if "geaccepteerd" in m]
    assert len(accepted) == 1
    assert await _holder(app) == people.joost.id


async def test_the_same_platform_event_twice_has_one_effect(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    hid = (await latest_handover(app)).id
    press = Invocation(
        platform="console",
        account="joost",
        chat="console:joost",
        action=Action("handover.accept", str(hid)),
        event_id="evt-accept-1",
    )
    assert "geaccepteerd" in (await app.dispatcher.handle(press)).text
    assert (await app.dispatcher.handle(press)).data == {"duplicate": True}


async def test_only_the_receiver_can_answer(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    hid = (await latest_handover(app)).id
    reply = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="anna",
            chat="console:anna",
            action=Action("handover.accept", str(hid)),
        )
    )
    assert reply.text == "Deze overdracht is niet aan jou gericht."


async def test_without_consent_nothing_is_sent_or_stored(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit")
    # send_to answered 'ja'; start again and answer 'nee' this time.
    await up_to_the_receiver(chat, "Hulp bij het aanvragen van bijzondere bijstand.")
    await chat.say("Anna Bakker")
    await chat.say("Z-9")
    reply = await chat.say("nee")
    assert "Zonder toestemming van de inwoner verstuur ik geen overdracht" in reply.text
    assert chat.messages_for("anna") == []
    async with app.deps.uow() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Handover)) == 1


async def test_same_label_to_two_receivers_is_flagged_to_both(app: App, chat: Chat) -> None:
    from tests.support import make_person

    await network(app)
    await make_person(app, "Els Visser", email="els@example.org", themes=["schulden"])
    await send_to(chat, "Joost de Wit", label="D-2026-0042")
    chat.as_("els")
    await up_to_the_receiver(chat, "Hulp bij schulden.")
    await chat.say("Anna Bakker")
    await chat.say("d 2026 0042")
    sent = await chat.say("ja")
    assert "ook een overdracht open naar Joost de Wit" in sent.text
    assert "Er kan maar één regiehouder zijn" in last_for(chat, "joost")
    assert "Anna Bakker" in last_for(chat, "joost")
    flagged_anna = [m for m in chat.messages_for("anna") if "één regiehouder" in m]
    assert flagged_anna and "Joost de Wit" in flagged_anna[0]


async def test_same_label_tells_the_earlier_sender_whom_to_call(app: App, chat: Chat) -> None:
    from tests.support import make_person

    await network(app)
    await make_person(
        app, "Els Visser", email="els@example.org", themes=["schulden"], phone="+31612345679"
    )
    await send_to(chat, "Joost de Wit", label="D-2026-0042")
    chat.as_("els")
    await up_to_the_receiver(chat, "Hulp bij schulden.")
    await chat.say("Anna Bakker")
    await chat.say("D-2026-0042")
    sent = await chat.say("ja")
    assert "Die overdracht is van Fatima el Amrani; bel Fatima ook even." in sent.text
    to_fatima = last_for(chat, "f.elamrani")
    assert "Els Visser heeft ook een overdracht gestuurd met kenmerk D-2026-0042" in to_fatima
    assert "Bel Els even" in to_fatima
    assert "06 1234 5679" in to_fatima
    assert any("één regiehouder" in m for m in chat.messages_for("f.elamrani"))


async def test_each_person_reads_their_own_language(app: App, chat: Chat) -> None:
    people = await network(app)
    async with app.deps.uow() as uow:
        joost = await uow.session.get(Person, people.joost.id)
        assert joost is not None
        joost.language = "en"
        await uow.commit()
    await send_to(chat, "Joost de Wit")
    request = last_for(chat, "joost")
    assert "Warm handover from Fatima el Amrani" in request
    assert "wants to hand a resident over to you warmly" in request
    assert "[1] Accept" in request and "[3] Call me first" in request
    assert "Verstuurd naar Joost de Wit" in chat.replies[-1].text
    chat.as_("joost")
    assert "You have accepted the handover" in (await chat.say("1")).text
    assert "heeft de overdracht geaccepteerd" in last_for(chat, "f.elamrani")


async def test_a_sender_who_left_the_directory_does_not_block_the_answer(
    app: App, chat: Chat
) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    async with app.deps.uow() as uow:
        fatima = await uow.session.get(Person, people.fatima.id)
        assert fatima is not None
        fatima.active = False
        await uow.commit()
    chat.as_("joost")
    assert "Je hebt de overdracht geaccepteerd" in (await chat.say("1")).text
    assert await _holder(app) == people.joost.id
