"""Meetings in Slack: /plan as a modal with a date picker, the invitation file, RSVP buttons."""

from __future__ import annotations

from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person

TUESDAY_8_DEC_14H = 1796734800  # 2026-12-08 14:00 in Amsterdam


async def _plan_netwerk(slack: SlackHarness) -> None:
    await make_person(
        slack.app, "Fatima el Amrani", email="f.elamrani@example.org", themes=["schulden"]
    )
    await make_person(slack.app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    slack.fake.add_user("U1", email="f.elamrani@example.org")
    slack.fake.add_user("U2", email="joost@example.org")
    await slack.command("/plan", channel="C0NETWERK")
    [opened] = await slack.fake.wait_for("views.open")
    await slack.settle()
    view = (slack.fake.to("views.update") or [opened])[-1].params["view"]
    answer = await slack.submit(
        view,
        {
            "kind": "netwerkbijeenkomst",
            "title": "Netwerk Schulden",
            "themes": "schulden",
            "start": TUESDAY_8_DEC_14H,
            "duration": "90min",
            "recurrence": "once",
            "place": "Wijkcentrum De Schakel",
        },
    )
    assert answer.status == 200 and answer.text == ""
    await slack.settle()


async def test_plan_opens_a_modal_and_confirms_with_a_calendar_file(slack: SlackHarness) -> None:
    await _plan_netwerk(slack)
    [opened] = slack.fake.to("views.open")
    blocks = {b.get("block_id"): b for b in opened.params["view"]["blocks"]}
    assert blocks["start"]["element"]["type"] == "datetimepicker"
    [confirmation] = slack.fake.to("chat.postMessage")
    assert confirmation.params["channel"] == "D1"
    assert "dinsdag 8 december 14:00" in confirmation.blocks_text()
    [upload] = slack.fake.to("files.getUploadURLExternal")
    assert upload.params["filename"].endswith(".ics")
    assert slack.fake.to("files.completeUploadExternal")[0].params["channel_id"] == "D1"


async def test_rsvp_by_button_counts_once(slack: SlackHarness) -> None:
    await _plan_netwerk(slack)
    await slack.command("/agenda", "1", user="U2", channel="C0NETWERK")
    [card] = await slack.fake.wait_for_posts()  # after a placeholder (the card has a file)
    action_id, value = card.button("Ja")
    await slack.click(action_id, value, user="U2", channel="C0NETWERK")
    await slack.click(action_id, value, user="U2", channel="C0NETWERK")  # double click
    await slack.settle()
    answers = [c for c in slack.fake.to("respond") if "Genoteerd" in c.blocks_text()]
    assert len(answers) == 1
    assert "je komt" in answers[0].blocks_text()
    assert answers[0].params["response_type"] == "ephemeral"  # in a channel: only for Joost
