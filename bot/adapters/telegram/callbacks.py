"""Button payloads within Telegram's 64-byte callback data.

Short (action id, value) pairs travel as ``action_id|value``. Longer ones are
stored in the database under a token derived from their content (so the same
button twice is one row) and travel as ``~token``; rows outlive restarts and are
dropped after :data:`KEEP_FOR`.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from bot.models_telegram import TelegramCallback
from core.clock import Clock
from core.db import UnitOfWorkFactory
from core.messages import Action

LIMIT = 64
SEPARATOR = "|"
TOKEN_MARK = "~"
KEEP_FOR = timedelta(days=90)


def inline(action_id: str, value: str) -> str | None:
    """The pair as callback data, or None when it does not fit."""
    if SEPARATOR in action_id or action_id.startswith(TOKEN_MARK):
        return None
    data = f"{action_id}{SEPARATOR}{value}"
    return data if len(data.encode("utf-8")) <= LIMIT else None


def token_for(action_id: str, value: str) -> str:
    """A stable 22-character token for a pair (128 bits of its SHA-256)."""
    digest = hashlib.sha256(f"{action_id}\x00{value}".encode()).digest()[:16]
    return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class CallbackCodec:
    """Encodes buttons into callback data and back."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self.uow = uow
        self.clock = clock

    async def encode_many(self, pairs: Iterable[tuple[str, str]]) -> list[str]:
        """Callback data for each pair, storing the long ones in one transaction."""
        result: list[str] = []
        long: dict[str, tuple[str, str]] = {}
        for action_id, value in pairs:
            data = inline(action_id, value)
            if data is None:
                token = token_for(action_id, value)
                long[token] = (action_id, value)
                data = TOKEN_MARK + token
            result.append(data)
        if long:
            await self._store(long, self.clock.now())
        return result

    async def decode(self, data: str) -> Action | None:
        """The action behind callback data; None for unknown or expired tokens."""
        if data.startswith(TOKEN_MARK):
            async with self.uow() as uow:
                row = await uow.session.get(TelegramCallback, data[len(TOKEN_MARK) :])
            return None if row is None else Action(row.action_id, row.value)
        action_id, sep, value = data.partition(SEPARATOR)
        if not sep or not action_id:
            return None
        return Action(action_id, value)

    async def forget_older_than(self, cutoff: datetime) -> int:
        """Drop tokens of old buttons; pressing them then says the button no longer works."""
        async with self.uow() as uow:
            result = await uow.session.execute(
                delete(TelegramCallback).where(TelegramCallback.created_at < cutoff)
            )
            await uow.commit()
        return int(getattr(result, "rowcount", 0) or 0)

    async def _store(self, pairs: dict[str, tuple[str, str]], now: datetime) -> None:
        async with self.uow() as uow:
            session = uow.session
            known = set(
                await session.scalars(
                    select(TelegramCallback.token).where(TelegramCallback.token.in_(list(pairs)))
                )
            )
            if known:
                # A button sent again lives KEEP_FOR from now.
                await session.execute(
                    update(TelegramCallback)
                    .where(TelegramCallback.token.in_(list(known)))
                    .values(created_at=now)
                )
            for token, (action_id, value) in pairs.items():
                if token in known:
                    continue
                try:
                    async with session.begin_nested():
                        session.add(
                            TelegramCallback(
                                token=token, action_id=action_id, value=value, created_at=now
                            )
                        )
                        await session.flush()
                except IntegrityError:
                    pass  # the same button was stored concurrently: same token, same content
            await uow.commit()
