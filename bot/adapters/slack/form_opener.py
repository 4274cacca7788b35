"""Opening forms as modals: views.open with a fresh trigger id, else a shelf and a button.

A form can only open as a modal with a fresh trigger id (a command or a click). A form
that comes from a mention or a DM (no trigger) waits on a shelf and the answer gets an
"open the form" button; the click brings the trigger.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import modals
from bot.adapters.slack.outbound import SLACK_FAILURES, error_code
from bot.dispatch import Dispatcher
from core.i18n import Translator
from core.messages import Button, Form, Invocation, Reply

log = logging.getLogger("krokodil.slack")

# The button that opens a shelved form; handled by the adapter, not by a capability.
OPEN_FORM_ACTION = "slack.open_form"
SHELF_SECONDS = 3600.0


class FormShelf:
    """Forms waiting for a click that brings a trigger id (kept in memory for an hour)."""

    def __init__(self, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._monotonic = monotonic
        self._forms: dict[str, tuple[float, Form, str]] = {}

    def put(self, form: Form, chat: str) -> str:
        """Keep a form; returns the key for the button's value."""
        now = self._monotonic()
        self._forms = {k: v for k, v in self._forms.items() if v[0] > now}
        key = secrets.token_urlsafe(12)
        self._forms[key] = (now + SHELF_SECONDS, form, chat)
        return key

    def restore(self, key: str, form: Form, chat: str) -> None:
        """Put a taken form back under its key (its button may be pressed again)."""
        self._forms[key] = (self._monotonic() + SHELF_SECONDS, form, chat)

    def __contains__(self, key: str) -> bool:
        found = self._forms.get(key)
        return found is not None and found[0] > self._monotonic()

    def take(self, key: str) -> tuple[Form, str] | None:
        """The form and its chat, once; None when unknown or expired (e.g. after a restart)."""
        found = self._forms.pop(key, None)
        if found is None or found[0] <= self._monotonic():
            return None
        return found[1], found[2]


class FormOpener:
    """Every views.open and views.update for a form, and the shelf behind the button."""

    def __init__(self, dispatcher: Dispatcher, client: AsyncWebClient) -> None:
        self.dispatcher = dispatcher
        self.client = client
        self.shelf = FormShelf()

    async def offer(
        self, inv: Invocation, reply: Reply, tr: Translator, trigger_id: str | None
    ) -> Reply | None:
        """Open the reply's form as a modal (None: done), else the reply with a form button."""
        if reply.form is None:
            return reply
        form = await self.dispatcher.with_suggestions(inv, reply.form)
        if trigger_id and await self.open(trigger_id, form, tr, inv.chat) is not None:
            return None
        key = self.shelf.put(form, inv.chat)
        label = form.title or tr.gettext("Formulier openen")
        return replace(
            reply,
            form=None,
            text=reply.text or tr.gettext("Vul het formulier in:"),
            buttons=(*reply.buttons, Button(label, OPEN_FORM_ACTION, key, "primary")),
        )

    async def open_shelved(self, key: str, trigger_id: str | None, tr: Translator) -> bool:
        """The 'open the form' button: open the shelved form; False when it did not open.

        A form Slack would not open (a trigger that expired on the way) stays on the shelf,
        so the same button works again.
        """
        found = self.shelf.take(key)
        if found is None:
            return False
        form, chat = found
        if trigger_id and await self.open(trigger_id, form, tr, chat) is not None:
            return True
        self.shelf.restore(key, form, chat)
        return False

    async def open(
        self, trigger_id: str, form: Form, tr: Translator, chat: str
    ) -> dict[str, Any] | None:
        """views.open for a form: the opened view, or None when Slack refused (stale trigger)."""
        try:
            response = await self.client.views_open(
                trigger_id=trigger_id, view=modals.form_view(form, tr, chat)
            )
        except SLACK_FAILURES as error:
            code = error_code(error) if isinstance(error, SlackApiError) else None
            log.warning("views.open failed: %s", code or type(error).__name__)
            return None
        view = response.get("view")
        return view if isinstance(view, dict) else {}

    async def refine(
        self, opened: dict[str, Any], form: Form, inv: Invocation, tr: Translator
    ) -> None:
        """Replace an instantly opened modal with one holding suggested choices, if any."""
        better = await self.dispatcher.with_suggestions(inv, form)
        if better == form or not opened.get("id"):
            return
        try:
            await self.client.views_update(
                view_id=opened["id"],
                hash=opened.get("hash"),
                view=modals.form_view(better, tr, inv.chat),
            )
        except SLACK_FAILURES as error:
            # E.g. hash_conflict: the user already moved on; the plain form still works.
            log.info("views.update skipped: %s", type(error).__name__)
