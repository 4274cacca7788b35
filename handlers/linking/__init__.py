"""Linking chat accounts: /koppel links an account to a directory entry with a one-time code.

- ``codes``: issuing a code (for yourself, or by an admin for someone else) and redeeming it.
"""

from __future__ import annotations

import re

from core.i18n import N_
from handlers.base import CommandSpec, Registry
from handlers.linking import codes

ORDER = 90


def register(registry: Registry) -> None:
    """Add /koppel."""
    registry.command(
        CommandSpec(
            name="koppel",
            handler=codes.koppel,
            summary=N_("koppel je Telegram-account met een eenmalige code"),
            example=N_("/koppel"),
            aliases=("link",),
            public=True,
            patterns=(
                # "koppel mijn telegram", "link my Telegram account"
                re.compile(r"^\s*(?:koppel|link)\s+(?:mijn\s+|my\s+)?telegram\b", re.I),
            ),
        )
    )
