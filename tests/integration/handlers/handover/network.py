"""A small network for handover conversations: a sender, two receivers and an oliemannetje."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from bot.bootstrap import App
from directory.models import Person
from handovers.models import Handover
from tests.support import Chat, make_person

NEED = "De inwoner heeft een huurachterstand en wil hulp bij het regelen van de schulden."


@dataclass(frozen=True)
class Network:
    """Who is who in the handover tests (console handles in comments)."""

    fatima: Person  # f.elamrani: the sender
    joost: Person  # joost: the first receiver
    anna: Person  # anna: another debt worker
    olga: Person  # olga: oliemannetje Participatie


async def network(app: App) -> Network:
    """Create the four people."""
    fatima = await make_person(
        app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"],
        phone="+31612345670",
    )  # fmt: skip
    joost = await make_person(
        app, "Joost de Wit", email="joost@example.org", organisation="Wijkteam Noord",
        themes=["schulden", "wonen"], wijken=["Noord"], phone="+31612345671",
    )  # fmt: skip
    anna = await make_person(
        app, "Anna Bakker", email="anna@example.org", organisation="Wijkteam Zuid",
        themes=["schulden"], phone="+31612345672",
    )  # fmt: skip
    olga = await make_person(
        app, "Olga Mulder", email="olga@example.org", themes=["inkomen", "werk"],
        roles=["oliemannetje"], phone="+31612345673",
    )  # fmt: skip
    return Network(fatima, joost, anna, olga)


async def up_to_the_receiver(chat: Chat, need: str = NEED) -> None:
    """Whoever chat speaks as starts /overdracht and answers up to the receiver question
    (the first suggested theme, no wijk)."""
    for line in ("/overdracht", need, "1", "-"):
        await chat.say(line)


async def send_to(chat: Chat, receiver: str, label: str = "D-2026-0042", need: str = NEED) -> None:
    """Fatima sends a handover to the named receiver through the two forms."""
    chat.as_("f.elamrani")
    await up_to_the_receiver(chat, need)
    await chat.say(receiver)
    await chat.say(label)
    await chat.say("ja")


def last_for(chat: Chat, handle: str) -> str:
    """The newest message delivered to someone."""
    messages = chat.messages_for(handle)
    assert messages, f"nothing was delivered to {handle}"
    return messages[-1]


async def latest_handover(app: App) -> Handover:
    """The handover sent last."""
    async with app.deps.uow() as uow:
        found = await uow.session.scalar(select(Handover).order_by(Handover.id.desc()))
        assert found is not None
        return found
