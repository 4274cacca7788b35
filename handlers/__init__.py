"""Platform-neutral use cases, one module per capability."""

from __future__ import annotations

from handlers.base import Registry


def build_registry() -> Registry:
    """Every capability registers its commands, buttons, forms and timers here."""
    from handlers import help as help_

    registry = Registry()
    for capability in (help_,):
        capability.register(registry)
    return registry
