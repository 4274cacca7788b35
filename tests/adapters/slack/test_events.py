"""Events API: mentions and direct messages as free text, retries, and the App Home."""

from __future__ import annotations

from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def _fatima(slack: SlackHarness) -> None:
    await make_person(slack.app, "Fatima el Amrani", email="fatima@example.org")
    slack.fake.add_user("U1", email="fatima@example.org", name="Fatima el Amrani")


async def test_a_mention_is_answered_in_a_thread(slack: SlackHarness) -> None:
    await _fatima(slack)
    answer = await slack.event(
        {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000000.000100",
            "text": "<@UBOT> /help",
        }
    )
    assert answer.status == 200
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == "C1"
    assert post.params["thread_ts"] == "1700000000.000100"
    assert "Wat ik kan" in post.blocks_text()


async def test_a_direct_message_is_answered_in_the_dm(slack: SlackHarness) -> None:
    await _fatima(slack)
    await slack.event(
        {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": "/help"}
    )
    [post] = await slack.fake.wait_for("chat.postMessage")
    assert post.params["channel"] == "D1"
    assert "Wat ik kan" in post.blocks_text()


async def test_a_retried_event_has_one_effect(slack: SlackHarness) -> None:
    await _fatima(slack)
    event = {"type": "message", "channel_type": "im", "user": "U1", "channel": "D1", "text": "hoi"}
    first = await slack.event(event, event_id="Ev0RETRY")
    await slack.fake.wait_for("chat.postMessage")
    again = await slack.event(event, event_id="Ev0RETRY", retry=1)
    third = await slack.event(event, event_id="Ev0RETRY", retry=2)
    await slack.settle()
    assert (first.status, again.status, third.status) == (200, 200, 200)
    assert len(slack.fake.to("chat.postMessage")) == 1


async def test_the_bots_own_messages_and_edits_are_ignored(slack: SlackHarness) -> None:
    await _fatima(slack)
    base = {"type": "message", "channel_type": "im", "channel": "D1", "text": "/help"}
    await slack.event({**base, "user": "UBOT", "bot_id": "BBOT"})
    await slack.event({**base, "user": "U1", "subtype": "message_changed"})
    await slack.settle()
    assert slack.fake.to("chat.postMessage") == []


async def test_an_unknown_workspace_member_gets_onboarding(slack: SlackHarness) -> None:
    slack.fake.add_user("U9", email="nieuw@example.org")
    await slack.command("/taal", "en", user="U9")
    [reply] = await slack.fake.wait_for("respond")
    assert "Welkom bij Groene Krokodil" in reply.blocks_text()


async def test_a_user_slack_cannot_describe_gets_onboarding(slack: SlackHarness) -> None:
    await slack.command("/taal", "en", user="U404")
    [reply] = await slack.fake.wait_for("respond")
    assert "Welkom bij Groene Krokodil" in reply.blocks_text()


async def test_opening_the_app_home_publishes_my_overview(slack: SlackHarness) -> None:
    await _fatima(slack)
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    [publish] = await slack.fake.wait_for("views.publish")
    assert publish.params["user_id"] == "U1"
    assert publish.params["view"]["type"] == "home"
    assert "Hallo Fatima" in publish.blocks_text()


async def test_the_app_home_of_a_stranger_explains_how_to_join(slack: SlackHarness) -> None:
    slack.fake.add_user("U9", email="nieuw@example.org")
    await slack.event({"type": "app_home_opened", "user": "U9", "tab": "home"})
    [publish] = await slack.fake.wait_for("views.publish")
    assert "Welkom bij Groene Krokodil" in publish.blocks_text()


async def test_the_profile_is_edited_from_the_app_home(slack: SlackHarness) -> None:
    await make_person(
        slack.app, "Fatima el Amrani", email="fatima@example.org", themes=["schulden"]
    )
    slack.fake.add_user("U1", email="fatima@example.org")
    await slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"})
    [home] = await slack.fake.wait_for("views.publish")
    assert "Mijn profiel" in home.blocks_text()
    action_id, value = home.button("Profiel bewerken")
    await slack.click(action_id, value, user="U1", home=True)
    [opened] = await slack.fake.wait_for("views.open")
    view = opened.params["view"]
    initial = {
        b["block_id"]: b["element"].get("initial_value") for b in view["blocks"] if "element" in b
    }
    assert initial["themes"] == "Schulden"
    assert initial["phone"] == "06 1234 5670"

    # A theme the directory doesn't know is pointed out next to the field; the modal stays.
    wrong = await slack.submit(view, {**initial, "themes": "Schulden; xyzzy"})
    assert wrong.json()["response_action"] == "errors"
    assert "xyzzy" in wrong.json()["errors"]["themes"]

    await slack.submit(view, {**initial, "themes": "Schulden; Wonen", "phone": "06-23456789"})
    await slack.settle()
    [told] = [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "D1"]
    assert "Je thema's zijn nu: Schulden en Wonen" in told.blocks_text()
    assert "Je nummer is aangepast" in told.blocks_text()
    # The home shows the new themes right away.
    [*_, fresh] = await slack.fake.wait_for("views.publish", 3)
    assert "Wonen" in fresh.blocks_text()
