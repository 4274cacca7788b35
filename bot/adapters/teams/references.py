"""Conversation references: where a Teams person or channel can be written to again.

Every validated message or press updates the reference of its conversation (and, in a
personal chat, of its sender), so reminders and handover requests reach people later.
Unchanged references are not written again: a small memory of what is stored keeps the
hot path to one read-free check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import select

from bot.adapters.teams.inbound import Origin
from bot.models_teams import TeamsConversation
from core.clock import Clock
from core.db import UnitOfWorkFactory, insert_ignoring_conflict


@dataclass(frozen=True)
class Reference:
    """Enough to send to a conversation."""

    conversation_id: str
    service_url: str
    tenant_id: str | None
    user_id: str | None
    bot_id: str


def user_key(account: str) -> str:
    """The key of a person's 1:1 chat (account = aadObjectId, lower case)."""
    return f"user:{account}"


def chat_key(conversation_id: str) -> str:
    """The key of a channel or group chat (a digest of an id too long for the key column)."""
    if len(conversation_id) > 195:
        return "chat:h:" + hashlib.sha256(conversation_id.encode()).hexdigest()
    return f"chat:{conversation_id}"


class ConversationBook:
    """Stores and finds conversation references."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock
        self._known: dict[str, Reference] = {}

    async def remember(self, where: Origin) -> None:
        """Store the conversation of an activity (and the sender's 1:1 chat when it is one)."""
        made = Reference(
            conversation_id=where.conversation_id,
            service_url=where.service_url,
            tenant_id=where.tenant_id,
            user_id=where.user_id if where.is_direct else None,
            bot_id=where.bot_id,
        )
        keys = [user_key(where.account)] if where.is_direct else []
        keys.append(chat_key(where.conversation_id))
        for key in keys:
            if self._known.get(key) != made:
                await self.store(key, made)

    async def store(self, key: str, ref: Reference) -> None:
        """Insert or update one reference."""
        now = self.clock.now()
        values = {
            "key": key,
            "conversation_id": ref.conversation_id,
            "service_url": ref.service_url,
            "tenant_id": ref.tenant_id,
            "user_id": ref.user_id,
            "bot_id": ref.bot_id,
            "updated_at": now,
        }
        async with self.uow() as uow:
            if not await insert_ignoring_conflict(uow.session, TeamsConversation, values):
                row = await uow.session.get(TeamsConversation, key)
                if row is not None:
                    for name, value in values.items():
                        setattr(row, name, value)
            await uow.commit()
        self._known[key] = ref

    async def find(self, key: str) -> Reference | None:
        """The stored reference under a key, or None."""
        if key in self._known:
            return self._known[key]
        async with self.uow() as uow:
            row = await uow.session.get(TeamsConversation, key)
        if row is None:
            return None
        ref = Reference(
            row.conversation_id, row.service_url, row.tenant_id, row.user_id, row.bot_id
        )
        self._known[key] = ref
        return ref

    async def latest(self) -> Reference | None:
        """The most recently used reference: its service URL and bot id serve new 1:1 chats."""
        async with self.uow() as uow:
            row = await uow.session.scalar(
                select(TeamsConversation).order_by(TeamsConversation.updated_at.desc()).limit(1)
            )
        if row is None:
            return None
        return Reference(
            row.conversation_id, row.service_url, row.tenant_id, row.user_id, row.bot_id
        )

    def forget(self, key: str) -> None:
        """Drop a cached reference (Teams said the conversation is gone)."""
        self._known.pop(key, None)
