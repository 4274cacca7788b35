"""Platform-neutral use cases, one module per capability.

Every module here with a ``register(registry)`` function is a capability; its
``ORDER`` (default 100) places its commands in /help. Discovery keeps
capabilities from editing a shared list.
"""

from __future__ import annotations

import importlib
import pkgutil

from handlers.base import Registry


def build_registry() -> Registry:
    """Collect every capability's commands, buttons, forms and timers."""
    modules = []
    for info in pkgutil.iter_modules(__path__):
        if info.name == "base" or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            modules.append(module)
    registry = Registry()
    for module in sorted(modules, key=lambda m: (getattr(m, "ORDER", 100), m.__name__)):
        module.register(registry)
    return registry
