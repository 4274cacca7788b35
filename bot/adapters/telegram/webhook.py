"""POST /telegram/webhook on the bot's own aiohttp server: check the secret, read the update.

Telegram sends the secret given to setWebhook in a header with every update; a
request without it is refused before its body is read. A body that is not an
update is a 400, never a 500 (Telegram would only resend it). The 200 may carry the
answer itself, as one Bot API call that Telegram carries out (``outbound.WebhookAnswer``).
A person's text in a private chat, most of what arrives, is read straight from the JSON
(``inbound.private_text``) and skips python-telegram-bot's objects and update processing;
everything else goes through PTB.
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from telegram import Bot, Update

from bot.adapters.telegram import inbound
from bot.adapters.telegram.outbound import WEBHOOK_ANSWER, WebhookAnswer

log = logging.getLogger("krokodil.telegram")

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

Process = Callable[[Update], Awaitable[None]]
Direct = Callable[[inbound.PrivateText], Awaitable[None]]
Ready = Callable[[], bool]


def secret_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; no configured secret accepts nothing."""
    if not given or not expected:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("utf-8"))


def parse_update(body: bytes, bot: Bot) -> Update | inbound.PrivateText | None:
    """The update in a request body (a private text without PTB), or None when not one."""
    try:
        payload: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict):
        return None
    reason = inbound.problem(payload)
    if reason is not None:
        log.warning("malformed telegram update: %s", reason)
        return None
    direct = inbound.private_text(payload)
    if direct is not None:
        return direct
    try:
        return Update.de_json(payload, bot)
    except Exception:  # PTB raises several kinds for missing or mistyped fields
        return None


class TelegramWebhook:
    """The aiohttp handler in front of python-telegram-bot's update processing."""

    def __init__(
        self, secret: str | None, bot: Bot, process: Process, ready: Ready, direct: Direct
    ) -> None:
        self.secret = secret
        self.bot = bot
        self.process = process
        self.ready = ready
        self.direct = direct

    def add_routes(self, web_app: web.Application) -> None:
        """Register POST /telegram/webhook."""
        web_app.router.add_post(WEBHOOK_PATH, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        """Check the secret, read the update, process it; 403 / 400 / 503 for bad requests."""
        if not secret_matches(request.headers.get(SECRET_HEADER), self.secret):
            return web.json_response({"ok": False, "error": "forbidden"}, status=403)
        update = parse_update(await request.read(), self.bot)
        if update is None:
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        if not self.ready():
            # Not started yet (or stopping): Telegram keeps the update and sends it again.
            return web.json_response({"ok": False, "error": "not ready"}, status=503)
        answer = WebhookAnswer()
        token = WEBHOOK_ANSWER.set(answer)
        try:
            if isinstance(update, Update):
                await self.process(update)
            else:
                await self.direct(update)
        except Exception:
            # Processing failures are ours; a resend would be deduplicated anyway.
            update_id = (
                update.update_id if isinstance(update, Update) else update.invocation.event_id
            )
            log.exception("telegram update failed", extra={"update_id": update_id})
        finally:
            answer.open = False
            WEBHOOK_ANSWER.reset(token)
        # A one-message answer rides on the response: Telegram sends it (see outbound).
        return web.json_response(answer.call or {"ok": True})
