"""Calling the Bot Connector: the SDK's client, paced and retried; failures become DeliveryError.

Teams limits a bot per conversation (7 messages a second, 8 in two, 60 in thirty, 1800 an
hour) and per app (about 50 requests a second). ``WindowPacer`` reserves the next free slot
for every window before a call, so concurrent senders queue in order instead of being
throttled. A 429, 412, 502 or 504 is retried after ``Retry-After`` or a jittered backoff;
what still fails raises :class:`bot.adapters.base.DeliveryError` (``Undeliverable`` when
retrying cannot help), so the outbox keeps the message and tries again later.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import aiohttp
from microsoft_agents.activity import Activity, ChannelAccount, ConversationParameters
from microsoft_agents.activity.teams import TeamsChannelAccount
from microsoft_agents.hosting.core.connector.teams import TeamsConnectorClient

from bot.adapters.base import DeliveryError, Undeliverable
from bot.adapters.teams.tokens import BOT_FRAMEWORK_SCOPE, ClientCredentials, TokenError

log = logging.getLogger("krokodil.teams.outbound")

T = TypeVar("T")
RETRY_STATUSES = frozenset({429, 412, 502, 504})
# Windows (messages, seconds) Teams allows per conversation, and per app across all.
CONVERSATION_LIMITS: tuple[tuple[int, float], ...] = (
    (7, 1.0),
    (8, 2.0),
    (60, 30.0),
    (1800, 3600.0),
)
APP_LIMITS: tuple[tuple[int, float], ...] = ((50, 1.0),)
TIMEOUT = aiohttp.ClientTimeout(total=15)


class WindowPacer:
    """Spaces calls per key so that no window (n calls per w seconds) is ever exceeded."""

    def __init__(
        self,
        limits: tuple[tuple[int, float], ...],
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.limits = limits
        self._longest = max((w for _n, w in limits), default=0.0)
        self._keep = max((n for n, _w in limits), default=0)
        self._monotonic = monotonic
        self._sleep = sleep
        self._slots: dict[str, deque[float]] = {}

    def reserve(self, key: str) -> float:
        """Take the key's next free moment (in monotonic seconds) and return it."""
        now = self._monotonic()
        slots = self._slots.setdefault(key, deque(maxlen=self._keep or None))
        while slots and slots[0] <= now - self._longest:
            slots.popleft()
        moment = now
        for count, window in self.limits:
            if len(slots) >= count:
                moment = max(moment, slots[-count] + window)
        if slots:
            moment = max(moment, slots[-1])
        slots.append(moment)
        if len(self._slots) > 4096:
            self._slots = {k: v for k, v in self._slots.items() if v and v[-1] > now}
        return moment

    async def wait(self, key: str) -> None:
        """Wait for the key's next free moment (reserved before sleeping, so order holds)."""
        delay = self.reserve(key) - self._monotonic()
        if delay > 0:
            await self._sleep(delay)


class Connector:
    """The connector calls the bot makes, each paced, retried and closed after use."""

    def __init__(
        self,
        tokens: ClientCredentials,
        *,
        rng: random.Random | None = None,
        conversation_pacer: WindowPacer | None = None,
        app_pacer: WindowPacer | None = None,
        attempts: int = 4,
        max_wait: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.tokens = tokens
        self.rng = rng or random.Random()
        self.conversations = conversation_pacer or WindowPacer(CONVERSATION_LIMITS)
        self.app = app_pacer or WindowPacer(APP_LIMITS)
        self.attempts = attempts
        self.max_wait = max_wait
        self._sleep = sleep
        self._pool: aiohttp.TCPConnector | None = None

    async def send(
        self, service_url: str, conversation_id: str, activity: Activity, reply_to: str | None
    ) -> str:
        """Post a message (as a reply in a thread when `reply_to` is set); returns its id."""

        async def call(client: TeamsConnectorClient) -> str:
            ops = client.conversations
            if reply_to:
                sent = await ops.reply_to_activity(conversation_id, reply_to, activity)
            else:
                sent = await ops.send_to_conversation(conversation_id, activity)
            return sent.id or ""

        return await self._call(service_url, conversation_id, call)

    async def update(
        self, service_url: str, conversation_id: str, activity_id: str, activity: Activity
    ) -> None:
        """Replace a message the bot sent (e.g. a card whose buttons were used)."""

        async def call(client: TeamsConnectorClient) -> None:
            await client.conversations.update_activity(conversation_id, activity_id, activity)

        await self._call(service_url, conversation_id, call)

    async def create_personal(
        self, service_url: str, user_id: str, tenant_id: str, bot_id: str
    ) -> str:
        """Open (or find) the 1:1 chat with a user; Undeliverable when Teams does not allow it."""
        parameters = ConversationParameters(
            is_group=False,
            bot=ChannelAccount(id=bot_id),
            members=[ChannelAccount(id=user_id)],
            tenant_id=tenant_id,
            channel_data={"tenant": {"id": tenant_id}},
        )

        async def call(client: TeamsConnectorClient) -> str:
            created = await client.create_conversation(parameters)
            if not created.id:
                raise Undeliverable("Teams created no conversation")
            return created.id

        return await self._call(service_url, f"create:{user_id}", call)

    async def member(
        self, service_url: str, conversation_id: str, user_id: str
    ) -> TeamsChannelAccount | None:
        """A member's profile (e-mail, UPN, aadObjectId); None when Teams does not know them."""

        async def call(client: TeamsConnectorClient) -> TeamsChannelAccount:
            return await client.get_conversation_member(conversation_id, user_id)

        try:
            return await self._call(service_url, f"members:{conversation_id}", call, paced=False)
        except Undeliverable:
            return None

    async def _call(
        self,
        service_url: str,
        key: str,
        operation: Callable[[TeamsConnectorClient], Awaitable[T]],
        *,
        paced: bool = True,
    ) -> T:
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            if paced:
                await self.conversations.wait(key)
            await self.app.wait("app")
            try:
                return await self._once(service_url, operation, force_token=refreshed)
            except aiohttp.ClientResponseError as error:
                status = error.status
                if status == 401 and not refreshed:
                    refreshed = True  # a token the connector no longer takes: get a new one
                    continue
                if status in RETRY_STATUSES and attempt < self.attempts:
                    delay = self._delay(attempt, error.headers)
                    if delay <= self.max_wait:
                        log.info("teams asked to wait", extra={"status": status, "delay": delay})
                        await self._sleep(delay)
                        continue
                if status in (403, 404):
                    raise Undeliverable(f"Teams answered {status}") from error
                raise DeliveryError(f"Teams answered {status}") from error
            except (aiohttp.ClientError, TimeoutError) as error:
                if attempt < self.attempts:
                    await self._sleep(self._delay(attempt, None))
                    continue
                raise DeliveryError(f"Teams unreachable: {type(error).__name__}") from error
            except TokenError as error:
                raise DeliveryError(f"no Teams token: {error}") from error

    async def _once(
        self,
        service_url: str,
        operation: Callable[[TeamsConnectorClient], Awaitable[T]],
        *,
        force_token: bool,
    ) -> T:
        token = await self.tokens.get_access_token(
            service_url, [BOT_FRAMEWORK_SCOPE], force_refresh=force_token
        )
        base = service_url if service_url.endswith("/") else service_url + "/"
        session = aiohttp.ClientSession(
            base_url=base, connector=self._connections(), connector_owner=False, timeout=TIMEOUT
        )
        client = TeamsConnectorClient(base, token, session=session)
        try:
            return await operation(client)
        finally:
            await session.close()

    def _delay(self, attempt: int, headers: Any) -> float:
        """Retry-After when given, else exponential backoff with full jitter."""
        if headers is not None:
            given = headers.get("Retry-After")
            if given is not None:
                try:
                    return max(float(given), 0.0)
                except ValueError:
                    pass
        ceiling = min(0.5 * 2 ** (attempt - 1), 8.0)
        return self.rng.uniform(ceiling / 2, ceiling)

    def _connections(self) -> aiohttp.TCPConnector:
        # One connection pool for every service URL: sessions come and go, connections stay.
        if self._pool is None or self._pool.closed:
            self._pool = aiohttp.TCPConnector(limit=64)
        return self._pool

    async def close(self) -> None:
        """Release the connection pool."""
        if self._pool is not None:
            await self._pool.close()
