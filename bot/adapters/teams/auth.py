"""Who may call us and how we call out: Bot Framework JWTs in, client-credential tokens out.

The SDK's own validator fetches signing keys from a fixed Microsoft address, so inbound
tokens are checked here against the keys the configured OpenID metadata names (cached, and
fetched again when a token names a key id we do not know). The SDK's MSAL provider cannot be
pointed at another authority, so the outbound token comes from ``ClientCredentials``, handed
to the SDK's ``ConnectionManager`` through its provider factory.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import aiohttp
import jwt
from jwt.exceptions import InvalidTokenError, PyJWKError
from microsoft_agents.hosting.core.authorization import (
    AccessTokenProviderBase,
    AgentAuthConfiguration,
    ConnectionManager,
)

from core.config import TeamsConfig

log = logging.getLogger("krokodil.teams")

ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
# Tokens are accepted this long past their expiry (and before their start): clocks drift.
LEEWAY_SECONDS = 300
# Keys are fetched again after this long, and at most this often when an unknown kid shows up.
KEYS_MAX_AGE = 24 * 3600.0
KEYS_MIN_REFRESH = 60.0
TIMEOUT = aiohttp.ClientTimeout(total=10)


class AuthError(Exception):
    """The request's token is missing, malformed, wrongly signed or not for us."""


@dataclass(frozen=True)
class Caller:
    """What a validated token vouches for: the channel's service URL and the raw claims."""

    service_url: str
    claims: dict[str, Any]


def bearer_token(header: str | None) -> str | None:
    """The token of an ``Authorization: Bearer …`` header, or None."""
    if not header:
        return None
    scheme, _, token = header.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or any(c.isspace() for c in token):
        return None
    return token


def same_service_url(a: str, b: str) -> bool:
    """Service URLs compared the way the connector uses them (case of scheme/host, last slash)."""
    return _normal(a) == _normal(b)


def _normal(url: str) -> str:
    scheme, sep, rest = url.strip().partition("://")
    host, slash, path = rest.partition("/")
    return f"{scheme.lower()}{sep}{host.lower()}{slash}{path}".rstrip("/")


class SigningKeys:
    """The signing keys of the OpenID metadata, cached; fetched again for an unknown key id."""

    def __init__(
        self,
        metadata_url: str,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.metadata_url = metadata_url
        self.monotonic = monotonic
        self._keys: dict[str, tuple[jwt.PyJWK, tuple[str, ...] | None]] = {}
        self._fetched_at: float | None = None
        self._lock = asyncio.Lock()
        self._session: aiohttp.ClientSession | None = None

    async def key(self, kid: str) -> tuple[jwt.PyJWK, tuple[str, ...] | None] | None:
        """The key with this id and the channels it is endorsed for; None when unknown."""
        now = self.monotonic()
        stale = self._fetched_at is None or now - self._fetched_at > KEYS_MAX_AGE
        if kid in self._keys and not stale:
            return self._keys[kid]
        async with self._lock:
            now = self.monotonic()
            recent = self._fetched_at is not None and now - self._fetched_at < KEYS_MIN_REFRESH
            if (kid not in self._keys and not recent) or stale:
                await self._refresh()
        return self._keys.get(kid)

    async def _refresh(self) -> None:
        session = self._client()
        try:
            async with session.get(self.metadata_url) as response:
                response.raise_for_status()
                metadata = json.loads(await response.read())
            jwks_uri = metadata["jwks_uri"]
            async with session.get(jwks_uri) as response:
                response.raise_for_status()
                jwks = json.loads(await response.read())
        except (aiohttp.ClientError, TimeoutError, ValueError, KeyError, TypeError) as error:
            # Keep the keys we had: a metadata hiccup must not lock every user out.
            log.warning("teams signing keys not fetched: %s", type(error).__name__)
            self._fetched_at = self.monotonic()
            return
        keys: dict[str, tuple[jwt.PyJWK, tuple[str, ...] | None]] = {}
        for raw in jwks.get("keys", []) if isinstance(jwks, dict) else []:
            try:
                key = jwt.PyJWK(raw, algorithm="RS256")
            except (PyJWKError, InvalidTokenError, KeyError, TypeError, ValueError):
                continue
            endorsed = raw.get("endorsements")
            channels = tuple(str(c) for c in endorsed) if isinstance(endorsed, list) else None
            if isinstance(raw.get("kid"), str):
                keys[raw["kid"]] = (key, channels)
        self._keys = keys
        self._fetched_at = self.monotonic()
        log.info("teams signing keys fetched", extra={"keys": len(keys)})

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
        return self._session

    async def close(self) -> None:
        """Release the HTTP connections."""
        if self._session is not None:
            await self._session.close()


class TokenValidator:
    """Checks a Bot Framework token: signature, issuer, audience, expiry, service URL claim."""

    def __init__(self, keys: SigningKeys, app_id: str, now: Callable[[], datetime]) -> None:
        self.keys = keys
        self.app_id = app_id
        self._now = now

    async def validate(self, token: str, channel_id: str = "msteams") -> Caller:
        """The caller the token vouches for; raises AuthError for anything else."""
        try:
            header = jwt.get_unverified_header(token)
        except InvalidTokenError as error:
            raise AuthError("not a JWT") from error
        kid = header.get("kid")
        if header.get("alg") != "RS256" or not isinstance(kid, str):
            raise AuthError("unexpected signing algorithm or key id")
        found = await self.keys.key(kid)
        if found is None:
            raise AuthError("unknown signing key")
        key, endorsements = found
        if endorsements is not None and channel_id not in endorsements:
            raise AuthError("signing key not endorsed for this channel")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key.key,
                algorithms=["RS256"],
                audience=self.app_id,
                issuer=ISSUER,
                # Times are checked below against the injected clock.
                options={
                    "require": ["exp", "iss", "aud"],
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                },
            )
        except InvalidTokenError as error:
            raise AuthError(type(error).__name__) from error
        now = self._now().timestamp()
        if not _number(claims.get("exp")) or claims["exp"] + LEEWAY_SECONDS < now:
            raise AuthError("token expired")
        nbf = claims.get("nbf")
        if nbf is not None and (not _number(nbf) or nbf - LEEWAY_SECONDS > now):
            raise AuthError("token not valid yet")
        service_url = claims.get("serviceurl")
        if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")):
            raise AuthError("token names no service URL")
        return Caller(service_url=service_url, claims=claims)


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


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
