"""Cases whose regie-holder left and that nobody accepted: regie is never with nobody.

Such a case keeps the leaver in its one regie column until someone accepts a handover or
an oliemannetje, procesregisseur or admin takes it over (``/regie overnemen 12``, or the
button); meanwhile the oliemannetjes of its domain are told (``tell_orphans``, run by the
departures ticker) and ``/regie`` lists it for them.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import Forbidden, UserError
from core.i18n import Translator
from core.messages import Button, Reply
from directory.models import Person, Theme
from handlers.base import Command, Deps, parse_id
from handlers.handover.common import tell
from handlers.handover.people import person_of
from handovers.machine import State
from handovers.models import Handover, HandoverCase
from handovers.repository import HandoverRepository
from knelpunten.repository import KnelpuntRepository

TAKE_OVER_ROLES = ("oliemannetje", "procesregisseur")
TAKE_OVER_ACTION = "handover.take_over"


async def orphaned_cases(session: AsyncSession, limit: int = 200) -> list[HandoverCase]:
    """Open cases whose regie-holder left and that no handover is on its way for."""
    open_handover = exists().where(
        and_(Handover.case_id == HandoverCase.id, Handover.state == State.OPEN)
    )
    rows = await session.scalars(
        select(HandoverCase)
        .join(Person, Person.id == HandoverCase.regie_holder_id)
        .where(HandoverCase.closed_at.is_(None), Person.active.is_(False), ~open_handover)
        .order_by(HandoverCase.id)
        .limit(limit)
    )
    return list(rows)


async def domains_of(session: AsyncSession, case: HandoverCase) -> list[str]:
    """The domains of a case's themes (empty: unknown)."""
    if not case.themes:
        return []
    rows = await session.scalars(select(Theme.domain).where(Theme.key.in_(case.themes)))
    return sorted(set(rows))


async def oliemannetjes_for(
    session: AsyncSession, deps: Deps, case: HandoverCase, now: datetime
) -> list[Person]:
    """The oliemannetjes of the case's domains, else every oliemannetje, else the admins."""
    repo = KnelpuntRepository(session)
    domains = await domains_of(session, case)
    people = await repo.oliemannetjes(domains, now) if domains else []
    if not people:
        people = [
            p
            for p in await session.scalars(select(Person).where(Person.active.is_(True)))
            if p.has_role("oliemannetje")
        ]
    if not people:
        people = await repo.admins(deps.settings.bot.admins)
    return people


async def tell_orphans(session: AsyncSession, deps: Deps, now: datetime) -> int:
    """Tell the oliemannetjes about every case without an accepted regie-holder (once per
    case and last handover: a case orphaned again after a new refusal is told again)."""
    told = 0
    repo = HandoverRepository(session)
    for case in await orphaned_cases(session):
        holder = await session.get(Person, case.regie_holder_id)
        latest = await repo.latest_for_case(case.id)
        marker = latest.id if latest is not None else 0
        for person in await oliemannetjes_for(session, deps, case, now):
            queued = await tell(
                session,
                deps,
                person,
                partial(orphan_notice, case, holder),
                now=now,
                kind="departure.orphan",
                key=f"departure:orphan:{case.id}:{marker}:{person.id}",
            )
            told += queued
    return told


def orphan_notice(case: HandoverCase, holder: Person | None, tr: Translator) -> Reply:
    """What an oliemannetje hears about a case without a regie-holder."""
    return Reply(
        title=tr.gettext("Casus zonder regiehouder"),
        text=tr.gettext(
            "De regiehouder van casus #{case} ({label}), {name}, werkt hier niet meer en "
            "niemand heeft de regie overgenomen. Neem jij die over? Daarna kun je hem warm "
            "overdragen met /regie overdragen {case}.",
            case=case.id,
            label=case.reference_label or "—",
            name=holder.name if holder is not None else "?",
        ),
        buttons=(
            Button(
                tr.gettext("Regie overnemen #{case}", case=case.id),
                TAKE_OVER_ACTION,
                str(case.id),
                "primary",
            ),
        ),
    )


async def orphan_lines(session: AsyncSession, me: Person, tr: Translator) -> list[str]:
    """/regie for an oliemannetje, procesregisseur or admin: the cases without a holder."""
    if not (me.is_admin or any(me.has_role(r) for r in TAKE_OVER_ROLES)):
        return []
    my_domains = {t.domain for t in me.themes}
    lines: list[str] = []
    for case in await orphaned_cases(session):
        domains = await domains_of(session, case)
        if domains and my_domains and not my_domains.intersection(domains) and not me.is_admin:
            continue
        holder = await session.get(Person, case.regie_holder_id)
        lines.append(
            "• "
            + tr.gettext(
                "casus #{case} · {label} · was van {name} (vertrokken): /regie overnemen {case}",
                case=case.id,
                label=case.reference_label or "—",
                name=holder.name if holder is not None else "?",
            )
        )
    if lines:
        lines.insert(0, tr.gettext("Zonder regiehouder:"))
    return lines


async def take_over(cmd: Command, deps: Deps, reference: str) -> Reply:
    """An oliemannetje, procesregisseur or admin takes regie of a case whose holder left."""
    case_id = parse_id(reference)
    if case_id is None:
        raise UserError("Welke casus? Typ bijvoorbeeld: /regie overnemen 12")
    async with deps.uow() as uow:
        session = uow.session
        me = await person_of(session, cmd.person_id)
        if not (me.is_admin or any(me.has_role(r) for r in TAKE_OVER_ROLES)):
            raise Forbidden(
                "Alleen een oliemannetje, procesregisseur of beheerder kan de regie van een "
                "casus zonder regiehouder overnemen."
            )
        repo = HandoverRepository(session)
        case = await repo.case(case_id)
        holder = await session.get(Person, case.regie_holder_id) if case is not None else None
        if case is None or case.closed_at is not None or holder is None or holder.active:
            raise UserError(
                "Casus #{case} heeft een regiehouder; alleen die kan hem overdragen.", case=case_id
            )
        if await repo.open_for_case(case.id) is not None:
            raise UserError(
                "Voor casus #{case} staat al een overdracht open; wacht op het antwoord.",
                case=case.id,
            )
        if not await repo.move_regie(case.id, holder.id, me.id, cmd.now):
            raise UserError("Iemand anders was je net voor. Kijk bij /regie.")
        record(
            session,
            at=cmd.now,
            actor=person_actor(me.id),
            action="case.regie_taken_over",
            object_type="handover_case",
            object_id=case.id,
            origin=cmd.invocation.platform,
        )
        await uow.commit()
    return Reply(
        text=cmd.tr.gettext(
            "Jij hebt nu de regie over casus #{case}. Draag hem warm over met /regie "
            "overdragen {case}, of sluit hem af met /regie afsluiten {case}.",
            case=case.id,
        ),
        data={"taken_over": case.id},
    )


async def take_over_button(cmd: Command, deps: Deps) -> Reply:
    """'Regie overnemen' under an orphan notice."""
    return await take_over(cmd, deps, cmd.action_value)
