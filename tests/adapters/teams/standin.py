"""A local Bot Connector and token service: the real Agents SDK client talks to it over HTTP.

It listens on 127.0.0.1 (a random port) and serves what Azure and Teams would:

- ``GET /openid`` (OpenID metadata) and ``GET /keys`` (a key set with an RSA key made here);
- ``POST /tenant/oauth2/v2.0/token`` (client credentials; checks the app id and secret);
- under ``/smba/`` the v3 conversation API: send, reply, update, members, create conversation.

Every connector call is recorded. Tests can make the next calls answer 429 (with
``Retry-After``) or another status, refuse to create a conversation with someone
(the app is not installed for them), and sign tokens with the stand-in's key or another one.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa

APP_ID = "6b2f1e1c-8d8a-4c57-9a5e-7b1f0c2d3e4f"
APP_PASSWORD = "stand-in-secret"
TENANT_ID = "0f5e8a47-1c1e-4d7b-9a3b-2d6c5e4f3a21"
KID = "standin-key-1"
BOT_ISSUER = "https://api.botframework.com"


@dataclass
class Call:
    """One connector request the bot made."""

    method: str
    path: str
    body: Any
    status: int = 200
    at: float = field(default_factory=time.monotonic)

    @property
    def conversation(self) -> str:
        """The conversation id in the path (v3/conversations/{id}/…)."""
        parts = self.path.split("/")
        return parts[2] if len(parts) > 2 else ""

    @property
    def card(self) -> dict[str, Any] | None:
        """The first Adaptive Card of a sent activity."""
        for attachment in (self.body or {}).get("attachments") or []:
            if attachment.get("contentType") == "application/vnd.microsoft.card.adaptive":
                content: dict[str, Any] = attachment["content"]
                return content
        return None

    @property
    def text(self) -> str:
        """Every text of the activity and its cards, joined (to assert on)."""
        found: list[str] = []
        _texts(self.body, found)
        return "\n".join(found)


def _texts(node: Any, found: list[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "title", "value", "label", "placeholder") and isinstance(value, str):
                found.append(value)
            else:
                _texts(value, found)
    elif isinstance(node, list):
        for item in node:
            _texts(item, found)


@dataclass
class Member:
    """A Teams user the members API knows."""

    user_id: str
    aad_object_id: str
    name: str
    email: str | None = None
    upn: str | None = None


def new_key() -> rsa.RSAPrivateKey:
    """A fresh RSA key (2048 bits)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


class ConnectorStandIn:
    """Records connector calls and answers like the Bot Connector would."""

    def __init__(self) -> None:
        self.key = new_key()
        self.kid = KID
        self.calls: list[Call] = []
        self.token_requests: list[dict[str, str]] = []
        self.key_requests = 0
        self.members: dict[str, Member] = {}
        # Users the app is not installed for: creating a 1:1 conversation with them fails.
        self.not_installed: set[str] = set()
        self._failures: list[tuple[int, float | None]] = []
        # A gate every posted activity waits at (recorded first) until the test opens it.
        self.hold: asyncio.Event | None = None
        self._issued = 0
        self._activity = 9000
        self._runner: web.AppRunner | None = None
        self._called = asyncio.Event()
        self.base_url = ""

    # -- control -------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on a random local port."""
        web_app = web.Application()
        web_app.router.add_get("/openid", self._metadata)
        web_app.router.add_get("/keys", self._keys)
        web_app.router.add_post("/tenant/oauth2/v2.0/token", self._token)
        web_app.router.add_route("*", "/smba/v3/{rest:.*}", self._connector)
        self._runner = web.AppRunner(web_app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def metadata_url(self) -> str:
        """TEAMS_OPENID_METADATA_URL for the bot."""
        return f"{self.base_url}/openid"

    @property
    def authority(self) -> str:
        """TEAMS_AUTHORITY for the bot."""
        return f"{self.base_url}/tenant"

    @property
    def service_url(self) -> str:
        """The serviceUrl Teams would name in activities and tokens."""
        return f"{self.base_url}/smba/"

    def add_member(self, member: Member) -> None:
        """Make a user known to the members API."""
        self.members[member.user_id] = member
        self.members[member.aad_object_id] = member

    def fail_next(self, status: int, times: int = 1, retry_after: float | None = None) -> None:
        """Answer the next `times` connector calls with `status` (429: with Retry-After)."""
        self._failures.extend([(status, retry_after)] * times)

    def sent(self, conversation: str | None = None) -> list[Call]:
        """Successful sends and replies (optionally to one conversation), in order."""
        return [
            c
            for c in self.calls
            if c.method == "POST"
            and "/activities" in c.path
            and c.status < 300
            and (conversation is None or c.conversation == conversation)
        ]

    def updates(self) -> list[Call]:
        """Successful activity updates."""
        return [c for c in self.calls if c.method == "PUT" and c.status < 300]

    async def wait_for(self, condition: Callable[[], bool], within: float = 5.0) -> None:
        """Wait until the condition holds (the bot sends in the background)."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError("the bot did not make the expected connector calls")
            self._called.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._called.wait(), timeout=0.1)

    # -- signing -------------------------------------------------------------------------

    def sign(
        self,
        now: float,
        *,
        audience: str = APP_ID,
        issuer: str = BOT_ISSUER,
        service_url: str | None = None,
        lifetime: float = 3600,
        key: rsa.RSAPrivateKey | None = None,
        kid: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> str:
        """A token as the Bot Connector would send it with an activity."""
        claims: dict[str, Any] = {
            "iss": issuer,
            "aud": audience,
            "serviceurl": self.service_url if service_url is None else service_url,
            "nbf": int(now) - 5,
            "iat": int(now) - 5,
            "exp": int(now + lifetime),
            **(extra or {}),
        }
        headers = {"kid": kid or self.kid}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers=headers)

    def rotate(self) -> rsa.RSAPrivateKey:
        """Sign with a new key under a new key id from now on; returns the old key."""
        old = self.key
        self.key = new_key()
        self.kid = f"{KID}-{self.key_requests + 1}"
        return old

    # -- token service -------------------------------------------------------------------

    async def _metadata(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": BOT_ISSUER,
                "authorization_endpoint": f"{self.base_url}/authorize",
                "jwks_uri": f"{self.base_url}/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
                "token_endpoint_auth_methods_supported": ["private_key_jwt"],
            }
        )

    async def _keys(self, _request: web.Request) -> web.Response:
        self.key_requests += 1
        numbers = self.key.public_key().public_numbers()
        jwk = {
            "kty": "RSA",
            "use": "sig",
            "kid": self.kid,
            "n": _b64(numbers.n),
            "e": _b64(numbers.e),
            "endorsements": ["msteams", "emulator"],
        }
        return web.json_response({"keys": [jwk]})

    async def _token(self, request: web.Request) -> web.Response:
        form = dict(await request.post())
        values = {k: str(v) for k, v in form.items()}
        self.token_requests.append(values)
        if (
            values.get("grant_type") != "client_credentials"
            or values.get("client_id") != APP_ID
            or values.get("client_secret") != APP_PASSWORD
        ):
            return web.json_response({"error": "invalid_client"}, status=401)
        self._issued += 1
        token = f"standin-token-{self._issued}"
        return web.json_response(
            {"token_type": "Bearer", "expires_in": 3599, "access_token": token}
        )

    # -- connector -----------------------------------------------------------------------

    async def _connector(self, request: web.Request) -> web.Response:
        path = "v3/" + request.match_info["rest"]
        raw = await request.read()
        body = json.loads(raw) if raw else None
        call = Call(request.method, path, body)
        self.calls.append(call)
        self._called.set()
        if self.hold is not None and call.method == "POST" and call.path.endswith("/activities"):
            await self.hold.wait()
        expected = f"Bearer standin-token-{self._issued}"
        if self._issued == 0 or request.headers.get("Authorization") != expected:
            call.status = 401
            return web.json_response({"error": {"code": "Unauthorized"}}, status=401)
        if self._failures:
            status, retry_after = self._failures.pop(0)
            call.status = status
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return web.json_response(
                {"error": {"code": "Throttled", "message": "slow down"}},
                status=status,
                headers=headers,
            )
        return self._answer(call)

    def _answer(self, call: Call) -> web.Response:
        parts = call.path.split("/")
        if call.method == "POST" and call.path == "v3/conversations":
            member = ((call.body or {}).get("members") or [{}])[0].get("id", "")
            known = self.members.get(member)
            if (
                known is None
                or member in self.not_installed
                or known.user_id in (self.not_installed)
            ):
                call.status = 403
                return web.json_response(
                    {"error": {"code": "Forbidden", "message": "app not installed"}}, status=403
                )
            return web.json_response({"id": f"a:personal-{known.aad_object_id}"}, status=201)
        if call.method == "GET" and len(parts) == 5 and parts[3] == "members":
            member = self.members.get(parts[4])
            if member is None:
                call.status = 404
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            data = {
                "id": member.user_id,
                "name": member.name,
                "aadObjectId": member.aad_object_id,
                "email": member.email,
                "userPrincipalName": member.upn,
                "tenantId": TENANT_ID,
                "userRole": "user",
            }
            return web.json_response({k: v for k, v in data.items() if v is not None})
        if call.method in ("POST", "PUT") and len(parts) >= 4 and parts[3] == "activities":
            if not isinstance(call.body, dict) or "type" not in call.body:
                call.status = 400
                return web.json_response({"error": {"code": "BadSyntax"}}, status=400)
            if call.method == "PUT":
                return web.json_response({"id": parts[4]})
            self._activity += 1
            return web.json_response({"id": str(self._activity)}, status=201)
        call.status = 404
        return web.json_response({"error": {"code": "NotFound"}}, status=404)


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")
