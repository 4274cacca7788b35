"""Housekeeping: delivered messages lose their text, old event ids, abandoned forms and
ended web sign-ins go.

The outbox holds whole messages — a handover's question, a knelpunt's
description — until they are delivered. Afterwards only the row is needed (its
dedupe key keeps a message from ever being queued twice), so its text is
removed after `housekeeping.outbox_text_days`. Runs at most once an hour.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import String, cast, or_, update

from core import conversation, events
from core.outbox import OutboxMessage
from directory import signin
from handlers.base import Deps, Registry

ORDER = 200
EVERY = timedelta(hours=1)
_LAST_RUN = "housekeeping.last_run"
# Web sign-in links and sessions are kept this long after they ended (the audit log keeps
# every sign-in for good).
WEB_SIGNIN_KEPT = timedelta(days=1)

log = logging.getLogger("krokodil.housekeeping")


async def tidy(deps: Deps, now: datetime) -> int:
    """Remove delivered messages' text, forgotten event ids, expired forms and ended web
    sign-ins; returns rows."""
    last = deps.extras.get(_LAST_RUN)
    if isinstance(last, datetime) and now - last < EVERY:
        return 0
    deps.extras[_LAST_RUN] = now
    cutoff = now - timedelta(days=deps.settings.housekeeping.outbox_text_days)
    async with deps.uow() as uow:
        session = uow.session
        emptied = await session.execute(
            update(OutboxMessage)
            .where(
                or_(OutboxMessage.sent_at < cutoff, OutboxMessage.failed_at < cutoff),
                cast(OutboxMessage.payload, String) != "{}",
            )
            .values(payload={})
            .execution_options(synchronize_session=False)
        )
        forgotten = await events.forget_older_than(session, now - events.RETRY_HORIZON)
        await conversation.expire(session, now)
        signins = await signin.forget_old(session, now, WEB_SIGNIN_KEPT)
        await uow.commit()
    done = int(getattr(emptied, "rowcount", 0) or 0) + forgotten + signins
    if done:
        log.info("housekeeping", extra={"rows": done})
    return done


def register(registry: Registry) -> None:
    """Add the hourly housekeeping."""
    registry.ticker("housekeeping", tidy)
