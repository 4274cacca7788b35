"""Only Slack may talk to /slack/events: forged, stale and malformed requests do nothing."""

from __future__ import annotations

import json
import logging
import time
from urllib.parse import urlencode

import pytest

from tests.adapters.slack.harness import SlackHarness

COMMAND = urlencode(
    {
        "command": "/help",
        "text": "",
        "user_id": "U1",
        "channel_id": "C1",
        "trigger_id": "t.1",
        "response_url": "http://127.0.0.1:9/unused",
    }
)


async def test_a_wrong_signature_is_refused_and_nothing_happens(slack: SlackHarness) -> None:
    answer = await slack.post(COMMAND, secret="not-the-signing-secret")
    await slack.settle()
    assert answer.status == 401
    assert slack.fake.calls == []


async def test_a_stale_timestamp_is_refused(slack: SlackHarness) -> None:
    answer = await slack.post(COMMAND, timestamp=int(time.time()) - 10 * 60)
    await slack.settle()
    assert answer.status == 401
    assert slack.fake.calls == []


async def test_missing_or_garbled_signature_headers_are_refused(slack: SlackHarness) -> None:
    garbled = await slack.post(COMMAND, headers={"X-Slack-Request-Timestamp": "yesterday"})
    unsigned = await slack.post(COMMAND, headers={"X-Slack-Signature": ""})
    assert (garbled.status, unsigned.status) == (401, 401)


async def test_a_signed_but_altered_body_is_refused(slack: SlackHarness) -> None:
    moment = int(time.time())
    from tests.adapters.slack.harness import sign

    signature = sign(COMMAND, moment)
    answer = await slack.post(
        COMMAND.replace("help", "wie"),
        headers={"X-Slack-Signature": signature, "X-Slack-Request-Timestamp": str(moment)},
    )
    assert answer.status == 401


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("payload=%7Bnot+json", "application/x-www-form-urlencoded"),
        ("payload=%5B1%2C2%5D", "application/x-www-form-urlencoded"),
        ("{not json", "application/json"),
        ("[]", "application/json"),
        (json.dumps({"type": "event_callback", "event_id": "Ev1"}), "application/json"),
        (json.dumps({"type": "event_callback", "event": {"type": "x"}}), "application/json"),
        (urlencode({"command": "/help", "text": "x"}), "application/x-www-form-urlencoded"),
        (urlencode({"nothing": "here"}), "application/x-www-form-urlencoded"),
        (
            urlencode({"payload": json.dumps({"type": "block_actions", "user": {"id": "U1"}})}),
            "application/x-www-form-urlencoded",
        ),
        (
            urlencode({"payload": json.dumps({"type": "view_submission", "user": {}})}),
            "application/x-www-form-urlencoded",
        ),
        (
            urlencode({"payload": json.dumps({"type": "view_submission", "user": {"id": "U1"}})}),
            "application/x-www-form-urlencoded",
        ),
        (
            urlencode(
                {
                    "payload": json.dumps(
                        {
                            "type": "view_submission",
                            "user": {"id": "U1"},
                            "view": {"callback_id": "krokodil.form"},
                        }
                    )
                }
            ),
            "application/x-www-form-urlencoded",
        ),
    ],
)
async def test_malformed_payloads_get_400_not_500(
    slack: SlackHarness, body: str, content_type: str
) -> None:
    answer = await slack.post(body, content_type)
    await slack.settle()
    assert answer.status == 400
    assert slack.fake.calls == []


async def test_a_modal_with_unreadable_metadata_just_closes(slack: SlackHarness) -> None:
    view = {
        "id": "V1",
        "type": "modal",
        "callback_id": "krokodil.form",
        "private_metadata": "{",
        "blocks": [],
    }
    answer = await slack.submit(view, {})
    assert answer.status == 200
    assert answer.text == ""


async def test_url_verification_echoes_the_challenge(slack: SlackHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY"})
    answer = await slack.post(body, "application/json")
    assert answer.status == 200
    assert "3eZbrw1aBm2rZgRNFdxV2595E9CY" in answer.text


async def test_slacks_ssl_check_gets_200_and_starts_nothing(slack: SlackHarness) -> None:
    signed = await slack.post("ssl_check=1&token=legacy")
    unsigned = await slack.post("ssl_check=1", headers={"X-Slack-Signature": ""})
    assert (signed.status, unsigned.status) == (200, 200)
    # Anything more than the probe still needs a valid signature.
    smuggled = await slack.post(COMMAND + "&ssl_check=1", secret="not-the-signing-secret")
    await slack.settle()
    assert smuggled.status == 401
    assert slack.fake.calls == []


async def test_events_we_do_not_use_are_acknowledged(slack: SlackHarness) -> None:
    answer = await slack.event({"type": "reaction_added", "user": "U1"})
    assert answer.status == 200


MINIMAL_SIGNED = [
    {"type": "block_actions", "user": {"id": "U1"}, "actions": [{"action_id": "x"}]},
    {"type": "block_actions", "user": {"id": "U1"}, "actions": []},
    {
        "type": "block_actions",
        "user": {"id": "U1"},
        "actions": [{"action_id": "home.command~0", "value": 7}],
        "container": {"type": "view"},
    },
    {"type": "view_submission", "user": {"id": "U1"}, "view": {"callback_id": "?", "type": "m"}},
    {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {"callback_id": "krokodil.form", "type": "modal", "state": "?"},
    },
    {"type": "view_closed", "user": {"id": "U1"}, "view": {"callback_id": "x", "type": "modal"}},
    {"type": "shortcut", "callback_id": "x", "user": {"id": "U1"}},
    {
        "type": "block_actions",
        "user": {"id": "U1"},
        "actions": [{"action_id": "x~0", "selected_option": ["?"], "action_ts": 5}],
        "container": [],
        "channel": True,
        "view": "home",
        "trigger_id": 7,
    },
    {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {
            "callback_id": "krokodil.form",
            "type": "modal",
            "private_metadata": '{"form": "knelpunten.new", "context": {}, "chat": null}',
            "state": {"values": {"wat": {"wat": {"type": "checkboxes", "selected_options": [1]}}}},
            "blocks": ["not a block"],
        },
    },
    {
        "type": "view_submission",
        "user": {"id": "U1"},
        "view": {
            "callback_id": "krokodil.form",
            "type": "modal",
            "private_metadata": '{"form": "knelpunten.new", "context": {}, "chat": null}',
            "state": {
                "values": {"w": {"w": {"type": "datetimepicker", "selected_date_time": 1e300}}}
            },
        },
    },
    {"type": "something_new"},
]


@pytest.mark.parametrize("payload", MINIMAL_SIGNED)
async def test_odd_but_signed_interactions_never_fail_with_500(
    slack: SlackHarness, payload: dict[str, object], caplog: pytest.LogCaptureFixture
) -> None:
    answer = await slack.interaction(payload)
    await slack.settle()
    assert answer.status in (200, 400, 404)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]


@pytest.mark.parametrize(
    "event",
    [
        {"type": "message", "channel_type": "im"},
        {"type": "message", "channel_type": "im", "user": "U1", "subtype": "message_changed"},
        {"type": "app_mention", "channel": "C1"},
        {"type": "app_home_opened", "tab": "messages", "user": "U1"},
        {"type": "app_home_opened"},
        {"type": "app_home_opened", "user": {"id": "U1"}},
        {"type": "message", "channel_type": "im", "user": ["U1"], "channel": "D1", "text": "hoi"},
        {"type": "app_mention", "user": "U1", "channel": 5, "text": "hoi"},
    ],
)
async def test_odd_events_are_acknowledged_and_ignored(
    slack: SlackHarness, event: dict[str, object]
) -> None:
    answer = await slack.event(event)
    await slack.settle()
    assert answer.status in (200, 400)  # 400 when Bolt itself cannot read a field
    assert [c.method for c in slack.fake.calls if c.method != "auth.test"] == []
