"""A regie-holder leaves, in Slack: the successor gets the warm handover as a DM, accepts,
the case moves, and /bel names the successor."""

from __future__ import annotations

from sqlalchemy import select

from core.clock import FrozenClock
from handovers import service
from handovers.models import HandoverCase
from handovers.policy import TimerPolicy
from handovers.values import HandoverRequest
from tests.adapters.slack.fake_slack import Call
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


def _dms_to(slack: SlackHarness, channel: str) -> list[Call]:
    return [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == channel]


async def test_a_regie_holder_leaves_and_the_successor_accepts_in_slack(
    slack: SlackHarness, clock: FrozenClock
) -> None:
    app = slack.app
    fatima = await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org",
                               themes=["schulden"])  # fmt: skip
    joost = await make_person(app, "Joost de Wit", email="joost@example.org",
                              organisation="Woonstede", themes=["wonen"])  # fmt: skip
    anna = await make_person(app, "Anna Bakker", email="anna@example.org",
                             organisation="Woonstede", themes=["wonen"],
                             phone="+31612345672")  # fmt: skip
    slack.fake.add_user("U1", email="f.elamrani@example.org", name="Fatima el Amrani")
    slack.fake.add_user("U2", email="joost@example.org", name="Joost de Wit")
    slack.fake.add_user("U3", email="anna@example.org", name="Anna Bakker")
    policy = TimerPolicy.from_config(app.settings.handovers, app.settings.bot.timezone)
    async with app.deps.uow() as uow:
        started = await service.start(
            uow.session,
            HandoverRequest(
                sender_id=fatima.id, receiver_id=joost.id, need="Hulp bij de huur",
                themes=("wonen",), reference_label="dossier 7", consent=True,
            ),
            now=clock.now(), policy=policy, origin="test",
        )  # fmt: skip
        await service.accept(
            uow.session, started.handover.id, joost.id, now=clock.now(), policy=policy,
            origin="test",
        )  # fmt: skip
        await uow.commit()

    await slack.command("/ik", "vertrek per vandaag, opvolger Anna Bakker", user="U2", channel="D2")
    [answer] = await slack.fake.wait_for("respond")
    assert "niet meer in de sociale kaart" in answer.blocks_text()
    await slack.settle()

    offers = [c for c in _dms_to(slack, "D3") if "Accepteren" in c.blocks_text()]
    assert offers, "the successor gets the warm handover as a DM with buttons"
    assert "Hulp bij de huur" in offers[-1].blocks_text()
    accept_id, accept_value = offers[-1].button("Accepteren")
    await slack.click(accept_id, accept_value, user="U3", channel="D3")
    answers = await slack.fake.wait_for("respond", 2)
    assert "geaccepteerd" in answers[-1].blocks_text().lower()
    async with app.deps.uow() as uow:
        case = await uow.session.scalar(select(HandoverCase))
    assert case is not None and case.regie_holder_id == anna.id

    await slack.command("/bel", "Joost de Wit", user="U1", channel="D1")
    called = await slack.fake.wait_for("respond", 3)
    text = called[-1].blocks_text()
    assert "Joost de Wit werkt hier niet meer; bel Anna Bakker" in text
    assert "tel:+31612345672" in str(called[-1].params)


async def test_my_data_comes_as_a_file_and_erasure_asks_first_in_slack(
    slack: SlackHarness,
) -> None:
    app = slack.app
    joost = await make_person(app, "Joost de Wit", email="joost@example.org", themes=["wonen"])
    slack.fake.add_user("U2", email="joost@example.org", name="Joost de Wit")

    await slack.command("/ik", "gegevens", user="U2", channel="C1")
    # A file cannot travel in the acknowledgement: a placeholder first, the answer replaces it.
    [shown] = await slack.fake.wait_for_posts()
    assert [m["text"] for m in slack.fake.visible(shown.params["response_url"])] == [
        shown.params["text"]
    ]
    assert shown.params.get("response_type") != "in_channel"
    assert "Vermelding: Joost de Wit" in shown.blocks_text()
    [upload] = await slack.fake.wait_for("files.getUploadURLExternal")
    assert upload.params["filename"] == "mijn-gegevens.json"

    await slack.command("/ik", "verwijder", user="U2", channel="D2")
    asked = await slack.fake.wait_for("respond", 3)
    action_id, value = asked[-1].button("Ja, wis alles")
    await slack.click(action_id, value, user="U2", channel="D2")
    done = await slack.fake.wait_for("respond", 4)
    assert "Je gegevens zijn gewist" in done[-1].blocks_text()
    async with app.deps.uow() as uow:
        from directory.models import Person

        erased = await uow.session.get(Person, joost.id)
    assert erased is not None and erased.erased_at is not None and erased.email is None
