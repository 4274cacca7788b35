"""One update at a time per chat, in arrival order; different chats run side by side.

A step-by-step form reads and advances its step in the database, so two answers
from one chat handled at once could both answer the same question.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ChatOrder:
    """Per-chat locks that exist only while a chat has updates in flight."""

    def __init__(self) -> None:
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}

    @asynccontextmanager
    async def turn(self, chat: str) -> AsyncIterator[None]:
        """Wait for this chat's earlier updates (asyncio locks are first come, first served)."""
        lock, users = self._locks.setdefault(chat, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                yield
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._locks[chat]

    def __len__(self) -> int:
        return len(self._locks)
