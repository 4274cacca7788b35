"""Teams activities into neutral invocations, and the shape checks that come first.

A body is checked for every field we rely on before the SDK sees it, so a malformed
activity is answered 400 instead of failing half-way (the SDK would answer 500). In a
channel or group chat Teams sends the bot only messages that mention it; the mention is
taken out of the text. Event ids (the activity id within its conversation) make a
redelivered activity harmless: the dispatcher claims them once.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from microsoft_agents.activity import Activity
from pydantic import ValidationError

from bot.adapters.teams import cards
from bot.adapters.teams.render import DATE, INPUT_PREFIX, MULTI, TIME, TYPED
from core.messages import Action, FormSubmission, Invocation

Payload = dict[str, Any]
ACTION_INVOKE = "adaptiveCard/action"
_AT = re.compile(r"<at[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)
_TAGS = re.compile(r"<[^>]+>")


class QuietValidation(logging.Filter):
    """Drops the SDK's log line for an invalid activity: it quotes the body (message text),
    and the webhook answers 400 for it anyway."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for the SDK's 'Validation error for Activity' records."""
        return not str(record.msg).startswith("Validation error for Activity")


def quiet_sdk_validation_logs() -> None:
    """Install the filter on the SDK's activity logger (once)."""
    logger = logging.getLogger("microsoft_agents.activity.activity")
    if not any(isinstance(f, QuietValidation) for f in logger.filters):
        logger.addFilter(QuietValidation())


class Malformed(ValueError):
    """A body that is not an activity we can handle; the message says what is wrong."""


def parse(body: bytes) -> tuple[Payload, Activity]:
    """The JSON body and the SDK's Activity; raises Malformed for anything else."""
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise Malformed("body is not JSON") from error
    if not isinstance(payload, dict):
        raise Malformed("body is not a JSON object")
    problem = shape_problem(payload)
    if problem:
        raise Malformed(problem)
    try:
        activity = Activity.model_validate(payload)
    except (ValidationError, ValueError, TypeError) as error:
        raise Malformed("body is not a valid activity") from error
    return payload, activity


# The longest ids the bot stores (bot.adapters.teams.references: a 1:1 chat's key is
# "user:" + the account, a column of 200). Real ids are far shorter; longer ones are refused
# at the edge instead of failing in the database.
LONGEST = {
    ("serviceUrl",): 300,
    ("conversation", "id"): 300,
    ("conversation", "tenantId"): 64,
    ("channelData", "tenant", "id"): 64,
    ("from", "id"): 195,
    ("from", "aadObjectId"): 195,
    ("recipient", "id"): 200,
}


def shape_problem(payload: Payload) -> str | None:
    """Why a body is not an activity we can handle, or None when it is."""
    for key in ("type", "serviceUrl"):
        if not isinstance(payload.get(key), str) or not payload[key]:
            return f"{key} missing or not text"
    conversation = payload.get("conversation")
    if not isinstance(conversation, dict) or not _text(conversation.get("id")):
        return "conversation.id missing"
    for path, longest in LONGEST.items():
        value: Any = payload
        for step in path:
            value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, str) and len(value) > longest:
            return f"{'.'.join(path)} is too long"
    for key in ("id", "channelId", "text", "name", "replyToId", "locale"):
        if key in payload and payload[key] is not None and not isinstance(payload[key], str):
            return f"{key} is not text"
    sender = payload.get("from")
    kind = payload["type"]
    if kind in ("message", "invoke"):
        if not isinstance(sender, dict) or not _text(sender.get("id")):
            return "from.id missing"
        if "aadObjectId" in sender and not isinstance(sender["aadObjectId"], str | None):
            return "from.aadObjectId is not text"
        if not _text(payload.get("id")):
            return "id missing"
        recipient = payload.get("recipient")
        if not isinstance(recipient, dict) or not _text(recipient.get("id")):
            return "recipient.id missing"
    if kind == "invoke" and payload.get("name") == ACTION_INVOKE:
        value = payload.get("value")
        action = value.get("action") if isinstance(value, dict) else None
        if not isinstance(action, dict) or not isinstance(action.get("verb"), str):
            return "invoke without action.verb"
        if "data" in action and not isinstance(action["data"], dict | None):
            return "action.data is not an object"
    for key in ("entities", "attachments", "membersAdded", "membersRemoved"):
        if key in payload and not isinstance(payload[key], list | None):
            return f"{key} is not a list"
    return None


def obj(value: Any) -> Payload:
    """A nested object, or {} when the sender put something else there."""
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


@dataclass(frozen=True)
class Origin:
    """Where an activity came from: enough to answer it and to reach its sender later."""

    service_url: str
    conversation_id: str
    conversation_type: str
    activity_id: str
    reply_to_id: str | None
    user_id: str
    account: str
    name: str
    tenant_id: str | None
    bot_id: str
    locale: str | None

    @property
    def is_direct(self) -> bool:
        """The personal chat with the bot (not a channel or group chat)."""
        return self.conversation_type in ("personal", "")


def origin(activity: Activity, service_url: str) -> Origin:
    """The origin of a message or invoke (service URL from the validated token)."""
    sender = activity.from_property
    conversation = activity.conversation
    aad = getattr(sender, "aad_object_id", None) or ""
    tenant = getattr(conversation, "tenant_id", None)
    channel_data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant_data = channel_data.get("tenant")
    if not tenant and isinstance(tenant_data, dict) and isinstance(tenant_data.get("id"), str):
        tenant = tenant_data["id"]
    return Origin(
        service_url=service_url,
        conversation_id=conversation.id,
        conversation_type=getattr(conversation, "conversation_type", None) or "",
        activity_id=activity.id or "",
        reply_to_id=activity.reply_to_id,
        user_id=sender.id or "",
        # Accounts are the Entra object id (the directory's `teams` column), lower case.
        account=(aad or sender.id or "").lower(),
        name=getattr(sender, "name", None) or "",
        tenant_id=tenant,
        bot_id=(activity.recipient.id if activity.recipient else None) or "",
        locale=activity.locale,
    )


def event_id(where: Origin) -> str:
    """The activity's id within its conversation (ids repeat across conversations)."""
    raw = f"{where.conversation_id}|{where.activity_id}"
    return raw if len(raw) <= 200 else "h:" + hashlib.sha256(raw.encode()).hexdigest()


def language(locale: str | None) -> str | None:
    """'en-US' → 'en'; 'nl-NL' → 'nl'; anything else: no hint."""
    short = (locale or "").split("-", 1)[0].lower()
    return short if short in ("nl", "en") else None


def message_text(activity: Activity) -> str:
    """The typed text without the mention of the bot; other people's mentions keep the name."""
    bot = activity.recipient.id if activity.recipient else None
    mentions = [e for e in activity.entities or () if e.type == "mention"]
    ours = {str(getattr(e, "text", "") or "") for e in mentions if _mentioned_id(e) == bot}

    def mention(match: re.Match[str]) -> str:
        # Without mention entities we cannot tell whose it is: only the bot is addressed.
        if not mentions or match.group(0) in ours:
            return " "
        return " " + _TAGS.sub("", match.group(0)) + " "

    text = _AT.sub(mention, activity.text or "")
    text = _TAGS.sub(" ", text).replace("&nbsp;", " ")
    return " ".join(text.split())


def _mentioned_id(entity: Any) -> str | None:
    mentioned = getattr(entity, "mentioned", None)
    if mentioned is None:
        extra = getattr(entity, "model_extra", None) or {}
        mentioned = extra.get("mentioned")
    value = mentioned.get("id") if isinstance(mentioned, dict) else getattr(mentioned, "id", None)
    return value if isinstance(value, str) else None


def message_invocation(activity: Activity, where: Origin, email: str | None) -> Invocation:
    """A typed message as an invocation."""
    return Invocation(
        platform="teams",
        account=where.account,
        chat=where.conversation_id,
        text=message_text(activity),
        is_direct=where.is_direct,
        event_id=event_id(where),
        display_name=where.name,
        email_hint=email,
        language_hint=language(where.locale),
    )


@dataclass(frozen=True)
class Press:
    """A card action: a button, a form submitted or a form cancelled."""

    kind: str
    action: Action | None = None
    submission: FormSubmission | None = None
    form_id: str = ""
    # The whole form, as its submit button carried it (to show it again with a complaint).
    spec: dict[str, Any] | None = None
    # The channel a form was asked in, when it was answered in the 1:1 chat.
    chat: str | None = None


def press(activity: Activity) -> Press | None:
    """What an adaptiveCard/action invoke asks for, or None when it is not one of ours."""
    action = obj(obj(activity.value).get("action"))
    data = obj(action.get("data"))
    kind = data.get(cards.MARK)
    if kind == cards.BUTTON and isinstance(data.get("a"), str):
        return Press(kind, action=Action(data["a"], str(data.get("v") or "")))
    form_id = data.get("form")
    if kind == cards.CANCEL and isinstance(form_id, str):
        return Press(kind, form_id=form_id)
    if kind == cards.FORM and isinstance(form_id, str):
        context = obj(data.get("ctx"))
        spec = obj(data.get("spec")) or None
        chat = data.get("chat") if isinstance(data.get("chat"), str) else None
        return Press(
            kind,
            form_id=form_id,
            spec=spec,
            chat=chat or None,
            submission=FormSubmission(
                form_id=form_id,
                values=form_values(data),
                context={str(k): str(v) for k, v in context.items()},
            ),
        )
    return None


def form_values(data: Payload) -> dict[str, str | list[str]]:
    """The inputs of a submitted form card; empty answers are left out like skipped ones."""
    values: dict[str, str | list[str]] = {}
    typed: dict[str, str] = {}
    dates: dict[str, list[str]] = {}
    for key, raw in data.items():
        if not isinstance(key, str) or not key.startswith(INPUT_PREFIX):
            continue
        name = key.removeprefix(INPUT_PREFIX)
        text = str(raw).strip() if isinstance(raw, str | int | float) else ""
        if not text:
            continue
        if name.endswith(TYPED):
            typed[name.removesuffix(TYPED)] = text
        elif name.endswith(DATE):
            dates.setdefault(name.removesuffix(DATE), ["", ""])[0] = text
        elif name.endswith(TIME):
            dates.setdefault(name.removesuffix(TIME), ["", ""])[1] = text
        elif name.endswith(MULTI):
            values[name.removesuffix(MULTI)] = [v for v in text.split(",") if v]
        else:
            values[name] = text
    for name, (day, time) in dates.items():
        if day:
            values[name] = f"{day} {time or '09:00'}"
    values.update(typed)
    return values


def press_invocation(where: Origin, what: Press, email: str | None) -> Invocation:
    """A button press or a form submission as an invocation."""
    return Invocation(
        platform="teams",
        account=where.account,
        chat=what.chat or where.conversation_id,
        is_direct=where.is_direct and what.chat is None,
        action=what.action,
        submission=what.submission,
        event_id=event_id(where),
        display_name=where.name,
        email_hint=email,
        language_hint=language(where.locale),
    )
