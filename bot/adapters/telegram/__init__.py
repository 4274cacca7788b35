"""Telegram: python-telegram-bot's Application behind the neutral adapter contract.

- ``wiring``: the Application on the configured Bot API, with rate limiting;
- ``inbound``: updates as invocations (group chats: only messages for the bot);
- ``render`` and ``outbound``: replies as HTML with inline keyboards;
- ``responder``: answering an update in the right chat, with the outbox as fallback;
- ``ordering``: one update at a time per chat;
- ``callbacks``: button payloads within 64 bytes;
- ``webhook``: POST /telegram/webhook with the secret-token check;
- ``menu``: the command menu (setMyCommands) in Dutch and English;
- ``adapter``: the adapter that ties them together.
"""

from __future__ import annotations

from bot.adapters.telegram.adapter import TelegramAdapter

__all__ = ["TelegramAdapter"]
