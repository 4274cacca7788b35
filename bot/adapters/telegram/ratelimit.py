"""Outbound limits Telegram asks bots to keep, on top of python-telegram-bot's AIORateLimiter.

AIORateLimiter paces the whole bot (about 30 messages a second) and each group
(20 a minute) and retries after a ``RetryAfter``. Telegram also asks for no more
than one message a second in one private chat; this adds that.

An answer sent in the webhook's response (``outbound.WebhookAnswer``) passes no limiter
and nobody learns whether Telegram refused it, so it is allowed only when a message could
go out now without waiting (`room_now`) and Telegram has not asked to slow down lately.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Coroutine
from typing import Any

from aiolimiter import AsyncLimiter
from telegram.error import RetryAfter
from telegram.ext import AIORateLimiter

OVERALL_PER_SECOND = 30.0
GROUP_PER_MINUTE = 20.0
PRIVATE_PER_SECOND = 1.0
# How often one request is retried after Telegram answered 429 (Too Many Requests).
MAX_RETRIES = 5
_KEEP_LIMITERS = 1024
# After a RetryAfter, answers take the confirmed way (sendMessage, outbox) this long.
CALM_AFTER = 60.0

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
        self._slowed_at = -CALM_AFTER

    async def room_now(self, chat_id: int) -> bool:
        """Take room for one message to a private chat if there is some without waiting.

        False while Telegram asked to slow down in the last CALM_AFTER seconds, or when the
        bot's or the chat's pace would make the message wait.
        """
        if time.monotonic() - self._slowed_at < CALM_AFTER:
            return False
        limiters = [self._base_limiter, self._private_limiter("sendMessage", chat_id)]
        waiting = [limiter for limiter in limiters if limiter is not None]
        if not all(limiter.has_capacity() for limiter in waiting):
            return False
        for limiter in waiting:
            await limiter.acquire()  # has capacity: returns at once
        return True

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

        async def noting_refusals(*call_args: Any, **call_kwargs: Any) -> Any:
            try:
                return await callback(*call_args, **call_kwargs)
            except RetryAfter:
                self._slowed_at = time.monotonic()
                raise

        async with context:
            return await super().process_request(
                noting_refusals, args, kwargs, endpoint, data, rate_limit_args
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
