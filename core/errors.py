"""Errors whose message is safe to show to the user who caused them."""

from __future__ import annotations

from typing import Any


class UserError(Exception):
    """A mistake by the user: the message is an untranslated msgid plus format values.

    The dispatcher translates it into the user's language and answers with it;
    it is never logged with its values, as those may echo user input.
    """

    def __init__(self, msgid: str, *, form_field: str | None = None, **values: Any) -> None:
        super().__init__(msgid)
        self.msgid = msgid
        self.values = values
        # The form field the mistake is in, so a modal can show the message next to it.
        self.form_field = form_field
        # The asker's language, set by the dispatcher once it knows who is asking.
        self.language: str | None = None


class NotRegistered(UserError):
    """The action needs a registered professional and the account is not linked to one."""


class Forbidden(UserError):
    """The user is registered but may not do this."""
