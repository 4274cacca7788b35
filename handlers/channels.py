"""Configured channels ("platform:chat" in config.toml) as outbox recipients."""

from __future__ import annotations

import logging
from typing import cast

from core.messages import Platform, Recipient

log = logging.getLogger("krokodil.channels")

PLATFORMS = ("console", "slack", "telegram", "teams")


def channel_recipient(spec: str) -> Recipient | None:
    """'slack:C0123' → a channel recipient; empty or malformed → None (malformed is logged)."""
    platform, _, chat = spec.strip().partition(":")
    if not spec.strip():
        return None
    if platform not in PLATFORMS or not chat:
        log.warning("ignoring channel setting that is not 'platform:chat'", extra={"value": spec})
        return None
    return Recipient(platform=cast(Platform, platform), chat=chat)
