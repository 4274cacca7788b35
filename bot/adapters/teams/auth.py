"""Who may call us: Bot Framework JWTs checked against the configured OpenID metadata's keys.

The SDK's own validator fetches signing keys from a fixed Microsoft address, so inbound
tokens are checked here against the keys the configured OpenID metadata names (cached, and
fetched again when a token names a key id we do not know). The bot's own outbound token
comes from ``tokens``.
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

log = logging.getLogger("krokodil.teams")

ISSUER = "https://api.botframework.com"
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
