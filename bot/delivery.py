"""The outbox worker: deliver queued messages through the adapters, retrying failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping

from bot.adapters.base import Adapter, DeliveryError, Target
from bot.metrics import Metrics
from core import outbox
from core.clock import Clock
from core.db import UnitOfWork, UnitOfWorkFactory
from core.messages import Reply
from directory.identity import IdentityRepository

log = logging.getLogger("krokodil.delivery")

# When a person has several linked accounts, the first platform here that runs gets the message.
PLATFORM_PREFERENCE = ("slack", "telegram", "teams", "console")


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

    def wake(self) -> None:
        """Ask for a delivery pass soon (called after handlers queue messages)."""
        self._wake.set()

    async def run_once(self, limit: int = 50) -> int:
        """Deliver what is due now; returns how many were sent."""
        sent = 0
        now = self.clock.now()
        async with self.uow() as uow:
            rows = await outbox.due(uow.session, now, limit)
            for row in rows:
                try:
                    where = await self._deliver(uow, row)
                except Exception as error:  # any failure of one message must not stop the others
                    reason = (
                        str(error) if isinstance(error, DeliveryError) else type(error).__name__
                    )
                    outbox.mark_failed_attempt(row, now, reason)
                    self.metrics.outbox_failed.labels(platform=row.platform or "person").inc()
                    log.warning("delivery failed, will retry", extra={"outbox_id": row.id})
                    continue
                await outbox.mark_sent(uow.session, row.id, now, where)
                self.metrics.outbox_sent.labels(kind=row.kind, platform=where.split(":")[0]).inc()
                sent += 1
            await uow.commit()
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
        for platform in PLATFORM_PREFERENCE:
            adapter = self.adapters.get(platform)
            account = by_platform.get(platform)
            if adapter is not None and account is not None:
                ref = await adapter.send(Target(platform=platform, user=account.external_id), reply)
                return f"{platform}:{ref}"
        raise DeliveryError(f"person {row.person_id} has no account on a running platform")

    async def serve(self, interval: float = 5.0) -> None:
        """Deliver until cancelled: on every wake-up, and every `interval` seconds for retries."""
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=interval)
            self._wake.clear()
            try:
                while await self.run_once() > 0:
                    pass
            except Exception:
                log.exception("delivery pass failed")

    async def flush(self, attempts: int = 3) -> None:
        """Deliver everything due now (on shutdown, or after `krokodil say`)."""
        for _ in range(attempts):
            if await self.run_once(limit=500) == 0:
                return
