"""Shared spaces in Slack: contact details only for the asker's eyes, and user text that
reaches other people never carries Slack markup (links, <!channel>, @here)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

from core.clock import FrozenClock
from tests.adapters.slack.fake_slack import Call
from tests.adapters.slack.harness import SlackHarness
from tests.adapters.slack.test_handover import _dms_to, _option
from tests.adapters.slack.test_handover import _people as _handover_people
from tests.support import make_person

PHONE_DIGITS = "12345670"
TUESDAY_8_DEC_14H = 1796734800  # 2026-12-08 14:00 in Amsterdam
HOSTILE = "<!channel> @here <https://evil.example/login|Klik hier> & meer"


async def _directory(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    await make_person(slack.app, "Joost de Wit", email="joost@example.org", themes=["schulden"])
    await make_person(slack.app, "Ilse Kramer", email="ilse@example.org", themes=["schulden"])
    slack.fake.add_user("U1", email="fatima@example.org", name="Fatima el Amrani")
    slack.fake.add_user("U9", email="gast@elders.example", name="Gast")


def _mention(user: str, text: str) -> dict[str, object]:
    return {
        "type": "app_mention",
        "user": user,
        "channel": "C1",
        "ts": "1700000000.000100",
        "text": f"<@UBOT> {text}",
    }


def _everything(call: Call) -> str:
    return f"{call.params.get('text', '')}\n{call.blocks_text()}"


async def test_a_mention_asking_wie_is_answered_to_the_asker_only(slack: SlackHarness) -> None:
    await _directory(slack)
    await slack.event(_mention("U1", "wie kan helpen met schulden?"))
    await slack.event(_mention("U1", "/bel Joost de Wit"))
    await slack.settle()
    # Fatima reads the numbers, in the thread, as messages only she can see.
    answers = slack.fake.to("chat.postEphemeral")
    assert len(answers) == 2
    for answer in answers:
        assert answer.params["user"] == "U1"
        assert answer.params["thread_ts"] == "1700000000.000100"
        assert PHONE_DIGITS in _digits(_everything(answer))
    # Everyone else in the channel reads nothing of it.
    assert [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "C1"] == []


async def test_an_unregistered_member_in_a_channel_sees_names_without_details(
    slack: SlackHarness,
) -> None:
    await _directory(slack)
    await slack.event(_mention("U9", "wie kan helpen met schulden?"))
    await slack.settle()
    shown = [*slack.fake.to("chat.postMessage"), *slack.fake.to("chat.postEphemeral")]
    assert shown
    for call in shown:
        assert PHONE_DIGITS not in _digits(_everything(call))
        assert "@example.org" not in _everything(call)


def _inert(call: Call) -> None:
    """No user text became markup: neither in the notification text nor in the blocks."""
    for text in (str(call.params.get("text", "")), call.blocks_text()):
        assert "<!channel>" not in text and "<https://evil" not in text
        assert "&lt;!channel&gt;" in text
        assert "@here" not in text and "@\u2060here" in text


async def test_a_knelpunt_reaches_its_channel_without_markup(slack: SlackHarness) -> None:
    app = slack.app
    app.deps.settings = replace(
        app.deps.settings,
        knelpunten=replace(
            app.deps.settings.knelpunten, channel_wmo="slack:C7", notify_people=False
        ),
    )
    await make_person(app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="fatima@example.org")
    await slack.command("/knelpunt", f"Wmo: de traplift {HOSTILE}")
    await slack.settle()
    [notice] = [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "C7"]
    _inert(notice)


async def test_a_handovers_need_and_label_reach_the_receiver_without_markup(
    slack: SlackHarness,
) -> None:
    await _handover_people(slack)
    await slack.command("/overdracht")
    [opened] = await slack.fake.wait_for("views.open")
    [updated] = await slack.fake.wait_for("views.update")
    answer = await slack.submit(
        {**updated.params["view"], "id": opened.params["_view_id"]},
        {"need": f"Hulp bij de huur {HOSTILE}", "themes": ["wonen"], "wijk": "Molenwijk"},
    )
    receiver_view = answer.json()["view"]
    joost = _option(receiver_view, "receiver", "Joost de Wit")
    await slack.submit(
        receiver_view, {"receiver": joost, "reference": f"dossier {HOSTILE}", "consent": "ja"}
    )
    await slack.settle()
    [request] = _dms_to(slack, "D2")
    _inert(request)
    assert "dossier" in request.params["text"]


async def test_a_meeting_title_reaches_the_weekly_post_without_markup(
    slack: SlackHarness, clock: FrozenClock
) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="fatima@example.org")
    await slack.command("/plan", channel="C0NETWERK")
    [opened] = await slack.fake.wait_for("views.open")
    await slack.settle()
    view = (slack.fake.to("views.update") or [opened])[-1].params["view"]
    answer = await slack.submit(
        view,
        {
            "kind": "netwerkbijeenkomst",
            "title": f"Netwerk {HOSTILE}",
            "themes": "schulden",
            "start": TUESDAY_8_DEC_14H,
            "duration": "90min",
            "recurrence": "once",
            "place": "Wijkcentrum De Schakel",
        },
    )
    assert answer.status == 200 and answer.text == ""
    await slack.settle()
    # Monday 7 December, 09:00 in Amsterdam: the timer posts the week's meetings.
    clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    before = len(slack.fake.to("chat.postMessage"))
    await slack.app.deps.registry.tickers["scheduler.reminders"](slack.app.deps, clock.now())
    await slack.app.delivery.flush()
    await slack.settle()
    posts = [
        c
        for c in slack.fake.to("chat.postMessage")[before:]
        if c.params["channel"] == "C0NETWERK" and "Deze week" in _everything(c)
    ]
    assert len(posts) == 1, [_everything(c) for c in slack.fake.to("chat.postMessage")]
    [weekly] = posts
    _inert(weekly)
    assert "Netwerk" in str(weekly.params["text"]) and "&amp; meer" in str(weekly.params["text"])


def _digits(text: str) -> str:
    """The text with the spaces and dashes of phone numbers taken out."""
    return re.sub(r"[\s-]", "", text)
