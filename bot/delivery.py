"""The outbox worker: deliver queued messages through the adapters, retrying failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import datetime

from bot.adapters.base import Adapter, DeliveryError, Target, Undeliverable
from bot.metrics import Metrics
from core import outbox
from core.audit import person_actor, record
from core.clock import Clock
from core.db import UnitOfWork, UnitOfWorkFactory, database_away
from core.messages import Recipient, Reply
from directory.identity import IdentityRepository
from directory.models import Person

log = logging.getLogger("krokodil.delivery")

# When a person has several linked accounts, the first platform here that runs gets the message.
PLATFORM_PREFERENCE = ("slack", "telegram", "teams", "console")
# Reply.data key: platforms a message to a person must not be delivered on.
AVOID_PLATFORMS = "avoid_platforms"
# Reply.data key: {"person_id": …, "text": …}, said once to that person (e.g. a handover's
# sender) when the platform refuses the message for good (adapters raise Undeliverable).
UNDELIVERABLE_NOTICE = "undeliverable_notice"


class Delivery:
    """Sends due outbox rows; one pass per wake-up or tick."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        adapters: Mapping[str, Adapter],
        metrics: Metrics,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.adapters = adapters
        self.metrics = metrics
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    def wake(self) -> None:
        """Ask for a delivery pass soon (called after handlers queue messages)."""
        self._wake.set()

    async def run_once(self, limit: int = 50) -> int:
        """Deliver what is due now, one message per transaction; returns how many were sent.

        Each send is committed before the next one starts: if the process dies, only the
        message that was on the wire can go out twice (at-least-once), never a whole batch.
        """
        sent = 0
        now = self.clock.now()
        for _ in range(limit):
            async with self.uow() as uow:
                rows = await outbox.due(uow.session, now, 1)
                if not rows:
                    break
                row = rows[0]
                try:
                    where = await self._deliver(uow, row)
                except Exception as error:  # any failure of one message must not stop the others
                    reason = (
                        str(error) if isinstance(error, DeliveryError) else type(error).__name__
                    )
                    outbox.mark_failed_attempt(row, now, reason)
                    if isinstance(error, Undeliverable):
                        await _tell_sender(uow, row, now)
                    self.metrics.outbox_failed.labels(platform=row.platform or "person").inc()
                    log.warning("delivery failed, will retry", extra={"outbox_id": row.id})
                    await uow.commit()
                    continue
                await outbox.mark_sent(uow.session, row.id, now, where)
                await uow.commit()
            self.metrics.outbox_sent.labels(kind=row.kind, platform=where.split(":")[0]).inc()
            if "reminder" in row.kind:
                self.metrics.reminders_sent.labels(kind=row.kind).inc()
            sent += 1
        return sent

    async def _deliver(self, uow: UnitOfWork, row: outbox.OutboxMessage) -> str:
        reply = Reply.from_json(dict(row.payload))
        if row.platform and row.chat:
            adapter = self.adapters.get(row.platform)
            if adapter is None:
                raise DeliveryError(f"platform {row.platform} is not running")
            ref = await adapter.send(Target(platform=row.platform, chat=row.chat), reply)
            return f"{row.platform}:{ref}"
        if row.person_id is None:
            raise DeliveryError("outbox row without recipient")
        accounts = await uow.repo(IdentityRepository).accounts_of(row.person_id)
        by_platform = {a.platform: a for a in accounts}
        # A message may rule out platforms, e.g. a handover where Telegram is not allowed.
        avoid = set(reply.data.get(AVOID_PLATFORMS, ()))
        for platform in PLATFORM_PREFERENCE:
            if platform in avoid:
                continue
            adapter = self.adapters.get(platform)
            account = by_platform.get(platform)
            if adapter is not None and account is not None:
                ref = await adapter.send(Target(platform=platform, user=account.external_id), reply)
                return f"{platform}:{ref}"
        found = await self._link_by_email(uow, row.person_id, avoid)
        if found is not None:
            platform, external_id = found
            ref = await self.adapters[platform].send(
                Target(platform=platform, user=external_id), reply
            )
            return f"{platform}:{ref}"
        raise DeliveryError(f"person {row.person_id} has no account on a running platform")

    async def _link_by_email(
        self, uow: UnitOfWork, person_id: int, avoid: set[str]
    ) -> tuple[str, str] | None:
        """Find a never-linked person on a platform that can look people up by e-mail (Slack)."""
        person = await uow.session.get(Person, person_id)
        if person is None or not person.email:
            return None
        for platform in PLATFORM_PREFERENCE:
            adapter = self.adapters.get(platform)
            if platform in avoid or adapter is None:
                continue
            external_id = await adapter.account_for_email(person.email)
            if external_id:
                now = self.clock.now()
                await uow.repo(IdentityRepository).link(person, platform, external_id, now)
                record(
                    uow.session,
                    at=now,
                    actor=person_actor(None),
                    action="account.linked_by_email",
                    object_type="person",
                    object_id=person.id,
                    origin=platform,
                )
                return platform, external_id
        return None

    async def serve(self, interval: float = 5.0) -> None:
        """Deliver until stopped (or cancelled): on every wake-up, and every `interval` s."""
        self._stopping = False
        while not self._stopping:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            self._wake.clear()
            if self._stopping:
                return
            try:
                while await self.run_once() > 0:
                    pass
            except Exception as error:
                if database_away(error):
                    # Queued messages stay queued; the next pass after the outage sends them.
                    log.warning("delivery waits for the database: %s", type(error).__name__)
                else:
                    log.exception("delivery pass failed")

    def stop_serving(self) -> None:
        """Let `serve` return after the pass it is in (a cancel could cut a send in half)."""
        self._stopping = True
        self._wake.set()

    async def flush(self, attempts: int = 3) -> None:
        """Deliver everything due now (on shutdown, or after `krokodil say`)."""
        for _ in range(attempts):
            if await self.run_once(limit=500) == 0:
                return


async def _tell_sender(uow: UnitOfWork, row: outbox.OutboxMessage, now: datetime) -> None:
    """Queue the message's own notice for whoever is waiting on it (once per message)."""
    data = dict(row.payload).get("data")
    notice = data.get(UNDELIVERABLE_NOTICE) if isinstance(data, dict) else None
    if not isinstance(notice, dict) or not isinstance(notice.get("person_id"), int):
        return
    await outbox.enqueue(
        uow.session,
        Recipient(person_id=notice["person_id"]),
        Reply(text=str(notice.get("text") or ""), private=True),
        now=now,
        kind="delivery.undeliverable",
        dedupe_key=f"undeliverable:{row.id}",
    )
