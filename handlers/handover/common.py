"""What every handover handler shares: the timer policy, the Telegram rule, and telling
someone else something through the outbox in their own language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core import outbox
from core.config import Settings
from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Recipient, Reply
from directory.models import Person
from handlers.base import Command, Deps, parse_id
from handovers.policy import TimerPolicy

# Reply.data keys the delivery worker reads (bot.delivery.AVOID_PLATFORMS, UNDELIVERABLE_NOTICE).
AVOID_PLATFORMS = "avoid_platforms"
UNDELIVERABLE_NOTICE = "undeliverable_notice"

TELEGRAM_REFUSAL = N_(
    "Warme overdrachten gaan niet via Telegram: ze gaan over een inwoner, en Telegram valt "
    "buiten de gemeente. Gebruik Slack, of bel je collega."
)

# Platforms where a group sees every step of a form and every answer (no private modals).
GROUP_VISIBLE_PLATFORMS = ("telegram",)
GROUP_REFUSAL = N_(
    "Overdrachten en regie bespreek ik alleen in een privégesprek: in een groep leest "
    "iedereen mee. Stuur mij een privébericht."
)


def policy_of(deps: Deps) -> TimerPolicy:
    """The handover timers from the settings."""
    return TimerPolicy.from_config(deps.settings.handovers, deps.settings.bot.timezone)


def kept_off(settings: Settings) -> tuple[str, ...]:
    """Platforms the municipality keeps handovers off (the commands' `CommandSpec.kept_off`)."""
    return () if settings.telegram.allow_handovers else ("telegram",)


def avoided_platforms(deps: Deps) -> tuple[str, ...]:
    """Platforms handover messages must not go to."""
    return kept_off(deps.settings)


def context_number(cmd: Command, key: str) -> int:
    """A number the bot put in a form's context; a form without it is stale or not ours."""
    submission = cmd.invocation.submission
    number = parse_id(str((submission.context.get(key) if submission else None) or ""))
    if number is None:
        raise UserError("Dit formulier is al afgerond of verlopen.")
    return number


def guard_platform(cmd: Command, deps: Deps) -> None:
    """Refuse handover work on a platform the municipality keeps handovers off, or in a
    group where everyone would read along."""
    inv = cmd.invocation
    if inv.platform in avoided_platforms(deps):
        raise UserError(TELEGRAM_REFUSAL)
    if inv.platform in GROUP_VISIBLE_PLATFORMS and not inv.is_direct:
        raise UserError(GROUP_REFUSAL)


async def tell(
    session: AsyncSession,
    deps: Deps,
    person: Person,
    build: Callable[[Translator], Reply],
    *,
    now: datetime,
    kind: str,
    key: str,
    if_undeliverable: tuple[int, str] | None = None,
) -> bool:
    """Queue a message for someone, in their language, in the caller's transaction.

    `if_undeliverable` (a person id and a text) is said to that person once when the chat
    platform refuses the message for good (e.g. Teams may not open a chat with someone).
    """
    if not person.active:
        return False  # someone who left hears nothing more; their work went on (departures)
    tr = deps.translator(person.language)
    reply = build(tr)
    data = {**reply.data, AVOID_PLATFORMS: list(avoided_platforms(deps))}
    if if_undeliverable is not None:
        data[UNDELIVERABLE_NOTICE] = {"person_id": if_undeliverable[0], "text": if_undeliverable[1]}
    reply = replace(reply, data=data)
    queued = await outbox.enqueue(
        session,
        Recipient(person_id=person.id),
        reply,
        now=now,
        kind=kind,
        dedupe_key=key,
    )
    return queued is not None


def age_text(since: datetime, now: datetime, tr: Translator) -> str:
    """How long ago, roughly: 'net', '3 uur', '2 dagen'."""
    seconds = max((now - since).total_seconds(), 0)
    hours = int(seconds // 3600)
    if hours < 1:
        return tr.gettext("net")
    if hours < 24:
        return tr.ngettext("{n} uur", "{n} uur", hours)
    days = hours // 24
    return tr.ngettext("{n} dag", "{n} dagen", days)
