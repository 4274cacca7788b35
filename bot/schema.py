"""Every table of the bot, for migrations and tests.

Each capability package keeps its tables in ``<package>/models.py``; importing
those modules registers the tables on the shared metadata.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

from sqlalchemy import MetaData

CORE_MODELS = ("core.audit", "core.conversation", "core.events", "core.inbox", "core.outbox")
CAPABILITY_PACKAGES = ("directory", "handovers", "scheduler", "knelpunten", "reports", "bot")


def metadata() -> MetaData:
    """The complete metadata."""
    from core.db import Base

    for name in CORE_MODELS:
        importlib.import_module(name)
    for package in CAPABILITY_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            continue
        # models.py, and models_<part>.py where a capability adds tables to another's package.
        for folder in spec.submodule_search_locations:
            for path in sorted(Path(folder).glob("models*.py")):
                importlib.import_module(f"{package}.{path.stem}")
    return Base.metadata
