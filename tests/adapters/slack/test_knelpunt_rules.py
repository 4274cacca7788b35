"""Who may act on a knelpunt, asked before its state, with signed requests from real users."""

from __future__ import annotations

from tests.adapters.slack.harness import SlackHarness
from tests.adapters.slack.test_actions import _notice_for_ricardo
from tests.support import make_person


async def test_an_oliemannetje_of_another_domain_may_take_a_knelpunt(
    slack: SlackHarness,
) -> None:
    # The rule: any oliemannetje cuts red tape, whatever the domain; the reporter hears who.
    notice = await _notice_for_ricardo(slack)
    await make_person(
        slack.app,
        "Jasmijn Vos",
        email="j.vos@example.org",
        themes=["jeugd"],
        roles=["oliemannetje"],
    )
    slack.fake.add_user("U3", email="j.vos@example.org")
    action_id, value = notice.button("Ik pak dit op")
    await slack.click(action_id, value, user="U3", channel="D3")
    await slack.settle()
    assert "Je hebt knelpunt #1 opgepakt" in slack.fake.to("respond")[-1].blocks_text()


async def test_someone_who_may_not_act_learns_nothing_of_the_state(slack: SlackHarness) -> None:
    notice = await _notice_for_ricardo(slack)
    action_id, value = notice.button("Ik pak dit op")
    await slack.click(action_id, value, user="U2", channel="D2")
    await slack.settle()
    # Fatima (no oliemannetje) presses the same button: she is told she may not, not by whom
    # or whether it was taken.
    await slack.click(action_id, value, user="U1", channel="D2")
    await slack.settle()
    said = slack.fake.to("respond")[-1].blocks_text()
    assert "Alleen een oliemannetje" in said
    assert "Ricardo" not in said and "opgepakt door" not in said
    # An outcome button pressed by someone other than who took it: the same, before the state.
    taken = slack.fake.to("respond")[-2]
    outcome_id, outcome_value = taken.button("Opgelost")
    await slack.click(outcome_id, outcome_value, user="U1", channel="D2")
    await slack.settle()
    assert "Alleen wie het knelpunt oppakte" in slack.fake.to("respond")[-1].blocks_text()
