"""Who a Telegram user is: confirming a directory import's @username with a one-time code.

A directory import may name a Telegram user by @username only, since the numeric id is
not known until that user writes. User names can be changed and taken by someone else,
so the name alone links nothing: when someone with that name first writes, the person in
the directory gets a one-time code through a channel they already have (Slack, Teams, the
console; never Telegram), and sending it here with /koppel completes the link. Until then
the writer is a stranger and sees no contact details.
"""

from __future__ import annotations

import logging

from sqlalchemy import select

from core.db import database_away
from core.i18n import N_
from core.messages import Recipient, Reply
from core.outbox import OutboxMessage, enqueue
from directory import linking
from directory.identity import IdentityRepository
from directory.models import Person
from handlers.base import Deps

log = logging.getLogger("krokodil.telegram")

CONFIRM = N_(
    "Iemand met de Telegram-naam @{name} wil dat Telegram-account aan jou koppelen. Ben jij "
    "dat? Stuur dan in Telegram aan mij: /koppel {code} (de code werkt {minutes} minuten). "
    "Was jij het niet, doe dan niets: er wordt niets gekoppeld."
)


class UsernameLinks:
    """Sends the confirmation code for imported @usernames, once per account."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        # Accounts already handled (linked, or a code sent): no need to look for an import again.
        self._linked: set[str] = set()

    async def complete(self, account: str, username: str | None) -> None:
        """Offer the link if an import named the writer's @username; the database may be away."""
        if not username or account in self._linked:
            return
        try:
            await self._offer(account, username)
        except Exception as error:
            if not database_away(error):
                raise
            # Linking can wait; the dispatcher still answers (calmly, with the database away).
            log.warning("telegram username link skipped: %s", type(error).__name__)

    async def _offer(self, account: str, username: str) -> None:
        now = self.deps.clock.now()
        async with self.deps.uow() as uow:
            session = uow.session
            if await IdentityRepository(session).person_for_account("telegram", account):
                self._linked.add(account)
                return
            placeholder = await linking.username_placeholder(session, "telegram", account, username)
            if placeholder is None:
                return
            key = f"link:username:{placeholder.person_id}:{account}"[:200]
            if await session.scalar(
                select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)
            ):
                self._linked.add(account)
                return
            person = await session.get(Person, placeholder.person_id)
            if person is None or not person.active:
                return
            issued = await linking.issue(
                session,
                person.id,
                issued_by=person.id,
                now=now,
                origin="telegram",
                for_account=("telegram", account),
            )
            tr = self.deps.translator(person.language)
            minutes = int(linking.CODE_LIFETIME.total_seconds() // 60)
            text = tr.gettext(CONFIRM, name=username.lstrip("@"), code=issued.code, minutes=minutes)
            # Never to Telegram: the code must come through a channel the person already has.
            reply = Reply(text=text, data={"avoid_platforms": ["telegram"]})
            await enqueue(
                session,
                Recipient(person_id=person.id),
                reply,
                now=now,
                kind="link.username",
                dedupe_key=key,
            )
            await uow.commit()
        self._linked.add(account)
        self.deps.wake_delivery()
