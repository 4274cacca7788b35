"""Forms as modals: opened at once, submitted, validated in place, followed by DMs and buttons."""

from __future__ import annotations

import logging

import pytest

from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def _people(slack: SlackHarness) -> None:
    await make_person(
        slack.app,
        "Fatima el Amrani",
        email="f.elamrani@example.org",
        themes=["schulden"],
        phone="+31380010157",
    )
    await make_person(
        slack.app,
        "Ricardo Doelwijt",
        email="r.doelwijt@example.org",
        themes=["wmo"],
        roles=["oliemannetje"],
        phone="+31380011390",
    )
    slack.fake.add_user("U1", email="f.elamrani@example.org", name="Fatima el Amrani")
    slack.fake.add_user("U2", email="r.doelwijt@example.org", name="Ricardo Doelwijt")


async def test_knelpunt_modal_to_outcome_with_both_informed(slack: SlackHarness) -> None:
    await _people(slack)
    fake = slack.fake

    # /knelpunt opens its modal straight away, without touching the database first.
    await slack.command("/knelpunt")
    [opened] = await fake.wait_for("views.open")
    view = opened.params["view"]
    assert opened.params["trigger_id"].startswith("trigger.")
    assert view["title"]["text"] == "Knelpunt melden"
    assert [b["block_id"] for b in view["blocks"] if b["type"] == "input"] == ["wat", "domeinen"]

    answer = await slack.submit(
        view, {"wat": "De aanvraag voor een traplift kan alleen op papier", "domeinen": ["Wmo"]}
    )
    assert answer.status == 200 and answer.text == ""  # the modal closes
    await slack.settle()

    # Fatima's confirmation and Ricardo's notice both arrive as DMs.
    posts = {c.params["channel"]: c for c in fake.to("chat.postMessage")}
    assert "Knelpunt #1 ontvangen" in posts["D1"].blocks_text()
    notice = posts["D2"]
    assert "traplift kan alleen op papier" in notice.blocks_text()

    # Ricardo takes it on from the DM; Fatima hears who has it.
    action_id, value = notice.button("Ik pak dit op")
    await slack.click(action_id, value, user="U2", channel="D2", message_ts=notice_ts(notice))
    [taken] = await fake.wait_for("respond")
    assert "Je hebt knelpunt #1 opgepakt" in taken.blocks_text()
    assert taken.params["response_type"] == "in_channel"  # in his DM with the bot
    await slack.settle()
    to_fatima = [c for c in fake.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert "Ricardo Doelwijt" in to_fatima[-1].blocks_text()

    # The outcome button opens a modal for the explanation (a form from a button).
    action_id, value = taken.button("Opgelost")
    await slack.click(action_id, value, user="U2", channel="D2", message_ts="1700000000.9")
    [_first, explain] = await fake.wait_for("views.open", 2)
    assert explain.params["view"]["blocks"][0]["block_id"] == "uitleg"
    await slack.submit(
        explain.params["view"], {"uitleg": "Het digitale formulier staat nu online."}, user="U2"
    )
    await slack.settle()
    to_fatima = [c for c in fake.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert "digitale formulier staat nu online" in to_fatima[-1].blocks_text()


def notice_ts(call: object) -> str:
    """A message ts for the clicked message (the stand-in does not track real ones)."""
    return "1700000000.000500"


async def test_a_mistake_is_shown_next_to_the_field_and_the_modal_stays(
    slack: SlackHarness,
) -> None:
    await _people(slack)
    await slack.command("/knelpunt")
    [opened] = await slack.fake.wait_for("views.open")
    answer = await slack.submit(opened.params["view"], {"wat": "kort", "domeinen": ["Wmo"]})
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "minstens" in body["errors"]["wat"]
    await slack.settle()
    assert slack.fake.to("chat.postMessage") == []


async def test_a_bsn_in_a_modal_is_refused_in_place(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.command("/knelpunt")
    [opened] = await slack.fake.wait_for("views.open")
    answer = await slack.submit(
        opened.params["view"],
        {"wat": "Inwoner met BSN 111222333 kan geen aanvraag doen", "domeinen": ["Wmo"]},
    )
    body = answer.json()
    assert body["response_action"] == "errors"
    assert "BSN" in body["errors"]["wat"]
    await slack.settle()
    assert slack.fake.to("chat.postMessage") == []


async def test_a_command_with_arguments_skips_the_modal(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.command("/knelpunt", "Wmo: de aanvraag voor een traplift kan alleen op papier")
    [reply] = await slack.fake.wait_for("respond")
    assert "Knelpunt #1 ontvangen" in reply.blocks_text()
    assert slack.fake.to("views.open") == []


async def test_the_umbrella_command_opens_the_same_modal(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.command("/krokodil", "knelpunt")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Knelpunt melden"


async def test_a_resubmitted_modal_has_one_effect(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.command("/knelpunt")
    [opened] = await slack.fake.wait_for("views.open")
    view = {**opened.params["view"], "id": "VSAME"}
    values = {"wat": "De aanvraag voor een traplift kan alleen op papier", "domeinen": ["Wmo"]}
    first = await slack.submit(view, values, view_hash="h1")
    again = await slack.submit(view, values, view_hash="h1")
    await slack.settle()
    assert (first.status, again.status) == (200, 200)
    reports = [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert len(reports) == 1


async def test_the_modal_opens_without_touching_the_database(slack: SlackHarness) -> None:
    slack.fake.add_user("U1", email="f.elamrani@example.org")

    def database_down() -> object:
        raise OSError("database unreachable")

    working = slack.app.deps.uow
    slack.app.deps.uow = database_down  # type: ignore[assignment]
    try:
        await slack.command("/knelpunt")
        [opened] = await slack.fake.wait_for("views.open")
        await slack.settle()
    finally:
        slack.app.deps.uow = working
    assert opened.params["view"]["title"]["text"] == "Knelpunt melden"


async def test_a_modal_slack_will_not_open_is_offered_behind_a_button(slack: SlackHarness) -> None:
    await _people(slack)
    # The trigger id expired on the way (Slack was slow): the form must not vanish silently.
    slack.fake.failing["views.open"] = "expired_trigger_id"
    await slack.command("/knelpunt")
    [answer] = await slack.fake.wait_for("respond")
    assert answer.params["response_type"] == "ephemeral"
    action_id, value = answer.button("Knelpunt melden")
    del slack.fake.failing["views.open"]
    await slack.click(action_id, value, user="U1", channel="C1")
    [*_, opened] = await slack.fake.wait_for("views.open", 2)
    assert opened.params["view"]["title"]["text"] == "Knelpunt melden"


async def test_a_form_button_slack_did_not_open_works_when_pressed_again(
    slack: SlackHarness,
) -> None:
    await _people(slack)
    slack.fake.failing["views.open"] = "expired_trigger_id"
    await slack.command("/knelpunt")
    [offer] = await slack.fake.wait_for("respond")
    action_id, value = offer.button("Knelpunt melden")
    await slack.click(action_id, value, user="U1", channel="C1")
    [*_, again] = await slack.fake.wait_for("respond", 2)
    assert "Druk nog een keer op de knop" in again.blocks_text()
    del slack.fake.failing["views.open"]
    slack.adapter.listeners._clicks.clear()
    await slack.click(action_id, value, user="U1", channel="C1")
    [*_, opened] = await slack.fake.wait_for("views.open", 3)
    assert opened.params["view"]["title"]["text"] == "Knelpunt melden"


async def test_a_form_button_in_a_message_without_response_url_answers_in_the_dm(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    await _people(slack)
    slack.fake.failing["views.open"] = "expired_trigger_id"
    await slack.command("/knelpunt")
    [offer] = await slack.fake.wait_for("respond")
    action_id, value = offer.button("Knelpunt melden")
    # The same button pressed where Slack gives no response_url (e.g. a copy in the App Home).
    await slack.click(action_id, value, user="U1", home=True)
    await slack.settle()
    [dm] = slack.fake.to("chat.postMessage")
    assert "Druk nog een keer op de knop" in dm.blocks_text()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
