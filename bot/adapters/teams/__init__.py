"""Microsoft Teams: the Microsoft 365 Agents SDK behind the neutral adapter contract.

- ``webhook``: POST /api/messages: JWT authentication and shape checks (401/400 here);
- ``listeners``: the SDK's turn handler, one method per kind of activity;
- ``auth``: inbound token validation against the OpenID metadata's keys; ``tokens``: the
  bot's own client-credentials token from the configured authority;
- ``inbound``: activities as invocations; ``render`` and ``cards``: replies as Adaptive Cards;
- ``outbound``: connector calls, paced per conversation and per app, retried;
- ``respond``: answering in the right place (contact details only privately);
- ``presses``: card actions answered in the invoke response;
- ``identity``: e-mail hints from the members API; ``references``: where to write later;
- ``manifest``: the Teams app package; ``adapter``: the adapter that ties them together.
"""

from __future__ import annotations

from bot.adapters.teams.adapter import TeamsAdapter

__all__ = ["TeamsAdapter"]
