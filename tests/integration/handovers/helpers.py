"""Shared setup for handover tests: three professionals and a way to send a handover."""

from __future__ import annotations

from bot.bootstrap import App
from directory.models import Person
from handovers.models import Handover
from handovers.policy import TimerPolicy
from handovers.service import start
from handovers.values import HandoverRequest, Started
from tests.support import make_person


def policy(app: App) -> TimerPolicy:
    """The timer policy of the app under test."""
    settings = app.deps.settings
    return TimerPolicy.from_config(settings.handovers, settings.bot.timezone)


async def trio(app: App) -> tuple[Person, Person, Person]:
    """A sender, a receiver and a second possible receiver."""
    sender = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org")
    receiver = await make_person(
        app, "Joost de Wit", email="joost@example.org", organisation="Wijkteam Noord"
    )
    other = await make_person(
        app, "Anna Bakker", email="anna@example.org", organisation="Wijkteam Zuid"
    )
    return sender, receiver, other


async def send(
    app: App,
    sender: Person,
    receiver: Person,
    *,
    label: str = "D-2026-0042",
    case_id: int | None = None,
    need: str = "Hulp bij een huurachterstand en een gesprek over budgetbeheer.",
) -> Started:
    """Send and commit a handover now."""
    async with app.deps.uow() as uow:
        started = await start(
            uow.session,
            HandoverRequest(
                sender_id=sender.id,
                receiver_id=receiver.id,
                need=need,
                themes=("schulden",),
                reference_label=label,
                consent=True,
                case_id=case_id,
            ),
            now=app.deps.clock.now(),
            policy=policy(app),
            origin="test",
        )
        await uow.commit()
    return started


async def load(app: App, handover_id: int) -> Handover:
    """The handover as stored now."""
    async with app.deps.uow() as uow:
        found = await uow.session.get(Handover, handover_id)
        assert found is not None
        return found
