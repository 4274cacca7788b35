"""Who a Teams user is: the directory account (aadObjectId), else the e-mail Teams knows.

The dispatcher links an unlinked account to the directory person with the same e-mail
address, so an invocation from a stranger carries the e-mail (or, without one, the user
principal name) that the Bot Connector's members API returns. Accounts already linked
need no lookup; profiles are cached (an hour; a miss for a minute).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable

from bot.adapters.base import DeliveryError
from bot.adapters.teams.inbound import Origin
from bot.adapters.teams.outbound import Connector
from core.db import UnitOfWorkFactory
from directory.identity import IdentityRepository

log = logging.getLogger("krokodil.teams.identity")


class Profiles:
    """E-mail hints for Teams users the directory does not know by account yet."""

    def __init__(
        self,
        connector: Connector,
        uow: UnitOfWorkFactory,
        *,
        ttl: float = 3600.0,
        miss_ttl: float = 60.0,
        timeout: float = 2.0,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.connector = connector
        self.uow = uow
        self.ttl = ttl
        self.miss_ttl = miss_ttl
        self.timeout = timeout
        self._monotonic = monotonic
        self._linked: set[str] = set()
        self._entries: dict[str, tuple[float, str | None]] = {}

    async def email_hint(self, where: Origin) -> str | None:
        """The e-mail (or UPN) to link this user by; None when linked already or unknown."""
        if where.account in self._linked:
            return None
        async with self.uow() as uow:
            known = await uow.repo(IdentityRepository).person_for_account("teams", where.account)
        if known is not None:
            self._linked.add(where.account)
            return None
        entry = self._entries.get(where.account)
        if entry is not None and entry[0] >= self._monotonic():
            return entry[1]
        email = await self._lookup(where)
        ttl = self.ttl if email else self.miss_ttl
        self._entries[where.account] = (self._monotonic() + ttl, email)
        return email

    async def _lookup(self, where: Origin) -> str | None:
        try:
            async with asyncio.timeout(self.timeout):
                member = await self.connector.member(
                    where.service_url, where.conversation_id, where.user_id
                )
        except (DeliveryError, TimeoutError) as error:
            log.warning("teams member not looked up: %s", type(error).__name__)
            return None
        if member is None:
            return None
        found = member.email or member.user_principal_name
        return found.strip().lower() if found and "@" in found else None

    def forget(self, account: str) -> None:
        """Forget what is known about an account (e.g. after it was unlinked)."""
        self._linked.discard(account)
        self._entries.pop(account, None)
