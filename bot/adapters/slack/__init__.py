"""Slack: Bolt for Python (AsyncApp) over HTTP or Socket Mode, rendering replies as Block Kit.

The parts every adapter has (see ``bot.adapters.base``):

- ``adapter``: the adapter; builds the Web API client and the Bolt app and wires the parts;
- ``webhook``: POST /slack/events, signature check and payload shape check, then Bolt;
- ``direct``: signed slash commands straight to their listener, past Bolt's middleware;
- ``listeners``: Bolt's listeners (commands, buttons, modal submissions, mentions, DMs,
  App Home), acknowledging within Slack's three seconds;
- ``inbound``: payloads as invocations, and the shape checks;
- ``respond``: answering in the right place (response_url, DM, ephemeral, thread);
- ``render`` and ``outbound``: replies as Block Kit, and sending them (pacing, files);
- ``identity``: users.info profiles (e-mail, locale) and users.lookupByEmail.

Slack's own: ``modals`` (forms as modal views and back), ``form_opener`` (views.open,
and the shelf for forms without a trigger id) and ``home`` (the App Home).
"""

from __future__ import annotations

from bot.adapters.slack.adapter import SlackAdapter, check_config

__all__ = ["SlackAdapter", "check_config"]
