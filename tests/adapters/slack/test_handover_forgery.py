"""Forged handover steps with correctly signed requests: ids that come back from a form are
never trusted, and someone who is no party learns nothing about a handover's state."""

from __future__ import annotations

from sqlalchemy import select

from directory.models import Person
from tests.adapters.slack.harness import SlackHarness
from tests.adapters.slack.test_handover import _dms_to, _option, _people
from tests.support import make_person


async def _id_of(slack: SlackHarness, name: str) -> int:
    async with slack.app.deps.uow() as uow:
        person = await uow.session.scalar(select(Person).where(Person.name == name))
    assert person is not None
    return person.id


async def _send_to_joost(slack: SlackHarness, receiver_value: str | None = None) -> None:
    await slack.command("/overdracht")
    [opened] = await slack.fake.wait_for("views.open")
    [updated] = await slack.fake.wait_for("views.update")
    answer = await slack.submit(
        {**updated.params["view"], "id": opened.params["_view_id"]},
        {"need": "Hulp bij een huurachterstand", "themes": ["wonen"], "wijk": "Molenwijk"},
    )
    view = answer.json()["view"]
    receiver = receiver_value or _option(view, "receiver", "Joost de Wit")
    await slack.submit(view, {"receiver": receiver, "reference": "dossier 7", "consent": "ja"})
    await slack.settle()


async def test_a_forged_stand_in_claim_is_not_believed(slack: SlackHarness) -> None:
    await _people(slack)
    await make_person(slack.app, "Wendy Molenaar", email="w.molenaar@example.org")
    joost, wendy = await _id_of(slack, "Joost de Wit"), await _id_of(slack, "Wendy Molenaar")
    # Wendy is not away and Joost is nobody's stand-in, whatever the submitted choice says.
    await _send_to_joost(slack, receiver_value=f"person:{joost}:for:{wendy}")
    [request] = _dms_to(slack, "D2")
    text = request.blocks_text()
    assert "Hulp bij een huurachterstand" in text
    assert "vervanger" not in text and "Wendy" not in text


async def test_an_outsider_learns_nothing_of_a_handovers_state(slack: SlackHarness) -> None:
    await _people(slack)
    await make_person(slack.app, "Wendy Molenaar", email="w.molenaar@example.org")
    slack.fake.add_user("U3", email="w.molenaar@example.org", name="Wendy Molenaar")
    await _send_to_joost(slack)
    [request] = _dms_to(slack, "D2")
    _accept_id, handover = request.button("Accepteren")
    # The handover is still open; Wendy presses "kennismaking gehouden" and "gepland" on it.
    for action in ("handover.kennismaking_held~0", "handover.kennismaking_plan~0"):
        await slack.click(action, handover, user="U3", channel="D3")
        await slack.settle()
        said = slack.fake.to("respond")[-1].blocks_text()
        assert "niet aan jou gericht" in said
        assert "geaccepteerd" not in said
