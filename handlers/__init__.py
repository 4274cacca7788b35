"""Platform-neutral use cases, one package per capability.

A capability is a subpackage here (``handlers/handover/``) or a single module
(``handlers/help.py``) with a ``register(registry)`` function; its ``ORDER``
(default 100) places its commands in /help. Shared modules (``base``,
``channels``) have no ``register``. Discovery keeps capabilities from editing a
shared list.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from handlers.base import Registry


def capabilities() -> list[ModuleType]:
    """Every capability package or module, in /help order."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            found.append(module)
    return sorted(found, key=lambda m: (getattr(m, "ORDER", 100), m.__name__))


def build_registry() -> Registry:
    """Collect every capability's commands, buttons, forms and timers."""
    registry = Registry()
    for module in capabilities():
        module.register(registry)
    return registry
