"""/koppel in the console: codes for yourself, for others (admins only), and redeeming them."""

from __future__ import annotations

from bot.bootstrap import App
from core.messages import Invocation
from directory.identity import IdentityRepository
from tests.support import Chat, make_person


async def test_koppel_shows_a_private_one_time_code(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await chat.script(
        [("/koppel", ["Je koppelcode:", "/koppel ", "15 minuten", "Deel hem met niemand"])]
    )
    reply = chat.replies[-1]
    assert reply.private
    assert reply.data["code"] in reply.text


async def test_the_code_links_another_account(app: App, chat: Chat) -> None:
    person = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    code = (await chat.say("/koppel")).data["code"]
    redeemed = await app.dispatcher.handle(
        Invocation(platform="telegram", account="4242", chat="4242", text=f"/koppel {code}")
    )
    assert "Gelukt! Dit account is nu gekoppeld aan Fatima el Amrani" in redeemed.text
    async with app.deps.uow() as uow:
        linked = await uow.repo(IdentityRepository).person_for_account("telegram", "4242")
    assert linked is not None and linked.id == person.id


async def test_link_is_the_english_alias(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", language="en")
    await chat.script([("/link", ["Your link code:", "15 minutes"])])


async def test_only_admins_make_codes_for_someone_else(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org")
    await make_person(app, "Anna Beheer", email="admin@example.org")
    await make_person(app, "Bram Baas", email="bram@example.org", is_admin=True)
    await chat.script([("/koppel voor joost@example.org", ["Alleen een beheerder"])])
    # An admin by flag, and an admin by the bot.admins setting.
    await chat.as_("bram").script(
        [
            ("/koppel voor joost@example.org", ["Koppelcode voor Joost de Wit:", "persoonlijk"]),
            ("/koppel voor niemand@example.org", ["Ik vind niemand met het e-mailadres"]),
            ("/koppel voor joost", ["Geef het e-mailadres"]),
        ]
    )
    await chat.as_("admin").script(
        [("/koppel voor joost@example.org", ["Koppelcode voor Joost de Wit:"])]
    )
    code = chat.replies[-1].data["code"]
    redeemed = await app.dispatcher.handle(
        Invocation(platform="telegram", account="5151", chat="5151", text=f"/koppel {code}")
    )
    assert "gekoppeld aan Joost de Wit" in redeemed.text


async def test_unknown_accounts_learn_how_to_link(app: App) -> None:
    reply = await app.dispatcher.handle(
        Invocation(platform="telegram", account="9", chat="9", text="/koppel")
    )
    assert "koppelcode nodig" in reply.text
    wrong = await app.dispatcher.handle(
        Invocation(platform="telegram", account="9", chat="9", text="/koppel ABCD-EFGH")
    )
    assert wrong.text == (
        "Deze code werkt niet: hij is onbekend, verlopen of al gebruikt. Controleer hem, of "
        "vraag een nieuwe aan met /koppel."
    )


async def test_codes_are_not_handed_out_or_taken_in_a_group(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    code = (await chat.say("/koppel")).data["code"]
    in_group = await app.dispatcher.handle(
        Invocation(
            platform="telegram",
            account="4242",
            chat="-100",
            is_direct=False,
            text=f"/koppel {code}",
        )
    )
    assert "nooit in een groep" in in_group.text
    # The code was seen by the whole group, so it no longer works anywhere.
    later = await app.dispatcher.handle(
        Invocation(platform="telegram", account="4242", chat="4242", text=f"/koppel {code}")
    )
    assert "al gebruikt" in later.text


async def test_asking_in_plain_words_gives_a_code(app: App, chat: Chat) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await chat.script([("koppel mijn Telegram", ["Je koppelcode:"])])
