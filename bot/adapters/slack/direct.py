"""Slash commands straight to our command listener, past Bolt's second parse and middleware.

By the time ``webhook`` has a slash command, its signature is checked and its body parsed
and shape-checked. For such a command Bolt would parse the body again, build a context
(with a Web API client of its own), run its middleware and match the listener with a
regular expression, start the listener as a task and look for the acknowledgement every
10 ms. Of that middleware only two parts concern a command: the ``ssl_check`` probe (a
body that has one goes to Bolt) and the single-workspace authorization, which asks
``auth.test`` once and, while that fails, answers every request with a "reinstall this
app" message. So a command goes through Bolt until Bolt's authorization has succeeded once;
after that ``DirectCommands`` calls the same listener method with Bolt's own ``AsyncAck``
(the HTTP 200's body is built exactly as Bolt builds it) and ``AsyncRespond`` (for answers
at the ``response_url``), and answers as soon as the listener acknowledges; the listener
goes on in its task after that, as it does under Bolt. Events, interactivity and modals,
Socket Mode, a JSON body and anything else go through Bolt.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.middleware.async_builtins import (
    AsyncAttachingFunctionToken,
    AsyncIgnoringSelfEvents,
    AsyncRequestVerification,
    AsyncSslCheck,
    AsyncUrlVerification,
)
from slack_bolt.middleware.async_custom_middleware import AsyncCustomMiddleware
from slack_bolt.middleware.authorization.async_single_team_authorization import (
    AsyncSingleTeamAuthorization,
)
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

log = logging.getLogger("krokodil.slack")

CommandListener = Callable[..., Awaitable[None]]
# Bolt gives a listener this long to acknowledge, then answers 404 "unhandled request".
ACK_TIMEOUT = 3.0
# What Bolt passes our command listener; a listener that asks for more goes through Bolt.
GIVEN = frozenset({"ack", "body", "respond"})
# Bolt's built-in middleware, which does nothing for a slash command once authorized.
KNOWN_MIDDLEWARE = (
    AsyncSslCheck,
    AsyncRequestVerification,
    AsyncSingleTeamAuthorization,
    AsyncIgnoringSelfEvents,
    AsyncUrlVerification,
    AsyncAttachingFunctionToken,
)


class _Ack(AsyncAck):
    """Bolt's ack, which also lets the webhook know the acknowledgement is there."""

    def __init__(self, given: asyncio.Future[BoltResponse | None]) -> None:
        super().__init__()
        self.given = given

    async def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        response = await super().__call__(*args, **kwargs)
        _settle(self.given, response)
        return response


def _one_of(middleware: object, passing: tuple[Callable[..., Awaitable[Any]], ...]) -> bool:
    """Our own middleware that passes a slash command on untouched (`passing`)."""
    return isinstance(middleware, AsyncCustomMiddleware) and middleware.func in passing


class DirectCommands:
    """Runs signed slash commands through our listener without Bolt, once Bolt has
    authorized the app; says which requests it takes (`passing`: our own Bolt middleware
    that passes a slash command on untouched)."""

    def __init__(
        self,
        bolt: AsyncApp,
        listener: CommandListener,
        pattern: re.Pattern[str],
        client: AsyncWebClient,
        *,
        passing: tuple[Callable[..., Awaitable[Any]], ...] = (),
        ack_timeout: float = ACK_TIMEOUT,
    ) -> None:
        self.listener = listener
        self.pattern = pattern
        self.client = client
        self.ack_timeout = ack_timeout
        self.answered = 0  # commands that came this way (tests and curiosity)
        middleware = list(bolt._async_middleware_list)  # no public accessor in Bolt
        self._authorization = next(
            (m for m in middleware if isinstance(m, AsyncSingleTeamAuthorization)), None
        )
        wanted = set(inspect.signature(listener).parameters)
        # Anything Bolt would do for a command that we do not: leave every command to Bolt.
        self.enabled = (
            self._authorization is not None
            and all(isinstance(m, KNOWN_MIDDLEWARE) or _one_of(m, passing) for m in middleware)
            and wanted <= GIVEN
        )
        self._running: set[asyncio.Task[None]] = set()

    def takes(self, raw: str, content_type: str, body: dict[str, Any]) -> bool:
        """A form-encoded slash command that Bolt would hand our listener unchanged."""
        command = body.get("command")
        return (
            self.enabled
            and isinstance(command, str)
            and self.pattern.search(command) is not None
            and "ssl_check" not in body
            and not content_type.startswith("application/json")
            and not raw.startswith("{")
            and self._authorized()
        )

    def _authorized(self) -> bool:
        """Bolt's single-workspace authorization has had auth.test succeed (it keeps that)."""
        return self._authorization is not None and self._authorization.auth_test_result is not None

    async def run(self, body: dict[str, Any]) -> web.Response:
        """Call the listener; the HTTP answer as soon as it acknowledges."""
        self.answered += 1
        loop = asyncio.get_running_loop()
        given: asyncio.Future[BoltResponse | None] = loop.create_future()
        ack = _Ack(given)
        respond = AsyncRespond(
            response_url=body.get("response_url"), proxy=self.client.proxy, ssl=self.client.ssl
        )
        task = asyncio.ensure_future(self.listener(ack=ack, body=body, respond=respond))
        self._running.add(task)
        task.add_done_callback(lambda done: self._finished(done, given))
        # One timer instead of asyncio.wait: what comes first, the ack, the end of the
        # listener or the timeout, settles `given` (None: no acknowledgement).
        timer = loop.call_later(self.ack_timeout, _settle, given, None)
        response = await given
        timer.cancel()
        if response is not None:
            return await to_aiohttp_response(response)
        if task.done() and not task.cancelled() and task.exception() is not None:
            return await to_aiohttp_response(BoltResponse(status=500))  # logged in _finished
        # What Bolt answers for a listener that never acknowledges.
        log.warning("slack command not acknowledged within %s s", self.ack_timeout)
        unhandled = BoltResponse(status=404, body={"error": "unhandled request"})
        return await to_aiohttp_response(unhandled)

    def _finished(
        self, task: asyncio.Task[None], given: asyncio.Future[BoltResponse | None]
    ) -> None:
        self._running.discard(task)
        _settle(given, None)
        if not task.cancelled() and task.exception() is not None:
            log.error("slack command listener failed", exc_info=task.exception())


def _settle(given: asyncio.Future[BoltResponse | None], response: BoltResponse | None) -> None:
    if not given.done():
        given.set_result(response)
