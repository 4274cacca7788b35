"""Telegram updates as neutral invocations.

In private chats every message is for the bot. In groups only messages
addressed to it count: a command (``/wie`` or ``/wie@ThisBot``), a mention of
the bot, or a reply to one of its messages; other chatter is ignored. The
update id becomes the event id, so a redelivered update has one effect.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from telegram import Chat, Message, MessageEntity, Update, User

from core.messages import Action, Invocation

_COMMAND = re.compile(r"^/[A-Za-z0-9_]+(?:@(?P<bot>\w+))?")


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
    return _invocation(update, message.from_user, message.chat, text=text)


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
        display_name=user.full_name,
        language_hint=user.language_code,
    )
