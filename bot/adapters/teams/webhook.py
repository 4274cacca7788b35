"""POST /api/messages on the bot's own aiohttp server: authenticate, check, hand to the SDK.

Every request needs a Bot Framework token (``Authorization: Bearer``): signed with a key
from the OpenID metadata, issued by api.botframework.com, for our app id, not expired.
Anything else is 401 before the body is read. A body that is not an activity we can handle
is 400 (the SDK would answer 500), and an activity whose serviceUrl is not the one its
token names is 401: replies go only where a validated token says.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.web_exceptions import NotAppKeyWarning
from microsoft_agents.hosting.core.authorization import ClaimsIdentity

from bot.adapters.teams import inbound
from bot.adapters.teams.auth import AuthError, TokenValidator, bearer_token, same_service_url

log = logging.getLogger("krokodil.teams")

WEBHOOK_PATH = "/api/messages"
CLAIMS = "claims_identity"

Process = Callable[[web.Request], Awaitable[web.StreamResponse]]


def unauthorized(reason: str) -> web.Response:
    """401 with a reason that gives nothing away."""
    log.info("teams request refused: %s", reason)
    return web.json_response(
        {"error": "unauthorized"}, status=401, headers={"WWW-Authenticate": "Bearer"}
    )


def make_handler(
    validator: TokenValidator, process: Process, ready: Callable[[], bool]
) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
    """The aiohttp handler for the Teams route."""

    async def messages(request: web.Request) -> web.StreamResponse:
        token = bearer_token(request.headers.get("Authorization"))
        if token is None:
            return unauthorized("no bearer token")
        try:
            caller = await validator.validate(token)
        except AuthError as error:
            return unauthorized(str(error))
        try:
            payload, activity = inbound.parse(await request.read())
        except inbound.Malformed as error:
            return web.json_response({"error": str(error)}, status=400)
        if not same_service_url(payload["serviceUrl"], caller.service_url):
            return unauthorized("serviceUrl differs from the token's")
        if activity.channel_id and str(activity.channel_id) != "msteams":
            return web.json_response({"error": "only Microsoft Teams is served"}, status=400)
        if not ready():
            # Not started yet (or stopping): the Bot Connector sends the activity again.
            return web.json_response({"error": "not ready"}, status=503)
        identity = ClaimsIdentity(caller.claims, authentication_type="Bearer", security_token=token)
        with warnings.catch_warnings():
            # The SDK reads the claims under this plain string key (aiohttp prefers typed keys).
            warnings.simplefilter("ignore", NotAppKeyWarning)
            request[CLAIMS] = identity
        return await process(request)

    return messages
