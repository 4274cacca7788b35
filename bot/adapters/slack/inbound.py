"""Slack payloads into neutral invocations, and the shape checks that come first.

Every inbound request is checked for the fields we rely on before Bolt sees
it, so a malformed payload is answered 400 instead of failing half-way.
Event ids make platform retries and re-sent payloads harmless: the
dispatcher claims them once (``processed_events``). Slash commands get none: Slack
never sends one twice, so answering one writes nothing.
"""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.identity import SlackProfile
from bot.adapters.slack.render import LINK_ACTION, decode_action_id
from bot.parsing import UMBRELLA
from core.messages import Action, FormSubmission, Invocation

Payload = dict[str, Any]


# Interactivity payload types the bot handles; anything else (legacy attachments' buttons and
# dialogs, shortcuts, option menus) is refused before Bolt reads it.
INTERACTIONS = ("block_actions", "view_submission", "view_closed")
# Slack's ids (users, channels, teams, views) are about a dozen characters and its trigger
# ids, timestamps and event ids a few dozen; longer ones are refused before they reach a
# column (an event id is stored, an account or a chat with every outbox row).
MAX_ID = 64
MAX_TOKEN = 150
MAX_URL = 1000


def problem(body: Payload) -> str | None:
    """Why a parsed request body is not a Slack request we can handle, or None when fine."""
    too_long = _too_long(body)
    if too_long is not None:
        return too_long
    if "command" in body:
        return _missing(body, ("command", "user_id", "channel_id"), str)
    kind = body.get("type")
    if not isinstance(kind, str):
        return "no type"
    envelope = _envelope_problem(body)
    if envelope is not None:
        return envelope
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "no challenge"
    if kind == "event_callback":
        return _event_problem(body)
    if kind not in INTERACTIONS:
        return f"unsupported payload type {kind[:40]!r}"
    user = body.get("user")
    if not isinstance(user, dict) or not isinstance(user.get("id"), str):
        return "interaction without user"
    if not _optional(body, ("response_url", "trigger_id"), str):
        return "response_url or trigger_id not text"
    if not _optional(body, ("container", "channel", "message", "view"), dict):
        return "container, channel, message or view not an object"
    if kind == "block_actions":
        return _actions_problem(body.get("actions"))
    view = body.get("view")
    if not isinstance(view, dict) or not all(
        isinstance(view.get(key), str) for key in ("callback_id", "type")
    ):
        return "view without callback_id or type"
    if not _optional(view, ("id", "hash", "private_metadata"), str):
        return "view id, hash or metadata not text"
    if not _optional(view, ("state",), dict) or not _optional(view, ("blocks",), list):
        return "view state or blocks of the wrong type"
    return None


def _too_long(body: Payload) -> str | None:
    """An id, token or response_url longer than Slack ever makes one (or not a web address)."""
    event, user, view = obj(body.get("event")), obj(body.get("user")), obj(body.get("view"))
    ids = (
        body.get("user_id"),
        body.get("channel_id"),
        body.get("team_id"),
        user.get("id"),
        obj(body.get("channel")).get("id"),
        obj(body.get("container")).get("channel_id"),
        event.get("user"),
        event.get("channel"),
        view.get("id"),
        view.get("hash"),
    )
    if any(isinstance(value, str) and len(value) > MAX_ID for value in ids):
        return "id too long"
    actions = body.get("actions")
    stamps = (
        [a.get("action_ts") for a in actions if isinstance(a, dict)]
        if isinstance(actions, list)
        else []
    )
    tokens = (body.get("trigger_id"), body.get("event_id"), *stamps)
    if any(isinstance(value, str) and len(value) > MAX_TOKEN for value in tokens):
        return "token too long"
    url = body.get("response_url")
    if isinstance(url, str) and (len(url) > MAX_URL or not url.startswith(("https://", "http://"))):
        return "response_url not a web address"
    return None


def _envelope_problem(body: Payload) -> str | None:
    """The fields Bolt reads from every payload to find the workspace: text, or objects of text."""
    for key in ("team", "enterprise"):
        value = body.get(key)
        if value is None or isinstance(value, str):
            continue
        if not isinstance(value, dict) or not _optional(value, ("id", "enterprise_id"), str):
            return f"{key} of the wrong type"
    if not _optional(body, ("team_id", "enterprise_id", "api_app_id", "token"), str):
        return "team_id, enterprise_id, api_app_id or token not text"
    authorizations = body.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list)
        and all(
            isinstance(a, dict) and _optional(a, ("team_id", "enterprise_id", "user_id"), str)
            for a in authorizations
        )
    ):
        return "authorizations of the wrong type"
    for key in ("user", "view"):
        value = body.get(key)
        if isinstance(value, dict) and not _optional(
            value, ("team_id", "app_installed_team_id"), str
        ):
            return f"{key} with a team of the wrong type"
    return None


def _event_problem(body: Payload) -> str | None:
    event = body.get("event")
    if not isinstance(event, dict) or not isinstance(event.get("type"), str):
        return "event without type"
    if not isinstance(body.get("event_id"), str):
        return "event without event_id"
    if not _optional(
        event,
        ("user", "channel", "text", "ts", "thread_ts", "channel_type", "subtype", "bot_id", "tab"),
        str,
    ):
        return "event field of the wrong type"
    if not _optional(event, ("team", "enterprise", "team_id", "enterprise_id"), str):
        return "event with a team of the wrong type"
    return None


def _actions_problem(actions: Any) -> str | None:
    if not isinstance(actions, list) or not actions:
        return "block_actions without actions"
    for action in actions:
        if not isinstance(action, dict) or not isinstance(action.get("action_id"), str):
            return "action without action_id"
        if not _optional(action, ("block_id", "value", "action_ts", "type"), str):
            return "action field of the wrong type"
        if not _optional(action, ("selected_option",), dict):
            return "selected_option not an object"
    return None


def _optional(body: Payload, keys: tuple[str, ...], kind: type) -> bool:
    """Every one of these keys is missing, null, or of this type."""
    return all(body.get(key) is None or isinstance(body.get(key), kind) for key in keys)


def obj(value: Any) -> Payload:
    """A nested payload object, or {} when Slack (or a forger) sent something else."""
    return value if isinstance(value, dict) else {}


def text_or_none(value: Any) -> str | None:
    """A string field, or None when it is missing or not a string."""
    return value if isinstance(value, str) and value else None


def _missing(body: Payload, keys: tuple[str, ...], kind: type) -> str | None:
    for key in keys:
        if not isinstance(body.get(key), kind):
            return f"no {key}"
    return None


def _hints(profile: SlackProfile) -> dict[str, Any]:
    return {
        "email_hint": profile.email,
        "language_hint": profile.locale,
        "display_name": profile.name,
    }


def is_direct_channel(channel: str | None) -> bool:
    """Direct-message channels have ids starting with D."""
    return bool(channel) and str(channel).startswith("D")


def command_text(body: Payload) -> str:
    """'/wie' + ' schulden' → '/wie schulden'; a bare umbrella command asks for help."""
    command = str(body.get("command", ""))
    text = str(body.get("text") or "").strip()
    if command.lower() == f"/{UMBRELLA}" and not text:
        return "/help"
    return f"{command} {text}".strip()


def command_invocation(body: Payload, profile: SlackProfile) -> Invocation:
    """A slash command (no event id: Slack never sends a slash command twice)."""
    channel = str(body["channel_id"])
    return Invocation(
        platform="slack",
        account=str(body["user_id"]),
        chat=channel,
        text=command_text(body),
        is_direct=is_direct_channel(channel) or body.get("channel_name") == "directmessage",
        **_hints(profile),
    )


def action_chat(body: Payload) -> str:
    """Where a button was pressed: its channel, else (App Home, modal) the user."""
    channel = text_or_none(obj(body.get("container")).get("channel_id")) or text_or_none(
        obj(body.get("channel")).get("id")
    )
    return channel or str(body["user"]["id"])


def pressed(action: Payload) -> tuple[str, str] | None:
    """The neutral action id and value of one pressed element; None for a link button."""
    action_id = decode_action_id(str(action["action_id"]))
    if action_id == LINK_ACTION:
        return None
    chosen = obj(action.get("selected_option")).get("value")
    return action_id, str(action.get("value") or chosen or "")


def action_invocation(
    body: Payload, action_id: str, value: str, action_ts: str | None, profile: SlackProfile
) -> Invocation:
    """A button press; the click's own timestamp identifies a re-sent payload."""
    user = str(body["user"]["id"])
    chat = action_chat(body)
    return Invocation(
        platform="slack",
        account=user,
        chat=chat,
        is_direct=is_direct_channel(chat) or chat == user,
        action=Action(action_id, value),
        event_id=f"action:{user}:{action_ts}" if action_ts else None,
        **_hints(profile),
    )


def submission_invocation(
    body: Payload, submission: FormSubmission, chat: str | None, profile: SlackProfile
) -> Invocation:
    """A modal submission; the view id and hash identify one version of the modal."""
    user = str(body["user"]["id"])
    view = obj(body.get("view"))
    where = chat or user
    return Invocation(
        platform="slack",
        account=user,
        chat=where,
        is_direct=is_direct_channel(where) or where == user,
        submission=submission,
        event_id=f"view:{view.get('id')}:{view.get('hash')}" if view.get("id") else None,
        **_hints(profile),
    )


def message_invocation(body: Payload, profile: SlackProfile) -> Invocation:
    """An app mention or a direct message as free text; Slack's event id dedupes retries."""
    event = body["event"]
    channel = str(event.get("channel") or event["user"])
    return Invocation(
        platform="slack",
        account=str(event["user"]),
        chat=channel,
        text=str(event.get("text") or ""),
        is_direct=event.get("channel_type") == "im" or is_direct_channel(channel),
        event_id=str(body["event_id"]),
        **_hints(profile),
    )


def home_invocation(user: str, profile: SlackProfile) -> Invocation:
    """The hidden /home command the App Home is built from."""
    return Invocation(platform="slack", account=user, chat=user, text="/home", **_hints(profile))
