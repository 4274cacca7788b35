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


def problem(body: Payload) -> str | None:
    """Why a parsed request body is not a Slack request we can handle, or None when fine."""
    if "command" in body:
        return _missing(body, ("command", "user_id", "channel_id"), str)
    kind = body.get("type")
    if not isinstance(kind, str):
        return "no type"
    if kind == "url_verification":
        return None if isinstance(body.get("challenge"), str) else "no challenge"
    if kind == "event_callback":
        event = body.get("event")
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            return "event without type"
        return None if isinstance(body.get("event_id"), str) else "event without event_id"
    if kind in ("block_actions", "view_submission", "view_closed", "block_suggestion"):
        user = body.get("user")
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            return "interaction without user"
        if kind == "block_actions":
            actions = body.get("actions")
            if (
                not isinstance(actions, list)
                or not actions
                or not all(
                    isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions
                )
            ):
                return "block_actions without actions"
        if kind in ("view_submission", "view_closed"):
            view = body.get("view")
            if not isinstance(view, dict) or not all(
                isinstance(view.get(key), str) for key in ("callback_id", "type")
            ):
                return "view without callback_id or type"
        return None
    return None


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
