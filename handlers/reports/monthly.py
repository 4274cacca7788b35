"""/rapport and the monthly post: how the network is doing, in totals only.

Asked for by oliemannetjes, procesregisseurs and admins; posted once a month in
the configured channel (claimed in report_posts, queued with a dedupe key).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import Forbidden, UserError
from core.messages import Reply
from core.outbox import enqueue
from directory.models import Person
from handlers.base import Command, Deps
from handlers.channels import channel_recipient
from reports.models import ReportPost
from reports.period import Month

if TYPE_CHECKING:
    from core.i18n import Translator
    from reports.publish import Published

ROLES = ("oliemannetje", "procesregisseur")
MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("januari", "january", "jan"),
            ("februari", "february", "feb"),
            ("maart", "march", "mrt", "mar"),
            ("april", "apr"),
            ("mei", "may"),
            ("juni", "june", "jun"),
            ("juli", "july", "jul"),
            ("augustus", "august", "aug"),
            ("september", "sep", "sept"),
            ("oktober", "october", "okt", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}

log = logging.getLogger("krokodil.reports")


def parse_month(text: str, now: datetime, timezone: str) -> Month:
    """'' → last month; '2026-11'; 'november' → the most recent November that has begun."""
    current = Month.of(now, timezone)
    word = text.strip().lower()
    if not word:
        return current.previous()
    if word in ("deze", "nu", "this", "current"):
        return current
    if word in MONTH_NAMES:
        month = Month(current.year, MONTH_NAMES[word])
        return month if month <= current else Month(current.year - 1, month.month)
    month = Month.parse(word)
    if month > current:
        # A typo in the year would otherwise give a report of zeros that looks real.
        raise UserError(
            "{month} is nog niet begonnen: er is nog niets te tellen.", month=str(month)
        )
    return month


async def report(cmd: Command, deps: Deps) -> Reply:
    """/rapport [maand]: the network report with its trend chart."""
    assert cmd.actor is not None
    if not (
        cmd.actor.is_admin or set(cmd.actor.roles) & set(ROLES) or await _listed_admin(cmd, deps)
    ):
        raise Forbidden("Het netwerkrapport is voor oliemannetjes, procesregisseurs en beheerders.")
    month = parse_month(cmd.args, cmd.now, deps.settings.bot.timezone)
    async with deps.uow() as uow:
        done = await _publish(uow.session, month, cmd.now, deps, cmd.tr)
    return Reply(
        title=done.title,
        text=done.text,
        attachments=(done.attachment(),),
        data={"month": str(month), "missing": list(done.report.missing)},
    )


async def _publish(
    session: AsyncSession, month: Month, now: datetime, deps: Deps, tr: Translator
) -> Published:
    # The report's figures, text and chart load when a report is made, not with every
    # command line start that builds the registry (0.01 s).
    from reports.build import ReportOptions
    from reports.publish import publish

    return await publish(session, month, now, ReportOptions.from_settings(deps.settings), tr)


async def _listed_admin(cmd: Command, deps: Deps) -> bool:
    admins = {a.lower() for a in deps.settings.bot.admins}
    if not admins:
        return False
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
    return person is not None and (person.email or "").lower() in admins


def due_month(now: datetime, timezone: str, post_day: int, post_hour: int) -> Month | None:
    """Last month, once this month's posting moment has come; else None."""
    local = now.astimezone(ZoneInfo(timezone))
    if (local.day, local.hour) < (post_day, post_hour):
        return None
    return Month(local.year, local.month).previous()


async def post_monthly(deps: Deps, now: datetime) -> int:
    """Ticker: post last month's report in the configured channel, exactly once."""
    config = deps.settings.reports
    target = channel_recipient(config.channel)
    month = due_month(now, deps.settings.bot.timezone, config.post_day, config.post_hour)
    if target is None or month is None:
        return 0
    async with deps.uow() as uow:
        if await uow.session.get(ReportPost, str(month)) is not None:
            return 0
        try:
            # The claim: whoever inserts the month's row posts it; everyone else stops here.
            async with uow.session.begin_nested():
                uow.session.add(
                    ReportPost(month=str(month), channel=config.channel, claimed_at=now)
                )
                await uow.session.flush()
        except IntegrityError:
            return 0
        done = await _publish(
            uow.session, month, now, deps, deps.translator(deps.settings.bot.language)
        )
        await enqueue(
            uow.session,
            target,
            Reply(title=done.title, text=done.text, attachments=(done.attachment(),)),
            now=now,
            kind="report.monthly",
            dedupe_key=f"report:{month}",
        )
        record(
            uow.session,
            at=now,
            actor=person_actor(None),
            action="report.posted",
            object_type="report",
            object_id=str(month),
            origin=target.platform or "",
        )
        await uow.commit()
    log.info("monthly report queued", extra={"month": str(month)})
    return 1
