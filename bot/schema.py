"""Every table of the bot, for migrations and tests.

Each capability package keeps its tables in ``<package>/models.py``; importing
those modules registers the tables on the shared metadata.
"""

from __future__ import annotations

import importlib
import importlib.util

from sqlalchemy import MetaData

CORE_MODELS = ("core.audit", "core.conversation", "core.events", "core.outbox")
CAPABILITY_PACKAGES = ("directory", "handovers", "scheduler", "knelpunten", "reports", "bot")


def metadata() -> MetaData:
    """The complete metadata."""
    from core.db import Base

    for name in CORE_MODELS:
        importlib.import_module(name)
    for package in CAPABILITY_PACKAGES:
        if importlib.util.find_spec(package) and importlib.util.find_spec(f"{package}.models"):
            importlib.import_module(f"{package}.models")
    return Base.metadata
