"""Telegram: python-telegram-bot's Application behind the neutral adapter contract.

The parts every adapter has (see ``bot.adapters.base``):

- ``adapter``: the adapter; builds the Application (rate limited, on the configured Bot
  API) and wires the parts;
- ``webhook``: POST /telegram/webhook with the secret-token check;
- ``listeners``: PTB's update handler (messages, button presses, group joins);
- ``inbound``: updates as invocations (group chats: only messages for the bot);
- ``respond``: answering an update in the right chat, with the outbox as fallback;
- ``render`` and ``outbound``: replies as HTML with inline keyboards, and sending them;
- ``identity``: completing an imported @username link on a user's first message.

Telegram's own: ``callbacks`` (button payloads within 64 bytes), ``menu`` (the command
menu in Dutch and English), ``ordering`` (one update at a time per chat) and
``ratelimit`` (Telegram's flood limits).
"""

from __future__ import annotations

import sys


def _import_without_passport() -> None:
    """Import python-telegram-bot without the cryptography library.

    PTB imports cryptography whenever it is installed, only for Telegram Passport, which
    this bot never uses; it is installed for the Teams adapter's token checks. Hidden
    while PTB loads, it stays out of a bot without Teams: 8 MiB less resident memory.
    Imported later (Teams), it loads as usual.
    """
    if "telegram" in sys.modules or "cryptography" in sys.modules:
        return
    sys.modules["cryptography"] = None  # type: ignore[assignment]
    try:
        import telegram  # noqa: F401
    finally:
        if sys.modules.get("cryptography", False) is None:
            del sys.modules["cryptography"]


_import_without_passport()

from bot.adapters.telegram.adapter import TelegramAdapter  # noqa: E402

__all__ = ["TelegramAdapter"]
