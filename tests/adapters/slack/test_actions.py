"""Buttons: mapped back to neutral actions, double clicks and re-sent payloads have one effect."""

from __future__ import annotations

from tests.adapters.slack.fake_slack import Call
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def _notice_for_ricardo(slack: SlackHarness) -> Call:
    """Fatima reports a knelpunt; Ricardo (oliemannetje Wmo, U2) gets it with buttons."""
    await make_person(slack.app, "Fatima el Amrani", email="f.elamrani@example.org")
    await make_person(
        slack.app,
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
        themes=["wmo"],
        roles=["oliemannetje"],
    )
    slack.fake.add_user("U1", email="f.elamrani@example.org")
    slack.fake.add_user("U2", email="r.doelwijt@example.org")
    await slack.command("/knelpunt", "Wmo: de aanvraag voor een traplift kan alleen op papier")
    await slack.fake.wait_for("respond")
    await slack.settle()
    [notice] = [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "D2"]
    return notice


async def test_buttons_get_unique_slack_ids_that_map_back(slack: SlackHarness) -> None:
    notice = await _notice_for_ricardo(slack)
    ids = [
        e["action_id"]
        for b in notice.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
    ]
    assert len(ids) == len(set(ids)) >= 2
    action_id, value = notice.button("Ik pak dit op")
    await slack.click(action_id, value, user="U2", channel="D2")
    [_report, taken] = await slack.fake.wait_for("respond", 2)
    assert "Je hebt knelpunt #1 opgepakt" in taken.blocks_text()


async def test_a_double_click_has_one_effect(slack: SlackHarness) -> None:
    notice = await _notice_for_ricardo(slack)
    action_id, value = notice.button("Ik pak dit op")
    await slack.click(action_id, value, user="U2", channel="D2")
    await slack.click(action_id, value, user="U2", channel="D2")
    await slack.settle()
    answers = slack.fake.to("respond")[1:]
    assert len(answers) == 1
    assert "Je hebt knelpunt #1 opgepakt" in answers[0].blocks_text()
    to_fatima = [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert len(to_fatima) == 1


async def test_a_resent_click_payload_has_one_effect(slack: SlackHarness) -> None:
    notice = await _notice_for_ricardo(slack)
    clock = [1000.0]
    slack.adapter.listeners._monotonic = lambda: clock[0]
    action_id, value = notice.button("Ik pak dit op")
    await slack.click(action_id, value, user="U2", channel="D2", action_ts="1700000500.000001")
    await slack.settle()
    clock[0] += 60  # long after any double click
    await slack.click(action_id, value, user="U2", channel="D2", action_ts="1700000500.000001")
    await slack.settle()
    assert len(slack.fake.to("respond")) == 2  # the report's answer and one click answer


async def test_a_link_button_is_only_acknowledged(slack: SlackHarness) -> None:
    answer = await slack.click("link~3", "", user="U1")
    await slack.settle()
    assert answer.status == 200
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == []


async def test_a_stale_button_says_so(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="f.elamrani@example.org")
    slack.fake.add_user("U1", email="f.elamrani@example.org")
    await slack.click("iets.ouds~0", "1", user="U1")
    [answer] = await slack.fake.wait_for("respond")
    assert "Deze knop werkt niet meer" in answer.blocks_text()
    assert answer.params["response_type"] == "ephemeral"


async def test_a_home_button_opens_its_form_and_refreshes_the_home(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="f.elamrani@example.org")
    slack.fake.add_user("U1", email="f.elamrani@example.org")
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    [home] = await slack.fake.wait_for("views.publish")
    action_id, value = home.button("Knelpunt melden")
    await slack.click(action_id, value, user="U1", home=True)
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Knelpunt melden"
    await slack.fake.wait_for("views.publish", 2)
