"""A warm handover in Slack: modal, follow-up modal, DM with buttons, accept, both informed."""

from __future__ import annotations

from tests.adapters.slack.fake_slack import Call
from tests.adapters.slack.harness import SlackHarness
from tests.support import make_person


async def _people(slack: SlackHarness) -> None:
    await make_person(
        slack.app,
        "Fatima el Amrani",
        email="f.elamrani@example.org",
        themes=["schulden"],
        wijken=["Molenwijk"],
    )
    await make_person(
        slack.app,
        "Joost de Wit",
        email="joost@example.org",
        organisation="Woonstede",
        themes=["wonen"],
        wijken=["Molenwijk"],
        phone="+31612345678",
    )
    slack.fake.add_user("U1", email="f.elamrani@example.org", name="Fatima el Amrani")
    # Joost never used the bot: he is found by his workspace e-mail when the request goes out.
    slack.fake.add_user("U2", email="joost@example.org", name="Joost de Wit")


def _dms_to(slack: SlackHarness, channel: str) -> list[Call]:
    return [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == channel]


def _option(view: dict[str, object], block_id: str, label_part: str) -> str:
    for block in view["blocks"]:  # type: ignore[attr-defined]
        if block.get("block_id") == block_id:
            for option in block["element"]["options"]:
                if label_part in option["text"]["text"]:
                    return str(option["value"])
    raise AssertionError(f"no option with {label_part!r} in {block_id}")


async def test_overdracht_from_modal_to_accepted_with_both_informed(slack: SlackHarness) -> None:
    await _people(slack)
    fake = slack.fake

    # Form 1 opens at once; the wijken are filled in right after (views.update).
    await slack.command("/overdracht")
    [opened] = await fake.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Warme overdracht"
    [updated] = await fake.wait_for("views.update")
    assert updated.params["view_id"] == opened.params["_view_id"]
    question = updated.params["view"]
    assert _option(question, "wijk", "Molenwijk") == "Molenwijk"

    # Submitting form 1 swaps the modal for form 2 with the best receivers.
    answer = await slack.submit(
        {**question, "id": opened.params["_view_id"]},
        {"need": "Hulp bij een huurachterstand", "themes": ["wonen"], "wijk": "Molenwijk"},
    )
    body = answer.json()
    assert body["response_action"] == "update"
    receiver_view = body["view"]
    assert receiver_view["title"]["text"] == "Aan wie draag je over?"
    joost = _option(receiver_view, "receiver", "Joost de Wit")

    # Form 2: receiver, own label, consent. The modal closes; Fatima gets the confirmation.
    done = await slack.submit(
        receiver_view, {"receiver": joost, "reference": "dossier 2026-118", "consent": "ja"}
    )
    assert done.status == 200 and done.text == ""
    await slack.settle()
    assert _dms_to(slack, "D1"), "the sender hears that the handover went out"

    # Joost gets a DM with Accept / Decline / Call me first.
    [request] = _dms_to(slack, "D2")
    assert "Hulp bij een huurachterstand" in request.blocks_text()
    accept_id, accept_value = request.button("Accepteren")
    await slack.click(accept_id, accept_value, user="U2", channel="D2")
    answers = await fake.wait_for("respond")
    assert "geaccepteerd" in answers[-1].blocks_text().lower()
    await slack.settle()

    # Fatima hears that Joost accepted (regie moved).
    to_fatima = _dms_to(slack, "D1")
    assert len(to_fatima) >= 2
    assert "Joost de Wit" in to_fatima[-1].blocks_text()

    # Joost plans the kennismaking with Slack's date picker; Fatima hears when.
    action_id, value = answers[-1].button("Kennismaking gepland")
    await slack.click(action_id, value, user="U2", channel="D2", message_ts="1700000000.7")
    [_q, plan] = await fake.wait_for("views.open", 2)
    [when] = [b for b in plan.params["view"]["blocks"] if b.get("block_id") == "when"]
    assert when["element"]["type"] == "datetimepicker"
    thursday_ten = 1795683600  # do 26-11-2026 10:00 in Amsterdam
    await slack.submit(plan.params["view"], {"when": thursday_ten}, user="U2")
    await slack.settle()
    assert "donderdag 26 november 10:00" in _dms_to(slack, "D1")[-1].blocks_text()

    # A second press changes nothing and says so.
    slack.adapter.listeners._clicks.clear()
    before = len(fake.to("respond"))
    await slack.click(accept_id, accept_value, user="U2", channel="D2")
    again = await fake.wait_for("respond", before + 1)
    assert "al geaccepteerd" in again[-1].blocks_text()


async def test_without_consent_nothing_is_sent(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.command("/overdracht", "Hulp bij een huurachterstand")
    [opened] = await slack.fake.wait_for("views.open")
    question = opened.params["view"]
    answer = await slack.submit(question, {"need": "Hulp bij de huur", "themes": ["wonen"]})
    receiver_view = answer.json()["view"]
    joost = _option(receiver_view, "receiver", "Joost de Wit")
    await slack.submit(
        receiver_view, {"receiver": joost, "reference": "dossier 7", "consent": "nee"}
    )
    await slack.settle()
    [to_fatima] = _dms_to(slack, "D1")
    assert "Zonder toestemming" in to_fatima.blocks_text()
    assert _dms_to(slack, "D2") == []


async def test_the_draft_question_is_prefilled(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.command("/overdracht", "Hulp bij een huurachterstand")
    [opened] = await slack.fake.wait_for("views.open")
    need = next(b for b in opened.params["view"]["blocks"] if b.get("block_id") == "need")
    assert need["element"]["initial_value"] == "Hulp bij een huurachterstand"


async def test_a_plain_question_that_needs_a_form_gets_a_button_that_opens_it(
    slack: SlackHarness,
) -> None:
    await _people(slack)
    await slack.event(
        {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000000.000300",
            "text": "<@UBOT> ik wil een inwoner warm overdragen",
        }
    )
    [post] = await slack.fake.wait_for("chat.postMessage")
    action_id, value = post.button("Warme overdracht")
    await slack.click(action_id, value, user="U1", channel="C1")
    [opened] = await slack.fake.wait_for("views.open")
    assert opened.params["view"]["title"]["text"] == "Warme overdracht"
    # The button works once; a second press explains instead of failing silently.
    slack.adapter.listeners._clicks.clear()
    await slack.click(action_id, value, user="U1", channel="C1")
    [gone] = await slack.fake.wait_for("respond")
    assert "verlopen" in gone.blocks_text()


async def test_regie_asked_in_a_channel_is_shown_to_the_asker_only(slack: SlackHarness) -> None:
    await _people(slack)
    await slack.event(
        {
            "type": "app_mention",
            "user": "U1",
            "channel": "C1",
            "ts": "1700000000.000400",
            "text": "<@UBOT> /regie",
        }
    )
    [shown] = await slack.fake.wait_for("chat.postEphemeral")
    assert (shown.params["channel"], shown.params["user"]) == ("C1", "U1")
    # In the thread the mention started, where the asker is looking.
    assert shown.params["thread_ts"] == "1700000000.000400"
    assert "Regie" in shown.blocks_text()
    await slack.settle()
    assert [c for c in slack.fake.to("chat.postMessage") if c.params["channel"] == "C1"] == []
