"""The command menu Telegram shows next to the text field, from the command registry."""

from __future__ import annotations

import re

from telegram import BotCommand

from core.config import Settings
from core.i18n import Translator
from handlers.base import Registry

# Telegram's rules: 1-32 characters a-z, 0-9 and _; a description of 1-256 characters.
_NAME = re.compile(r"^[a-z0-9_]{1,32}$")
MAX_DESCRIPTION = 256
MAX_COMMANDS = 100
# The menu's languages: Dutch for everyone, English for English-language Telegram apps.
MENU_LANGUAGES: tuple[tuple[str, str | None], ...] = (("nl", None), ("en", "en"))


def menu(registry: Registry, tr: Translator, settings: Settings) -> list[BotCommand]:
    """Every command offered on Telegram, with its translated one-line summary."""
    commands: list[BotCommand] = []
    for spec in registry.offered("telegram", settings):
        if not _NAME.match(spec.name):
            continue
        description = tr.gettext(spec.summary).strip() or spec.name
        commands.append(BotCommand(spec.name, description[:MAX_DESCRIPTION]))
    return commands[:MAX_COMMANDS]
