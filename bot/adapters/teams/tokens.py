"""How the bot calls out: its own access token (client credentials) from the configured authority.

The SDK's MSAL provider cannot be pointed at another authority, so the token comes from
``ClientCredentials``, handed to the SDK's ``ConnectionManager`` through its provider
factory (and used by ``outbound`` for every connector call).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import aiohttp
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    ConnectionManager,
)

from core.config import TeamsConfig

BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
TIMEOUT = aiohttp.ClientTimeout(total=10)


class TokenError(Exception):
    """The authority gave no token."""


class ClientCredentials(AccessTokenProviderBase):
    """The bot's own access token (client credentials) from the configured authority, cached."""

    def __init__(
        self,
        config: TeamsConfig,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self._configuration = auth_configuration(config)
        self._monotonic = monotonic
        self._tokens: dict[str, tuple[str, float]] = {}
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    @property
    def configuration(self) -> AgentAuthConfiguration:
        """The SDK's view of this connection."""
        return self._configuration

    async def get_access_token(
        self, resource_url: str, scopes: list[str], force_refresh: bool = False
    ) -> str:
        """A valid token for the Bot Framework scope (the only one the bot needs)."""
        scope = BOT_FRAMEWORK_SCOPE
        cached = self._tokens.get(scope)
        if cached and not force_refresh and cached[1] > self._monotonic():
            return cached[0]
        async with self._lock:
            cached = self._tokens.get(scope)
            if cached and not force_refresh and cached[1] > self._monotonic():
                return cached[0]
            token, lifetime = await self._fetch(scope)
            # Renew five minutes early (or halfway for short-lived tokens).
            margin = min(300.0, lifetime / 2)
            self._tokens[scope] = (token, self._monotonic() + lifetime - margin)
            return token

    async def _fetch(self, scope: str) -> tuple[str, float]:
        form = {
            "grant_type": "client_credentials",
            "client_id": self.config.app_id or "",
            "client_secret": self.config.app_password or "",
            "scope": scope,
        }
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        try:
            async with self._session.post(self.config.token_url, data=form) as response:
                body = await response.read()
                if response.status != 200:
                    raise TokenError(f"token endpoint answered {response.status}")
                payload = json.loads(body)
        except (aiohttp.ClientError, TimeoutError, ValueError) as error:
            raise TokenError(f"token endpoint unreachable: {type(error).__name__}") from error
        token = payload.get("access_token") if isinstance(payload, dict) else None
        lifetime = payload.get("expires_in", 3600) if isinstance(payload, dict) else 0
        if not isinstance(token, str) or not token:
            raise TokenError("token endpoint gave no access_token")
        try:
            seconds = float(lifetime)
        except (TypeError, ValueError):
            seconds = 3600.0
        return token, max(seconds, 60.0)

    def get_token_credential(self) -> Any:
        """Not used: the bot only needs plain access tokens."""
        raise NotImplementedError("the Teams adapter uses get_access_token only")

    async def acquire_token_on_behalf_of(self, scopes: list[str], user_assertion: str) -> str:
        """Not used: the bot acts as itself, never on behalf of a user."""
        raise NotImplementedError("the Teams adapter acts only as itself")

    async def get_agentic_application_token(
        self, tenant_id: str, agent_app_instance_id: str
    ) -> str | None:
        """Not used (agentic identities)."""
        raise NotImplementedError("the Teams adapter has no agentic identity")

    async def get_agentic_instance_token(
        self, tenant_id: str, agent_app_instance_id: str
    ) -> tuple[str, str]:
        """Not used (agentic identities)."""
        raise NotImplementedError("the Teams adapter has no agentic identity")

    async def get_agentic_user_token(
        self,
        tenant_id: str,
        agent_app_instance_id: str,
        agentic_user_id: str,
        scopes: list[str],
    ) -> str | None:
        """Not used (agentic identities)."""
        raise NotImplementedError("the Teams adapter has no agentic identity")

    async def close(self) -> None:
        """Release the HTTP connections."""
        if self._session is not None:
            await self._session.close()


def auth_configuration(config: TeamsConfig) -> AgentAuthConfiguration:
    """The SDK's connection settings for our app registration."""
    return AgentAuthConfiguration(
        client_id=config.app_id,
        tenant_id=config.tenant_id,
        client_secret=config.app_password,
        authority=config.authority or None,
    )


def connection_manager(provider: ClientCredentials) -> ConnectionManager:
    """The SDK's connection manager, with our provider for its one service connection."""
    return ConnectionManager(
        provider_factory=lambda _configuration: provider,
        connections_configurations={"SERVICE_CONNECTION": provider.configuration},
    )
