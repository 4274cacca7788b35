"""A leaver's meetings, mee-loop-dagen and knelpunten, moved on in the departure's
transaction: seats freed (the waiting list moves up), organisers told, mee-loop partners
told, knelpunten back to the domain's oliemannetjes."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from functools import partial

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import record
from core.i18n import Translator
from core.messages import Recipient, Reply
from core.outbox import enqueue
from directory.models import Person
from handlers.base import Deps
from handlers.knelpunten import texts as knelpunt_texts
from handlers.meetings.common import remind_before, tell
from handlers.meetings.rsvp import moved_up_notice
from handlers.meetings.texts import when_text
from knelpunten import lifecycle
from knelpunten.models import Knelpunt
from knelpunten.repository import KnelpuntRepository
from scheduler import meelopen, rsvp
from scheduler.models import Meeting, Rsvp
from scheduler.models_meelopen import MeeloopGroup
from scheduler.recurrence import Occurrence
from scheduler.repository import MeetingRepository


async def leave_meetings(
    session: AsyncSession, deps: Deps, leaver: Person, successor: Person | None, now: datetime
) -> int:
    """Answer 'nee' for every coming time the leaver said ja or misschien to (the first on
    the waiting list gets the seat), tell each organiser once, and give the meetings the
    leaver organised to the successor."""
    repo = MeetingRepository(session)
    changed = 0
    rows = list(
        await session.scalars(
            select(Rsvp)
            .where(
                Rsvp.person_id == leaver.id,
                Rsvp.answer.in_(("ja", "misschien")),
                Rsvp.occurrence_start >= now,
            )
            .order_by(Rsvp.meeting_id, Rsvp.occurrence_start)
        )
    )
    told: set[int] = set()
    for row in rows:
        meeting = await repo.get(row.meeting_id)
        if meeting is None or meeting.cancelled_at is not None:
            continue
        occurrence = await repo.occurrence(meeting, row.occurrence_start)
        if occurrence is None:
            continue
        await repo.lock(meeting.id)
        outcome = await rsvp.answer(
            session, meeting, occurrence, leaver.id, "nee", now, remind_before(deps)
        )
        if outcome.promoted:
            await tell(
                session, deps, outcome.promoted,
                partial(moved_up_notice, meeting, occurrence),
                now, kind="meeting.seat",
            )  # fmt: skip
        changed += 1
        organiser = meeting.organiser_id
        if organiser is not None and organiser != leaver.id and meeting.id not in told:
            told.add(meeting.id)
            await tell(
                session, deps, [organiser],
                partial(_gone_from_meeting, meeting, occurrence, leaver),
                now, kind="departure.meeting", dedupe=f"departure:{leaver.id}:meeting:{meeting.id}",
            )  # fmt: skip
    organised = list(
        await session.scalars(
            select(Meeting).where(Meeting.organiser_id == leaver.id, Meeting.cancelled_at.is_(None))
        )
    )
    for meeting in organised:
        meeting.organiser_id = successor.id if successor is not None else None
        meeting.updated_at = now
        if successor is not None:
            await tell(
                session, deps, [successor.id],
                partial(_organiser_now, meeting, leaver),
                now, kind="departure.meeting",
                dedupe=f"departure:{leaver.id}:organiser:{meeting.id}",
            )  # fmt: skip
        changed += 1
    return changed


def _gone_from_meeting(
    meeting: Meeting, occurrence: Occurrence, leaver: Person, tr: Translator
) -> Reply:
    return Reply(
        title=tr.gettext("Afmelding: {title}", title=meeting.title),
        text=tr.gettext(
            "{name} werkt hier niet meer en is afgemeld voor {title} (eerstvolgende keer: "
            "{when}). Een plek die vrijkwam, is naar de wachtlijst gegaan.",
            name=leaver.name,
            title=meeting.title,
            when=when_text(occurrence, tr),
        ),
    )


def _organiser_now(meeting: Meeting, leaver: Person, tr: Translator) -> Reply:
    return Reply(
        title=tr.gettext("Je organiseert nu: {title}", title=meeting.title),
        text=tr.gettext(
            "{name} werkt hier niet meer; jij bent als opvolger nu de organisator van {title} "
            "(bijeenkomst {id}). Bekijk de deelnemers met /agenda deelnemers {id}.",
            name=leaver.name,
            title=meeting.title,
            id=meeting.id,
        ),
    )


async def leave_meelopen(session: AsyncSession, deps: Deps, leaver: Person, now: datetime) -> int:
    """Stop taking part, and tell the partners of a mee-loop-dag that has not happened yet."""
    stopped = int(await meelopen.opt_out(session, leaver.id, now))
    groups = await session.scalars(select(MeeloopGroup).where(MeeloopGroup.outcome.is_(None)))
    for group in groups:
        if leaver.id not in group.members:
            continue
        others = [m for m in group.members if m != leaver.id]
        await tell(
            session, deps, others,
            lambda tr: Reply(
                title=tr.gettext("Mee-loop-dag"),
                text=tr.gettext(
                    "{name} werkt hier niet meer; jullie mee-loop-dag met {name} gaat niet "
                    "door. In de volgende ronde word je weer gekoppeld.",
                    name=leaver.name,
                ),
            ),
            now, kind="departure.meeloop", dedupe=f"departure:{leaver.id}:meeloop:{group.id}",
        )  # fmt: skip
        stopped += 1
    return stopped


async def leave_knelpunten(session: AsyncSession, deps: Deps, leaver: Person, now: datetime) -> int:
    """Knelpunten the leaver had taken on go back to 'ontvangen' and to the oliemannetjes of
    their domains (or the admins); the reporter hears it."""
    repo = KnelpuntRepository(session)
    rows = list(
        await session.scalars(
            select(Knelpunt).where(
                Knelpunt.handler_id == leaver.id,
                Knelpunt.status.in_(lifecycle.OPEN_STATUSES),
            )
        )
    )
    for knelpunt in rows:
        knelpunt.handler_id = None
        knelpunt.status = lifecycle.RECEIVED
        knelpunt.taken_at = None
        record(
            session,
            at=now,
            actor="system",
            action="knelpunt.returned",
            object_type="knelpunt",
            object_id=knelpunt.id,
            result=lifecycle.RECEIVED,
            origin="departure",
        )
        people = [
            p for p in await repo.oliemannetjes(list(knelpunt.domains), now) if p.id != leaver.id
        ] or await repo.admins(deps.settings.bot.admins)
        reporter = await session.get(Person, knelpunt.reporter_id) if knelpunt.reporter_id else None
        for person in people:
            tr = deps.translator(person.language)
            notice = knelpunt_texts.notice(knelpunt, reporter, tr)
            intro = tr.gettext(
                "{name} werkt hier niet meer; dit knelpunt ligt weer bij jullie.",
                name=leaver.name,
            )
            await enqueue(
                session,
                Recipient(person_id=person.id),
                replace(notice, text=f"{intro}\n\n{notice.text}"),
                now=now,
                kind="departure.knelpunt",
                dedupe_key=f"departure:{leaver.id}:knelpunt:{knelpunt.id}:{person.id}",
            )
        if reporter is not None and reporter.active and reporter.id != leaver.id:
            tr = deps.translator(reporter.language)
            await enqueue(
                session,
                Recipient(person_id=reporter.id),
                Reply(
                    text=tr.gettext(
                        "{name}, die je knelpunt #{id} oppakte, werkt hier niet meer. Het "
                        "knelpunt ligt weer bij de oliemannetjes; je hoort wie het oppakt.",
                        name=leaver.name,
                        id=knelpunt.id,
                    )
                ),
                now=now,
                kind="departure.knelpunt",
                dedupe_key=f"departure:{leaver.id}:knelpunt-reporter:{knelpunt.id}",
            )
    return len(rows)
