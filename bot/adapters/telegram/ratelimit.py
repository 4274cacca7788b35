"""Outbound limits Telegram asks bots to keep, on top of python-telegram-bot's AIORateLimiter.

AIORateLimiter paces the whole bot (about 30 messages a second) and each group
(20 a minute) and retries after a ``RetryAfter``. Telegram also asks for no more
than one message a second in one private chat; this adds that.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.ext import AIORateLimiter

OVERALL_PER_SECOND = 30.0
GROUP_PER_MINUTE = 20.0
PRIVATE_PER_SECOND = 1.0
# How often one request is retried after Telegram answered 429 (Too Many Requests).
MAX_RETRIES = 5
_KEEP_LIMITERS = 1024

Callback = Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]]


class TelegramRateLimiter(AIORateLimiter):
    """AIORateLimiter plus a per-private-chat limit on sent messages."""

    def __init__(
        self,
        *,
        overall_per_second: float = OVERALL_PER_SECOND,
        group_per_minute: float = GROUP_PER_MINUTE,
        private_per_second: float = PRIVATE_PER_SECOND,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_per_second,
            overall_time_period=1,
            group_max_rate=group_per_minute,
            group_time_period=60,
            max_retries=max_retries,
        )
        self.private_per_second = private_per_second
        self._private: dict[int, AsyncLimiter] = {}

    async def process_request(
        self,
        callback: Callback,
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        """Wait for the private chat's turn (sends only), then for the bot's and group's."""
        limiter = self._private_limiter(endpoint, data.get("chat_id"))
        context = limiter if limiter is not None else contextlib.nullcontext()
        async with context:
            return await super().process_request(
                callback, args, kwargs, endpoint, data, rate_limit_args
            )

    def _private_limiter(self, endpoint: str, chat_id: object) -> AsyncLimiter | None:
        # Edits and callback answers are not new messages; only sends count.
        if not self.private_per_second or not endpoint.startswith("send"):
            return None
        try:
            chat = int(str(chat_id))
        except ValueError:
            return None
        if chat <= 0:
            return None  # groups and channels: AIORateLimiter's group limit applies
        if chat not in self._private and len(self._private) >= _KEEP_LIMITERS:
            # Forget limiters that are idle (full capacity) so the map stays small.
            for key, old in list(self._private.items()):
                if old.has_capacity(old.max_rate):
                    del self._private[key]
        if chat not in self._private:
            self._private[chat] = AsyncLimiter(self.private_per_second, 1)
        return self._private[chat]
