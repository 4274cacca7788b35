"""A person's own data in the console: /ik gegevens (text, file, JSON) and /ik verwijder with
its preconditions and confirmation; the audit trail keeps a pseudonym."""

from __future__ import annotations

import json

from sqlalchemy import select

from bot.bootstrap import App
from core.audit import AuditEntry
from directory.models import Account, Person
from directory.phones import display_phone
from tests.integration.handlers.handover.network import network, send_to
from tests.support import Chat


async def test_my_data_shows_everything_kept_about_me(app: App, chat: Chat) -> None:
    await network(app)
    await send_to(chat, "Joost de Wit", label="D-77")
    chat.as_("joost")
    await chat.say("/meelopen aan")
    reply = await chat.say("/ik gegevens")
    assert reply.private
    for piece in (
        "Vermelding: Joost de Wit, Wijkteam Noord",
        "Gekoppelde accounts: console",
        "mee-loop-dagen aan",
        "overdrachten: 1",
        "mijn-gegevens.json",
    ):
        assert piece in reply.text, piece
    # The number as people write it, as on every contact card (the file keeps E.164).
    phone = reply.data["gegevens"]["entry"]["phone"]
    assert phone.startswith("+31") and phone not in reply.text
    assert f"telefoon {display_phone(phone)};" in reply.text
    [attachment] = reply.attachments
    assert attachment.mime_type == "application/json"
    record = json.loads(attachment.content)
    assert record == reply.data["gegevens"]
    assert record["entry"]["email"] == "joost@example.org"
    assert record["accounts"][0]["platform"] == "console"
    [handover] = record["handovers"]
    assert handover["role"] == "receiver" and handover["label"] == "D-77"
    assert "need" not in handover  # labels only, never what the resident needs
    assert record["settings"]["meelopen"]["taking_part"] is True
    assert any(e["action"] == "meelopen.opt_in" and e["by"] == "you" for e in record["audit"])


async def test_erasing_needs_no_regie_then_a_confirmation(app: App, chat: Chat) -> None:
    people = await network(app)
    await send_to(chat, "Joost de Wit")
    chat.as_("joost")
    await chat.say("1")  # accept: Joost holds regie over case 1
    await chat.script(
        [
            ("/ik verwijder", ["Eerst regelen, dan wissen", "casus #1", "/regie overdragen"]),
            ("/regie afsluiten 1", ["Casus #1 is afgesloten"]),
            ("/ik verwijder", ["Al je gegevens wissen?", "schuilnaam", "[1] Ja, wis alles"]),
            ("1", ["Je gegevens zijn gewist"]),
            ("/ik", ["Ik ken je account nog niet"]),
        ]
    )
    async with app.deps.uow() as uow:
        joost = await uow.session.get(Person, people.joost.id)
        accounts = list(
            await uow.session.scalars(select(Account).where(Account.person_id == people.joost.id))
        )
        audit = list(await uow.session.scalars(select(AuditEntry)))
    assert joost is not None and joost.erased_at is not None and not joost.active
    assert joost.name == "(verwijderd)" and joost.email is None and joost.phone is None
    assert accounts == []
    mine = f"person:{people.joost.id}"
    assert not [e for e in audit if e.actor == mine]
    assert not [
        e for e in audit if e.object_type == "person" and e.object_id == str(people.joost.id)
    ]
    pseudonyms = {e.actor for e in audit if e.actor.startswith("pseudonym:")}
    assert len(pseudonyms) == 1  # the same pseudonym throughout: the trail stays readable
    assert any(e.action == "handover.accepted" and e.actor in pseudonyms for e in audit)
    # Fatima's view of the history still works: the case is there, the name is gone.
    chat.as_("f.elamrani")
    await chat.script([("/bel Joost de Wit", ["Ik vond niemand"])])


async def test_an_admin_answers_inzage_and_erasure_for_someone_who_left(
    app: App, chat: Chat
) -> None:
    people = await network(app)
    async with app.deps.uow() as uow:
        olga = await uow.session.get(Person, people.olga.id)
        assert olga is not None
        olga.is_admin = True
        await uow.commit()
    chat.as_("joost")
    await chat.say("/ik vertrek per vandaag")
    chat.as_("f.elamrani")
    await chat.script([("/beheer gegevens joost@example.org", ["Dit kan alleen een beheerder"])])
    chat.as_("olga")
    reply = await chat.say("/beheer gegevens joost@example.org")
    assert "Alles wat ik over Joost de Wit bewaar" in reply.title
    assert reply.data["gegevens"]["entry"]["in_directory"] is False
    await chat.script(
        [
            (
                "/beheer verwijder joost@example.org",
                ["Alles over Joost de Wit wissen", "/beheer verwijder joost@example.org ja"],
            ),
            (
                "/beheer verwijder joost@example.org ja",
                ["De gegevens van Joost de Wit zijn gewist"],
            ),
            ("/beheer gegevens joost@example.org", ["Ik weet niet zeker wie je bedoelt"]),
        ]
    )
    async with app.deps.uow() as uow:
        shown = await uow.session.scalar(
            select(AuditEntry).where(AuditEntry.action == "person.data_shown")
        )
    assert shown is not None and shown.actor == f"person:{people.olga.id}"
    assert shown.object_id.startswith("pseudonym:")  # erased afterwards: pseudonymised too
