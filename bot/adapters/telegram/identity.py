"""Who a Telegram user is: completing a directory import's @username link on first contact.

A directory import may name a Telegram user by @username only, since the numeric id
is not known until that user writes. Telegram vouches for the sender's user name, so
their first message completes the link (``directory.linking.claim_username``).
"""

from __future__ import annotations

import logging

from core.db import database_away
from directory import linking
from directory.identity import IdentityRepository
from handlers.base import Deps

log = logging.getLogger("krokodil.telegram")


class UsernameLinks:
    """Completes @username links, remembering accounts known to be linked already."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        # Accounts known to be linked: no need to look for an imported @username again.
        self._linked: set[str] = set()

    async def complete(self, account: str, username: str | None) -> None:
        """Link the account if an import named its @username; the database may be away."""
        if not username or account in self._linked:
            return
        try:
            await self._claim(account, username)
        except Exception as error:
            if not database_away(error):
                raise
            # Linking can wait; the dispatcher still answers (calmly, with the database away).
            log.warning("telegram username link skipped: %s", type(error).__name__)

    async def _claim(self, account: str, username: str) -> None:
        now = self.deps.clock.now()
        async with self.deps.uow() as uow:
            known = await uow.repo(IdentityRepository).person_for_account("telegram", account)
            if known is None:
                known_id = await linking.claim_username(
                    uow.session, "telegram", account, username, now
                )
                await uow.commit()
            else:
                known_id = known.id
        if known_id is not None:
            self._linked.add(account)
