"""Choosing the receiver of a handover: typed names, absent receivers and their stand-ins."""

from __future__ import annotations

from datetime import timedelta

from bot.bootstrap import App
from core.clock import FrozenClock
from core.messages import FormSubmission, Invocation
from directory.models import Person
from tests.integration.handlers.handover.network import (
    last_for,
    latest_handover,
    network,
    up_to_the_receiver,
)
from tests.support import Chat


async def _away(
    app: App,
    person_id: int,
    clock: FrozenClock,
    *,
    days: int | None = None,
    stand_in: int | None = None,
) -> None:
    """Make someone absent since yesterday (for `days` more, else open-ended)."""
    async with app.deps.uow() as uow:
        person = await uow.session.get(Person, person_id)
        assert person is not None
        person.absent_from = clock.now() - timedelta(days=1)
        if days is not None:
            person.absent_until = clock.now() + timedelta(days=days)
        person.stand_in_id = stand_in
        await uow.commit()


async def test_a_typed_name_finds_the_receiver_or_asks_again(app: App, chat: Chat) -> None:
    await network(app)
    chat.as_("f.elamrani")
    await up_to_the_receiver(chat, "Hulp bij een schuldregeling.")
    await chat.say("Pietje Puk")
    await chat.say("K-1")
    again = await chat.say("ja")
    assert "Ik vind niemand met de naam 'Pietje Puk'" in again.text
    assert "Vraag 1 van 3" in again.text
    await chat.say("anna bakker")
    await chat.say("K-1")
    done = await chat.say("ja")
    assert "Verstuurd naar Anna Bakker" in done.text


async def test_an_absent_receiver_is_said_up_front_with_the_stand_in(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    people = await network(app)
    await _away(app, people.joost.id, clock, days=7, stand_in=people.anna.id)
    chat.as_("f.elamrani")
    await up_to_the_receiver(chat, "Hulp bij een schuldregeling.")
    # Typed by name, the absent receiver is named at once, with the stand-in, before the
    # next question (not only after the label and consent).
    label_question = await chat.say("Joost de Wit")
    assert label_question.text.startswith(
        "Let op: Joost de Wit is afwezig tot 1 december; vervanger: Anna Bakker ("
    )
    assert "Vraag 2 van 3: Jouw eigen kenmerk" in label_question.text
    await chat.say("D-7")
    asked = await chat.say("ja")
    assert "Joost de Wit is afwezig tot 1 december" in asked.text
    assert [b.label for b in asked.buttons][:2] == [
        "Naar Anna Bakker, de vervanger",
        "Toch naar Joost de Wit; die ziet het na terugkomst",
    ]
    sent = await chat.say("1")
    assert "Verstuurd naar Anna Bakker" in sent.text
    assert "Je krijgt dit als vervanger van Joost de Wit" in last_for(chat, "anna")
    assert chat.messages_for("joost") == []
    handover = await latest_handover(app)
    assert (handover.receiver_id, handover.stand_in_for_id) == (people.anna.id, people.joost.id)


async def test_an_absent_receiver_without_a_stand_in_is_said_at_once_too(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    people = await network(app)
    await _away(app, people.joost.id, clock, days=7)
    chat.as_("f.elamrani")
    await up_to_the_receiver(chat, "Hulp bij een schuldregeling.")
    label_question = await chat.say("joost de wit")
    assert label_question.text.startswith(
        "Let op: Joost de Wit is afwezig tot 1 december; er is geen vervanger bekend."
    )


async def test_a_typed_name_that_fits_nobody_is_said_at_once(app: App, chat: Chat) -> None:
    await network(app)
    chat.as_("f.elamrani")
    await up_to_the_receiver(chat, "Hulp bij een schuldregeling.")
    label_question = await chat.say("Pietje Puk")
    assert label_question.text.startswith("Let op: ik vind niemand met de naam 'Pietje Puk'.")
    assert "Jouw eigen kenmerk" in label_question.text


async def test_a_typed_name_that_fits_several_is_said_at_once(app: App, chat: Chat) -> None:
    await network(app)
    chat.as_("f.elamrani")
    await up_to_the_receiver(chat, "Hulp bij een schuldregeling.")
    label_question = await chat.say("er")  # Anna Bakker, Olga Mulder, Els Visser …
    assert label_question.text.startswith("Let op: 'er' past bij meer collega's.")


async def test_a_modal_submits_the_receiver_at_once_and_gets_the_stand_in_form(
    app: App, clock: FrozenClock
) -> None:
    # Slack: the whole receiver form comes in one submission, so there is no step to say
    # it at; the follow-up form asks about the stand-in.
    people = await network(app)
    await _away(app, people.joost.id, clock, stand_in=people.anna.id)
    app.dispatcher.modal_platforms = frozenset({"console"})
    reply = await app.dispatcher.handle(
        Invocation(
            platform="console",
            account="f.elamrani",
            chat="c",
            submission=FormSubmission(
                form_id="handover.receiver",
                values={"receiver": "Joost de Wit", "reference": "D-9", "consent": "ja"},
                context={"need": "Hulp bij schulden.", "themes": "schulden", "wijk": ""},
            ),
        )
    )
    assert reply.form is not None and reply.form.form_id == "handover.standin"
    assert reply.form.fields[0].label.startswith("Joost de Wit is afwezig")
    assert reply.form.fields[0].choices[0].label == "Naar Anna Bakker, de vervanger"


async def test_the_stand_in_choice_in_the_list_sends_to_the_stand_in(
    app: App, chat: Chat, clock: FrozenClock
) -> None:
    people = await network(app)
    await _away(app, people.joost.id, clock, stand_in=people.olga.id)
    chat.as_("f.elamrani")
    await chat.say("/overdracht")
    await chat.say("Hulp bij een schuldregeling.")
    await chat.say("1")
    form2 = await chat.say("-")
    labels = [b.label for b in form2.buttons]
    assert any(
        label.startswith("Olga Mulder — Gemeente Groenwater · vervangt Joost de Wit (afwezig)")
        for label in labels
    ), labels
    stand_in = next(i for i, label in enumerate(labels, 1) if "vervangt Joost" in label)
    label_question = await chat.say(str(stand_in))
    assert "Let op" not in label_question.text  # the list already said Joost is away
    await chat.say("D-8")
    sent = await chat.say("ja")
    assert "Verstuurd naar Olga Mulder" in sent.text
    assert "als vervanger van Joost de Wit" in last_for(chat, "olga")
