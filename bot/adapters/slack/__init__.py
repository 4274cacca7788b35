"""Slack: Bolt for Python (AsyncApp) over HTTP or Socket Mode, rendering replies as Block Kit."""

from __future__ import annotations

from bot.adapters.slack.app import SlackAdapter, check_config

__all__ = ["SlackAdapter", "check_config"]
