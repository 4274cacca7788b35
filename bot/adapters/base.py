"""The contract every chat platform adapter keeps, and the parts every adapter has.

A platform lives in ``bot/adapters/<platform>/`` (Slack, Telegram; Teams is cut the same
way), in the same modules with the same roles, so a reader who knows one adapter knows
them all:

``adapter.py``
    The :class:`Adapter` subclass: builds the platform client and the parts below,
    wires them together, and starts, stops and sends.
``webhook.py``
    The HTTP route on the bot's own aiohttp server: verify or authenticate a request
    and parse it. Every bad request gets its 4xx here (bad signature or secret → 401/403,
    unreadable body → 400), before anything else sees it; never a 500.
``listeners.py``
    Where the platform's SDK hands over what arrived (Bolt's listeners, PTB's update
    handler): one function per kind of event, each running inbound → dispatch → respond.
``inbound.py``
    Platform payload → :class:`core.messages.Invocation`, with the payload shape checks
    and the event id that makes a platform retry harmless.
``respond.py``
    Answering one invocation in the right place (a response URL, an ephemeral or
    private message, a thread, the chat itself), with the outbox as the fallback when
    the platform refuses (:func:`defer_to_outbox`); a private answer never lands in a
    group because a DM failed.
``render.py``
    :class:`core.messages.Reply` → the platform's message (Block Kit, Telegram HTML with
    an inline keyboard): escaping, size limits, buttons.
``outbound.py``
    Sending rendered messages: pacing, retries after rate limits, files; whatever still
    fails becomes :class:`DeliveryError`, so the outbox tries again later.
``identity.py``
    Platform account → person hints: profiles (e-mail, language) and their cache, and
    finding or completing a link to a directory person.

Anything only one platform has lives beside these under its own name (Slack's modals
and App Home, Telegram's menu and callback data). A press of a button
flows webhook → listeners → inbound → dispatcher → respond → render/outbound, each
module visited once. The console adapter (``console.py``) has no network, so it is one
module.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core import outbox
from core.messages import Recipient, Reply

if TYPE_CHECKING:
    from aiohttp import web

    from handlers.base import Deps


class DeliveryError(Exception):
    """A message could not be delivered now; the outbox will try again."""


class Undeliverable(DeliveryError):
    """The platform refused for a reason retrying soon will not fix (e.g. Teams may not start
    a chat with someone who has not installed the app). The outbox still retries, slowly,
    and the message's `Reply.data["undeliverable_notice"]` is sent once."""


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

    def add_routes(self, web_app: web.Application) -> None:
        """Add the platform's webhook route to the bot's HTTP server (``webhook.py``)."""
        # Nothing by default: the console, and Slack in Socket Mode, take no requests.
        return None

    async def account_for_email(self, email: str) -> str | None:
        """The platform account with this e-mail, for a first message to someone; None: unknown.

        Only platforms that can look people up (Slack's users.lookupByEmail) answer.
        """
        return None

    async def close(self) -> None:
        """Release connections, after the outbox was flushed at shutdown."""
        # Nothing by default: adapters whose client holds connections close them here.
        return None


async def defer_to_outbox(
    deps: Deps, recipient: Recipient, reply: Reply, *, kind: str, dedupe_key: str | None = None
) -> None:
    """An answer the platform would not take now: the outbox retries it with backoff."""
    async with deps.uow() as uow:
        await outbox.enqueue(
            uow.session, recipient, reply, now=deps.clock.now(), kind=kind, dedupe_key=dedupe_key
        )
        await uow.commit()
    deps.wake_delivery()
