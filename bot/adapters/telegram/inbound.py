"""Telegram updates as neutral invocations.

In private chats every message is for the bot. In groups only messages
addressed to it count: a command (``/wie`` or ``/wie@ThisBot``), a mention of
the bot, or a reply to one of its messages; other chatter is ignored. The
update id becomes the event id, so a redelivered update has one effect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from telegram import Chat, Message, MessageEntity, Update, User

from core.messages import Action, Invocation

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@(?P<bot>\w+))?")

# The update kinds the bot acts on (``allowed_updates``); an update of another kind is ignored.
KINDS = ("message", "callback_query", "my_chat_member")
# Telegram's ids fit in 52 bits; anything larger (or a text, a list) is not from Telegram.
MAX_ID = 2**52
# Names, user names, chat titles, language codes: Telegram keeps these far shorter.
MAX_NAME = 256
CHAT_TYPES = ("private", "group", "supergroup", "channel", "sender")
MEMBER_STATUSES = ("creator", "administrator", "member", "restricted", "left", "kicked")
Payload = dict[str, Any]


def problem(update: Payload) -> str | None:
    """Why a parsed webhook body is not an update the bot can read, or None when fine.

    python-telegram-bot's ``de_json`` trusts the Bot API's types, so every field the bot
    (or PTB on its way) reads is checked here first: ids are integers, names are short
    text without NUL, nested objects are objects.
    """
    if not _is_id(update.get("update_id")) or update["update_id"] < 0:
        return "no update_id"
    for kind in KINDS:
        if kind not in update:
            continue
        value = update[kind]
        if not isinstance(value, dict):
            return f"{kind} not an object"
        if kind == "message":
            return _message(value)
        return _callback(value) if kind == "callback_query" else _membership(value)
    return None


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and abs(value) < MAX_ID


def _is_count(value: Any) -> bool:
    return _is_id(value) and value >= 0


def _name(value: Any, required: bool = False) -> bool:
    if value is None:
        return not required
    return isinstance(value, str) and len(value) <= MAX_NAME and "\x00" not in value


def _user(user: Any) -> str | None:
    if not isinstance(user, dict) or not _is_id(user.get("id")):
        return "user without id"
    if not isinstance(user.get("is_bot"), bool) or not _name(user.get("first_name"), True):
        return "user without is_bot or first_name"
    if not all(_name(user.get(k)) for k in ("last_name", "username", "language_code")):
        return "user name of the wrong type"
    return None


def _chat(chat: Any) -> str | None:
    if not isinstance(chat, dict) or not _is_id(chat.get("id")):
        return "chat without id"
    if chat.get("type") not in CHAT_TYPES:
        return "chat of an unknown type"
    if not all(_name(chat.get(k)) for k in ("title", "username", "first_name", "last_name")):
        return "chat name of the wrong type"
    return None


def _message(message: Payload, depth: int = 0) -> str | None:
    if not _is_id(message.get("message_id")) or not _is_id(message.get("date")):
        return "message without message_id or date"
    found = _chat(message.get("chat"))
    for key in ("from", "sender_chat"):
        if found is None and message.get(key) is not None:
            found = (_user if key == "from" else _chat)(message[key])
    if found is not None:
        return found
    for key in ("text", "caption"):
        if message.get(key) is not None and not isinstance(message[key], str):
            return f"{key} not text"
    for key in ("entities", "caption_entities"):
        found = _entities(message.get(key))
        if found is not None:
            return found
    reply = message.get("reply_to_message")
    if reply is not None:
        if not isinstance(reply, dict) or depth > 0:
            return "reply_to_message of the wrong shape"
        return _message(reply, depth + 1)
    return None


def _entities(entities: Any) -> str | None:
    if entities is None:
        return None
    if not isinstance(entities, list):
        return "entities not a list"
    for entity in entities:
        if not isinstance(entity, dict) or not isinstance(entity.get("type"), str):
            return "entity without type"
        if not all(_is_count(entity.get(key)) for key in ("offset", "length")):
            return "entity without offset or length"
        if not all(_name(entity.get(k)) for k in ("url", "language", "custom_emoji_id")):
            return "entity field of the wrong type"
        if entity.get("user") is not None and _user(entity["user"]) is not None:
            return "entity with a bad user"
    return None


def _callback(query: Payload) -> str | None:
    if not _name(query.get("id"), True) or not _name(query.get("chat_instance"), True):
        return "callback_query without id or chat_instance"
    found = _user(query.get("from"))
    if found is not None:
        return found
    if not _name(query.get("inline_message_id")):
        return "inline_message_id not text"
    data = query.get("data")
    if data is not None and not isinstance(data, str):
        return "callback data not text"
    message = query.get("message")
    if message is None:
        return None
    if not isinstance(message, dict):
        return "callback message not an object"
    return _message(message)


def _membership(change: Payload) -> str | None:
    found = _chat(change.get("chat")) or _user(change.get("from"))
    if found is not None:
        return found
    if not _is_id(change.get("date")):
        return "my_chat_member without date"
    for key in ("old_chat_member", "new_chat_member"):
        member = change.get(key)
        if not isinstance(member, dict) or member.get("status") not in MEMBER_STATUSES:
            return f"{key} without status"
        found = _user(member.get("user"))
        if found is not None:
            return found
    return None


@dataclass(frozen=True)
class BotIdentity:
    """Who the bot is on Telegram (from getMe)."""

    id: int
    username: str


def is_private(chat: Chat) -> bool:
    """A one-to-one chat with a user (its id is the user's id)."""
    return chat.type == Chat.PRIVATE


def human(user: User | None) -> bool:
    """A person, not another bot (or an anonymous channel post)."""
    return user is not None and not user.is_bot


def addressed_text(message: Message, me: BotIdentity) -> str | None:
    """The text meant for the bot, or None for group chatter that is not."""
    text = message.text or message.caption or ""
    if is_private(message.chat):
        return text
    command = _COMMAND.match(text)
    if command:
        target = command.group("bot")
        return text if target is None or target.lower() == me.username.lower() else None
    try:
        entities = message.parse_entities() if message.text else message.parse_caption_entities()
    except (UnicodeDecodeError, IndexError, ValueError):
        # Entities that do not fit the text (offsets past its end, half a surrogate pair).
        entities = {}
    for entity, value in entities.items():
        mentions_me = (
            entity.type == MessageEntity.MENTION and value[1:].lower() == me.username.lower()
        ) or (
            entity.type == MessageEntity.TEXT_MENTION
            and entity.user is not None
            and entity.user.id == me.id
        )
        if mentions_me:
            return " ".join(text.replace(value, " ", 1).split())
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and replied.from_user.id == me.id:
        return text
    return None


def message_invocation(update: Update, me: BotIdentity) -> Invocation | None:
    """A new message as an invocation; None when the bot should stay silent."""
    message = update.message
    if message is None or not human(message.from_user):
        return None
    text = addressed_text(message, me)
    if text is None:
        return None
    assert message.from_user is not None
    inv = _invocation(update, message.from_user, message.chat, text=text)
    # Answered in the webhook's 200 where it fits (outbound.answer_in_webhook).
    return replace(inv, answer_in_ack=inv.is_direct)


@dataclass(frozen=True)
class PrivateText:
    """A person's text message in their private chat with the bot, read from the JSON."""

    invocation: Invocation
    username: str | None


def private_text(update: Payload) -> PrivateText | None:
    """The most common update without python-telegram-bot's objects (`problem` passed).

    Only a new text message from a person in a private chat, with the fields `de_json`
    requires; anything else (None) goes through PTB. The invocation is the one
    `message_invocation` makes of the same update (tests/adapters/telegram/test_inbound.py).
    """
    if len(update) != 2 or "message" not in update:
        return None
    message = update["message"]
    chat, user, text = message.get("chat"), message.get("from"), message.get("text")
    if (
        not isinstance(text, str)
        or not text
        or not isinstance(chat, dict)
        or chat.get("type") != Chat.PRIVATE
        or not _is_id(chat.get("id"))
        or not isinstance(user, dict)
        or user.get("is_bot") is not False
        or not _is_id(user.get("id"))
        or not isinstance(user.get("first_name"), str)
        or not _is_id(message.get("message_id"))
        or not _is_id(message.get("date"))
    ):
        return None
    first, last = user["first_name"], user.get("last_name")
    language, username = user.get("language_code"), user.get("username")
    if not (last is None or isinstance(last, str)) or not (
        language is None or isinstance(language, str)
    ):
        return None
    invocation = Invocation(
        platform="telegram",
        account=str(user["id"]),
        chat=str(chat["id"]),
        text=text,
        is_direct=True,
        event_id=str(update["update_id"]),
        display_name=_full_name(first, last),
        language_hint=language,
        answer_in_ack=True,
    )
    return PrivateText(invocation, username if isinstance(username, str) else None)


def _full_name(first: str, last: str | None) -> str:
    """The name as python-telegram-bot's `User.full_name` gives it, where no name (its None
    without a first name, even with a last name) is the empty one."""
    if not first:
        return ""
    return f"{first} {last}" if last else first


def callback_invocation(update: Update, action: Action) -> Invocation | None:
    """A pressed inline button as an invocation."""
    query = update.callback_query
    if query is None or not human(query.from_user):
        return None
    chat = query.message.chat if query.message is not None else None
    return _invocation(update, query.from_user, chat, action=action)


def _invocation(
    update: Update,
    user: User,
    chat: Chat | None,
    *,
    text: str = "",
    action: Action | None = None,
) -> Invocation:
    return Invocation(
        platform="telegram",
        account=str(user.id),
        # Buttons on inline-mode messages have no chat: answer the user privately.
        chat=str(chat.id if chat is not None else user.id),
        text=text,
        is_direct=chat is None or is_private(chat),
        action=action,
        event_id=str(update.update_id),
        # PTB types it as text but gives None without a first name.
        display_name=user.full_name or "",
        language_hint=user.language_code,
    )
