"""Who may see and change what, tried from the wrong seat: someone else's directory entry,
someone else's handover, link codes for others, and phone numbers for unknown accounts.

There is no directory import in chat: importing is `krokodil directory import` on the
server, for operators (see docs/reliability.md)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App
from core.config import Settings
from core.messages import Action, Invocation, Reply
from core.outbox import OutboxMessage
from directory.models import Person
from handlers import build_registry
from handovers.models import Handover
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram.harness import User
from tests.adapters.telegram.standin import BotApiStandIn
from tests.integration.handovers.helpers import send, trio
from tests.reliability.conftest import Platforms, serve_platforms, stop_platforms, with_platforms
from tests.support import Chat, make_person

NEED = "Hulp bij een huurachterstand en een gesprek over budgetbeheer."
LABEL = "D-2026-0042"


def press(handle: str, action: str, value: str) -> Invocation:
    """A console button press."""
    return Invocation(
        platform="console", account=handle, chat=f"console:{handle}", action=Action(action, value)
    )


async def outbox_count(app: App) -> int:
    """Messages queued so far."""
    async with app.deps.uow() as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def test_people_change_only_their_own_directory_entry(app: App, chat: Chat) -> None:
    fatima = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    joost = await make_person(
        app, "Joost de Wit", email="joost@example.org", phone="+31612340000", now=None
    )
    before = (joost.phone, joost.last_confirmed_at, joost.availability)
    await chat.say("/ik telefoon 06-11112222")
    await chat.say("/ik bereikbaar ma 9-10")
    # Buttons carry no person: whatever value is sent, they act on the presser.
    for action in ("directory.confirm", "directory.edit"):
        reply = await app.dispatcher.handle(press("f.elamrani", action, str(joost.id)))
        assert "Joost" not in (reply.text + "".join(c.name for c in reply.cards))
    async with app.deps.uow() as uow:
        mine = await uow.session.get(Person, fatima.id)
        theirs = await uow.session.get(Person, joost.id)
    assert mine is not None and theirs is not None
    assert mine.phone == "+31611112222"
    assert (theirs.phone, theirs.last_confirmed_at, theirs.availability) == before
    # Without a directory entry there is nothing to edit: onboarding, no change anywhere.
    stranger = await app.dispatcher.handle(
        Invocation(platform="console", account="niemand", chat="c", text="/ik telefoon 0612")
    )
    assert stranger.data.get("registered") is False


async def test_only_the_sender_and_receiver_see_or_touch_a_handover(app: App) -> None:
    sender, receiver, outsider = await trio(app)
    started = await send(app, sender, receiver, label=LABEL, need=NEED)
    hid, case_id = started.handover.id, started.case.id
    queued = await outbox_count(app)
    actions = sorted(a for a in build_registry().actions if a.startswith("handover."))
    replies: list[Reply] = []
    for action in actions:
        replies.append(await app.dispatcher.handle(press("anna", action, str(hid))))
    for typed in (
        "/regie",
        f"/regie intrekken {case_id}",
        f"/regie afsluiten {case_id}",
        f"/regie overdragen {case_id}",
    ):
        replies.append(
            await app.dispatcher.handle(
                Invocation(platform="console", account="anna", chat="console:anna", text=typed)
            )
        )
    for reply in replies:
        shown = reply.text + " ".join(c.name for c in reply.cards) + str(reply.form or "")
        assert NEED not in shown and LABEL not in shown, shown
        assert receiver.name not in shown and sender.name not in shown, shown
    async with app.deps.uow() as uow:
        handover = await uow.session.get(Handover, hid)
    assert handover is not None and handover.state == "open"
    assert await outbox_count(app) == queued, "an outsider's press told someone something"
    # The receiver does see it.
    receivers_view = await app.dispatcher.handle(
        Invocation(platform="console", account="joost", chat="console:joost", text="/regie")
    )
    assert LABEL in receivers_view.text or sender.name.split()[0] in receivers_view.text
    assert outsider.id not in (handover.sender_id, handover.receiver_id)


async def test_only_admins_make_link_codes_for_someone_else(app: App) -> None:
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(app, "Joost de Wit", email="joost@example.org")
    await make_person(app, "Beheer Der", email="beheer@example.org", is_admin=True)

    def ask(handle: str) -> Invocation:
        return Invocation(
            platform="console",
            account=handle,
            chat=f"console:{handle}",
            is_direct=True,
            text="/koppel voor joost@example.org",
        )

    refused = await app.dispatcher.handle(ask("f.elamrani"))
    assert "Alleen een beheerder" in refused.text
    assert not refused.data.get("code")
    issued = await app.dispatcher.handle(ask("beheer"))
    assert "Alleen een beheerder" not in issued.text and "Joost" in issued.text


# -- phone numbers and unknown accounts, over the real platform adapters -------------------


@pytest.fixture
def settings(settings: Settings, fake_slack: FakeSlack, bot_api: BotApiStandIn) -> Settings:
    """Both platforms on their stand-ins."""
    return with_platforms(settings, fake_slack, bot_api)


@pytest.fixture
async def platforms(
    demo_app: App, fake_slack: FakeSlack, bot_api: BotApiStandIn
) -> AsyncIterator[Platforms]:
    """The demo directory behind Slack and Telegram."""
    running = await serve_platforms(demo_app, fake_slack, bot_api)
    yield running
    await stop_platforms(running)


async def phone_digits(app: App) -> set[str]:
    """The national digits (0…) of every phone number in the directory."""
    async with app.deps.uow() as uow:
        phones = await uow.session.scalars(select(Person.phone).where(Person.phone.is_not(None)))
        return {"0" + p.removeprefix("+31") for p in phones if p}


def leaks(shown: str, phones: set[str]) -> set[str]:
    """Directory phone numbers that can be read in a text, however they are written."""
    digits = re.sub(r"\D", "", shown.replace("+31", "0"))
    return {p for p in phones if p in digits}


async def test_unregistered_accounts_never_see_phone_numbers(
    demo_app: App, platforms: Platforms, fake_slack: FakeSlack, bot_api: BotApiStandIn
) -> None:
    phones = await phone_digits(demo_app)
    assert phones
    someone = next(iter(await _names(demo_app)))
    fake_slack.add_user("U9", email="onbekend@elders.example")  # not in the directory
    stranger = User(777_001, "Onbekend")
    for question in ("/wie schulden", "/wie jeugd in Molenwijk", f"/bel {someone}", "/themas"):
        command, _, text = question.partition(" ")
        before = len(fake_slack.to("respond"))
        assert (await platforms.slack.command(command, text, user="U9")).status == 200
        [*_, answer] = await fake_slack.wait_for("respond", before + 1)
        slack_shown = str(answer.params.get("text")) + answer.blocks_text()
        assert not leaks(slack_shown, phones), (question, slack_shown)
        assert await platforms.telegram.say(stranger, question) == 200
        telegram_shown = "\n".join(bot_api.texts_to(stranger.id))
        assert not leaks(telegram_shown, phones), (question, telegram_shown)
    assert "Bel" in slack_shown or "bel" in slack_shown or slack_shown
    # A registered colleague asking the same does get numbers (the check above can see them).
    registered = await demo_app.dispatcher.handle(
        Invocation(platform="console", account="s.bouzid", chat="c", text="/wie schulden")
    )
    assert leaks(str(registered.to_json()), phones)


async def _names(app: App) -> list[str]:
    async with app.deps.uow() as uow:
        return list(await uow.session.scalars(select(Person.name).order_by(Person.id).limit(3)))
