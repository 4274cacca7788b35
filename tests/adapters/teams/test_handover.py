"""A warm handover in Teams: form cards, the request card to the receiver, Accept, both told."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import App
from core.outbox import OutboxMessage
from directory.identity import IdentityRepository
from handovers.models import HandoverCase
from tests.adapters.teams.harness import (
    TeamsHarness,
    card_of,
    find_action,
    inputs_of,
    last_card,
    personal,
)
from tests.adapters.teams.standin import ConnectorStandIn, Member
from tests.support import make_person

FATIMA = Member(
    "29:fatima",
    "f0000000-0000-4000-8000-0000000000f1",
    "Fatima el Amrani",
    email="f.elamrani@example.org",
)
JOOST = Member(
    "29:joost", "f0000000-0000-4000-8000-0000000000f2", "Joost de Wit", email="joost@example.org"
)


async def _people(app: App, standin: ConnectorStandIn) -> None:
    await make_person(
        app,
        "Fatima el Amrani",
        email="f.elamrani@example.org",
        themes=["schulden"],
        wijken=["Molenwijk"],
    )
    joost = await make_person(
        app,
        "Joost de Wit",
        email="joost@example.org",
        organisation="Woonstede",
        themes=["wonen"],
        wijken=["Molenwijk"],
        phone="+31612345678",
    )
    # Joost never wrote to the bot: the directory import linked his Entra object id.
    async with app.deps.uow() as uow:
        person = await uow.repo(IdentityRepository).person_by_email("joost@example.org")
        assert person is not None and person.id == joost.id
        await uow.repo(IdentityRepository).link(
            person, "teams", JOOST.aad_object_id, app.deps.clock.now()
        )
        await uow.commit()
    standin.add_member(FATIMA)
    standin.add_member(JOOST)


def _choice(card: dict[str, object], input_id: str, title_part: str) -> str:
    for choice in inputs_of(card)[input_id]["choices"]:
        if title_part in choice["title"]:
            return str(choice["value"])
    raise AssertionError(f"no choice {title_part!r} in {input_id}")


async def test_overdracht_from_form_cards_to_accepted_with_both_informed(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    await _people(app, standin)
    fatima_chat = personal(FATIMA)["id"]

    # /overdracht answers with form 1 as a card, the wijken suggested.
    await teams.say(FATIMA, "/overdracht")
    _sent, question = last_card(standin, fatima_chat)
    assert _choice(question, "f.wijk", "Molenwijk") == "Molenwijk"

    # A BSN in the need: the same form comes back with the complaint under that field.
    refused = card_of(
        await teams.press(
            FATIMA,
            question,
            "Verder",
            inputs={"f.need": "BSN 111222333 heeft hulp nodig", "f.themes.multi": "wonen"},
            reply_to="9001",
        )
    )
    ids = [b.get("id") for b in refused["body"]]
    complaint = refused["body"][ids.index("f.need") + 1]
    assert complaint["color"] == "Attention" and "BSN" in complaint["text"]
    assert inputs_of(refused)["f.need"]["value"] == "BSN 111222333 heeft hulp nodig"

    # Form 1 submitted: the card becomes form 2 with the best receivers.
    receiver_form = card_of(
        await teams.press(
            FATIMA,
            refused,
            "Verder",
            inputs={
                "f.need": "Hulp bij een huurachterstand",
                "f.themes.multi": "wonen",
                "f.wijk": "Molenwijk",
            },
        )
    )
    joost = _choice(receiver_form, "f.receiver", "Joost de Wit")
    done = card_of(
        await teams.press(
            FATIMA,
            receiver_form,
            "Versturen",
            inputs={"f.receiver": joost, "f.reference": "dossier 2026-118", "f.consent": "ja"},
        )
    )
    assert "Joost de Wit" in str(done)

    # The outbox sends Joost the request in a 1:1 chat the bot opens with him.
    assert await app.delivery.run_once() >= 1
    joost_chat = f"a:personal-{JOOST.aad_object_id}"
    request_call, request = last_card(standin, joost_chat)
    assert "Hulp bij een huurachterstand" in request_call.text
    find_action(request, "Niet aannemen")

    # Joost accepts: his card shows the result in place; a double click has one effect.
    accept = teams.invoke(JOOST, find_action(request, "Accepteren"), reply_to="7001")
    second = teams.invoke(JOOST, find_action(request, "Accepteren"), reply_to="7001")
    first_answer = await teams.post(accept)
    again = await teams.post(second)
    assert "geaccepteerd" in str(card_of(first_answer)).lower()
    assert again.body == first_answer.body
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
        joost_person = await uow.repo(IdentityRepository).person_by_email("joost@example.org")
        assert case is not None and joost_person is not None
        assert case.regie_holder_id == joost_person.id
        queued = await uow.session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.kind.like("handover.accepted%"))
        )
    assert queued == 1

    # Fatima hears that Joost accepted.
    await app.delivery.flush()
    assert "Joost de Wit" in standin.sent(fatima_chat)[-1].text
    assert "geaccepteerd" in standin.sent(fatima_chat)[-1].text


async def test_a_handover_to_someone_teams_will_not_reach_stays_queued(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    await _people(app, standin)
    standin.not_installed.add(JOOST.aad_object_id)
    await teams.say(FATIMA, "/overdracht Hulp bij een huurachterstand")
    _sent, question = last_card(standin, personal(FATIMA)["id"])
    form2 = card_of(
        await teams.press(
            FATIMA,
            question,
            "Verder",
            inputs={"f.themes.multi": "wonen", "f.need": "Hulp bij een huurachterstand"},
        )
    )
    joost = _choice(form2, "f.receiver", "Joost de Wit")
    await teams.press(
        FATIMA,
        form2,
        "Versturen",
        inputs={"f.receiver": joost, "f.reference": "d7", "f.consent": "ja"},
    )
    await app.delivery.run_once()
    async with app.deps.uow() as uow:
        rows = list(
            await uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "handover.request")
            )
        )
    # Never silently dropped: the request waits in the outbox with the reason …
    assert len(rows) == 1 and rows[0].sent_at is None and "403" in (rows[0].last_error or "")
    # … and Fatima hears it, once, in her own chat.
    await app.delivery.run_once()
    told = [c for c in standin.sent(personal(FATIMA)["id"]) if "niet in de chat sturen" in c.text]
    assert len(told) == 1 and "/bel Joost de Wit" in told[0].text
