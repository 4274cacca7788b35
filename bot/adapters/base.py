"""The contract every chat platform adapter keeps."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from core.messages import Reply


class DeliveryError(Exception):
    """A message could not be delivered now; the outbox will try again."""


@dataclass(frozen=True)
class Target:
    """Where a rendered message goes on one platform: a user's DM or a channel."""

    platform: str
    chat: str | None = None
    user: str | None = None


class Adapter(ABC):
    """A connection to one chat platform.

    ``start`` begins taking messages (webhook routes, polling, socket), ``stop``
    stops taking new ones and lets in-flight work finish, and ``send`` delivers
    one outgoing reply (used by the outbox worker for DMs and channel posts).
    """

    name: str
    # Platforms with modal dialogs get forms whole; others answer them step by step.
    supports_modals: bool = False

    @abstractmethod
    async def start(self) -> None:
        """Begin receiving messages."""

    @abstractmethod
    async def stop(self) -> None:
        """Stop receiving and flush what is queued."""

    @abstractmethod
    async def send(self, target: Target, reply: Reply) -> str:
        """Deliver a reply; return a platform message reference. Raise DeliveryError to retry."""
