"""Payloads generated from the real platforms' schemas, every field's type and presence varied.

A template is a real payload as Slack or Telegram sends it. ``varied(template)`` keeps its
shape but, field by field and at every depth, sometimes leaves the field out, sometimes
puts a value of another JSON type in its place (a list or an object where an id was, a
string where a number was, a number where text was, NUL and over-long strings), and
otherwise varies the field's own value inside its type. Most generated payloads are
therefore almost right, which is what reaches deep into an adapter.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import strategies as st

texts = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "\x00", "a\x00b", "‮", "😀" * 20, "<@U1>", "/wie", "-1", "1e9"]),
    st.integers(0, 12_000).map(lambda n: "7" * n),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False, allow_infinity=False),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=8,
)
# How a field is treated: kept as in the template, varied within its type, left out, or
# replaced by a value of any type.
KEEP, VARY, DROP, RETYPE = "keep", "vary", "drop", "retype"
treatments = st.sampled_from([KEEP, KEEP, KEEP, VARY, VARY, DROP, RETYPE])


def _same_type(value: Any) -> st.SearchStrategy[Any]:
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return st.one_of(st.just(value), st.integers(-(2**63), 2**63), st.sampled_from([0, -1]))
    if isinstance(value, float):
        return st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(value, str):
        return st.one_of(st.just(value), texts)
    return st.just(value)


@st.composite
def varied(draw: st.DrawFn, template: Any) -> Any:
    """The template with its fields' presence and types varied at every depth."""
    if isinstance(template, dict):
        out: dict[str, Any] = {}
        for key, value in template.items():
            treatment = draw(treatments)
            if treatment == DROP:
                continue
            if treatment == RETYPE:
                out[key] = draw(json_values)
            elif treatment == VARY or isinstance(value, dict | list):
                out[key] = draw(varied(value))
            else:
                out[key] = copy.deepcopy(value)
        return out
    if isinstance(template, list):
        if not template:
            return draw(st.lists(json_values, max_size=2))
        items = [draw(varied(item)) for item in template]
        return draw(st.sampled_from([items, items[:0], items * 2, items]))
    return draw(_same_type(template))


def form_fields(template: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """A form body (slash commands): every value a string, each field present or not."""
    return varied(template).map(
        lambda body: {
            k: v if isinstance(v, str) else ("" if v is None else str(v))
            for k, v in body.items()
            if isinstance(body, dict)
        }
    )


# -- Slack --------------------------------------------------------------------------------

USER = {"id": "U1", "username": "fatima", "name": "fatima", "team_id": "T1"}
CHANNEL = {"id": "C1", "name": "algemeen"}
SLASH_COMMAND = {
    "token": "x",
    "team_id": "T1",
    "team_domain": "gemeente",
    "channel_id": "C1",
    "channel_name": "algemeen",
    "user_id": "U1",
    "user_name": "fatima",
    "command": "/wie",
    "text": "schulden in noord",
    "api_app_id": "A1",
    "is_enterprise_install": "false",
    "response_url": "http://127.0.0.1:9/nowhere",
    "trigger_id": "1.2.3",
}
BLOCK_ACTIONS = {
    "type": "block_actions",
    "team": {"id": "T1", "domain": "gemeente"},
    "user": USER,
    "api_app_id": "A1",
    "token": "x",
    "container": {"type": "message", "message_ts": "1.2", "channel_id": "C1"},
    "trigger_id": "1.2.3",
    "channel": CHANNEL,
    "message": {"type": "message", "ts": "1.2", "text": "x", "blocks": []},
    "response_url": "http://127.0.0.1:9/nowhere",
    "actions": [
        {
            "action_id": "help.command~0",
            "block_id": "b1",
            "text": {"type": "plain_text", "text": "Help"},
            "value": "/help",
            "type": "button",
            "action_ts": "1.3",
        }
    ],
}
VIEW = {
    "id": "V1",
    "team_id": "T1",
    "type": "modal",
    "callback_id": "krokodil.form",
    "private_metadata": '{"form": "x", "context": {}, "chat": "C1"}',
    "hash": "h1",
    "blocks": [{"type": "input", "block_id": "need", "element": {"type": "plain_text_input"}}],
    "state": {"values": {"need": {"input": {"type": "plain_text_input", "value": "hulp"}}}},
}
VIEW_SUBMISSION = {
    "type": "view_submission",
    "team": {"id": "T1"},
    "user": USER,
    "api_app_id": "A1",
    "token": "x",
    "trigger_id": "1.2.3",
    "view": VIEW,
}
VIEW_CLOSED = {**VIEW_SUBMISSION, "type": "view_closed", "is_cleared": False}
BLOCK_SUGGESTION = {
    "type": "block_suggestion",
    "user": USER,
    "team": {"id": "T1"},
    "api_app_id": "A1",
    "token": "x",
    "action_id": "pick",
    "block_id": "b1",
    "value": "sch",
    "view": VIEW,
}
INTERACTIVE_MESSAGE = {
    "type": "interactive_message",
    "actions": [{"name": "x", "type": "button", "value": "1"}],
    "callback_id": "legacy",
    "team": {"id": "T1"},
    "channel": CHANNEL,
    "user": USER,
    "action_ts": "1.3",
    "message_ts": "1.2",
    "attachment_id": "1",
    "token": "x",
    "response_url": "http://127.0.0.1:9/nowhere",
    "trigger_id": "1.2.3",
}
DIALOG_SUBMISSION = {
    "type": "dialog_submission",
    "submission": {"name": "x"},
    "callback_id": "legacy",
    "state": "",
    "team": {"id": "T1"},
    "user": USER,
    "channel": CHANNEL,
    "action_ts": "1.3",
    "token": "x",
    "response_url": "http://127.0.0.1:9/nowhere",
}
SHORTCUT = {
    "type": "shortcut",
    "token": "x",
    "action_ts": "1.3",
    "team": {"id": "T1"},
    "user": USER,
    "callback_id": "x",
    "trigger_id": "1.2.3",
}


def event_callback(event: dict[str, Any]) -> dict[str, Any]:
    """An Events API envelope around one event."""
    return {
        "token": "x",
        "team_id": "T1",
        "api_app_id": "A1",
        "event": event,
        "type": "event_callback",
        "event_id": "Ev1",
        "event_time": 1700000000,
        "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}],
    }


MENTION = event_callback(
    {
        "type": "app_mention",
        "user": "U1",
        "text": "<@UBOT> wie doet schulden",
        "ts": "1.2",
        "channel": "C1",
        "event_ts": "1.2",
    }
)
DIRECT_MESSAGE = event_callback(
    {
        "type": "message",
        "channel": "D1",
        "user": "U1",
        "text": "/help",
        "ts": "1.2",
        "event_ts": "1.2",
        "channel_type": "im",
    }
)
HOME_OPENED = event_callback(
    {"type": "app_home_opened", "user": "U1", "channel": "D1", "tab": "home", "event_ts": "1.2"}
)
URL_VERIFICATION = {"token": "x", "challenge": "abc", "type": "url_verification"}

SLACK_PAYLOADS = (
    BLOCK_ACTIONS,
    VIEW_SUBMISSION,
    VIEW_CLOSED,
    BLOCK_SUGGESTION,
    INTERACTIVE_MESSAGE,
    DIALOG_SUBMISSION,
    SHORTCUT,
    MENTION,
    DIRECT_MESSAGE,
    HOME_OPENED,
    URL_VERIFICATION,
)

# -- Telegram -----------------------------------------------------------------------------

TELEGRAM_USER = {
    "id": 4242,
    "is_bot": False,
    "first_name": "Fatima",
    "last_name": "el Amrani",
    "username": "fatima",
    "language_code": "nl",
}
PRIVATE_CHAT = {"id": 4242, "type": "private", "first_name": "Fatima", "username": "fatima"}
BOT = {"id": 777000, "is_bot": True, "first_name": "Groene Krokodil"}
GROUP_CHAT = {"id": -100200300, "type": "supergroup", "title": "Netwerk Schulden Noord"}


def _message(chat: dict[str, Any], text: str) -> dict[str, Any]:
    return {
        "message_id": 7,
        "from": TELEGRAM_USER,
        "chat": chat,
        "date": 1700000000,
        "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": 4}],
    }


TELEGRAM_UPDATES = (
    {"update_id": 9001, "message": _message(PRIVATE_CHAT, "/wie schulden")},
    {"update_id": 9002, "message": _message(GROUP_CHAT, "/wie@GroeneKrokodilBot schulden")},
    {
        "update_id": 9003,
        "callback_query": {
            "id": "cq1",
            "from": TELEGRAM_USER,
            "message": {**_message(PRIVATE_CHAT, "Kies"), "from": BOT},
            "chat_instance": "ci",
            "data": "help.command|/help",
        },
    },
    {
        "update_id": 9004,
        "my_chat_member": {
            "chat": GROUP_CHAT,
            "from": TELEGRAM_USER,
            "date": 1700000000,
            "old_chat_member": {"user": BOT, "status": "left"},
            "new_chat_member": {"user": BOT, "status": "member"},
        },
    },
)
