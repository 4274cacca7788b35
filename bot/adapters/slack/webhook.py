"""POST /slack/events: verify Slack's signature, check the payload's shape, hand it on.

Verification uses slack_sdk's SignatureVerifier (HMAC over the raw body, at
most five minutes old) before anything is parsed, so a forged or replayed
request gets 401 and nothing happens. A signed body we cannot read gets 400. Slack's
``ssl_check=1`` probe, which carries nothing, is answered 200 first, as Bolt does.
A slash command goes straight to our listener (``direct``) when it can; everything
else goes into Bolt.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot.adapters.slack.direct import DirectCommands
from bot.adapters.slack.inbound import problem

log = logging.getLogger("krokodil.slack.webhook")

PATH = "/slack/events"


class BadPayload(ValueError):
    """A signed request body that is not a Slack payload."""


def parse_body(raw: str, content_type: str) -> dict[str, Any]:
    """The request body as a dict: JSON (events) or a form (commands, `payload=` interactions)."""
    try:
        if content_type.startswith("application/json"):
            body = json.loads(raw)
        else:
            form = {k: v[-1] for k, v in parse_qs(raw, keep_blank_values=True).items()}
            body = json.loads(form["payload"]) if "payload" in form else form
    except (ValueError, KeyError) as error:
        raise BadPayload("body is neither JSON nor a Slack form") from error
    if not isinstance(body, dict):
        raise BadPayload("body is not an object")
    return body


def is_ssl_check(raw: bytes, content_type: str) -> bool:
    """A form body `ssl_check=1` (with at most Slack's verification token), nothing else."""
    if content_type.startswith("application/json") or len(raw) > 1000 or b"ssl_check" not in raw:
        return False
    try:
        form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    except UnicodeDecodeError:
        return False
    return form.get("ssl_check") == ["1"] and set(form) <= {"ssl_check", "token"}


class SlackWebhook:
    """The aiohttp handler in front of a Bolt app (and of our slash command listener)."""

    def __init__(
        self, bolt: AsyncApp, signing_secret: str, commands: DirectCommands | None = None
    ) -> None:
        self.bolt = bolt
        self.verifier = SignatureVerifier(signing_secret)
        self.commands = commands

    def add_routes(self, web_app: web.Application) -> None:
        """Register POST /slack/events (events, commands and interactivity share it)."""
        web_app.router.add_post(PATH, self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Verify, check, dispatch through Bolt; 401 for bad signatures, 400 for bad bodies."""
        raw = await request.read()
        if is_ssl_check(raw, request.content_type):
            # Slack's certificate check when a command URL is saved: it carries no data and
            # starts nothing, and Slack refuses the URL unless it gets 200 (as Bolt does).
            return web.Response(status=200)
        if not self._signed(raw, request):
            log.warning("slack request with a bad or stale signature refused")
            return web.json_response({"error": "invalid signature"}, status=401)
        try:
            text = raw.decode("utf-8")
            body = parse_body(text, request.content_type)
        except (UnicodeDecodeError, BadPayload):
            return web.json_response({"error": "malformed payload"}, status=400)
        reason = problem(body)
        if reason is not None:
            log.warning("malformed slack payload: %s", reason)
            return web.json_response({"error": "malformed payload"}, status=400)
        if self.commands is not None and self.commands.takes(text, request.content_type, body):
            return await self.commands.run(body)
        try:
            bolt_request = AsyncBoltRequest(
                body=text, query=request.query_string, headers=dict(request.headers)
            )
        except (TypeError, ValueError, KeyError, AttributeError):
            # Bolt reads fields (channel, team, enterprise …) our shape check does not know.
            log.warning("malformed slack payload: bolt cannot read it")
            return web.json_response({"error": "malformed payload"}, status=400)
        response = await self.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(response)

    def _signed(self, raw: bytes, request: web.Request) -> bool:
        try:
            return self.verifier.is_valid(
                body=raw,
                timestamp=request.headers.get("X-Slack-Request-Timestamp"),
                signature=request.headers.get("X-Slack-Signature"),
            )
        except (ValueError, TypeError):
            # A non-numeric timestamp is as bad as a wrong signature.
            return False
