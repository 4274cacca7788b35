"""/casus: put an anonymous case question on the agenda of the next casuïstiekoverleg.

The question describes a situation, never a resident: the dispatcher's BSN guard refuses a
citizen number before this handler runs, and the scheduler checks again. The organiser sees
the list (with who brought each case in, so they can ask them to explain it); the text is
erased `meetings.casus_retention_days` after the session.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import UserError
from core.i18n import Translator
from core.messages import Reply
from handlers.base import Command, Deps
from handlers.meetings.common import meeting_number, tell
from handlers.meetings.rsvp import participants
from handlers.meetings.texts import headline, short_when, when_text
from scheduler import casus
from scheduler.repository import MeetingRepository


async def casus_command(cmd: Command, deps: Deps) -> Reply:
    """/casus <vraag>, /casus lijst [nummer], /casus intrekken <nummer>."""
    word, _, rest = cmd.args.strip().partition(" ")
    if word.lower() in ("lijst", "list"):
        return await _list(cmd, deps, rest)
    if word.lower() in ("intrekken", "withdraw"):
        return await _withdraw(cmd, deps, rest)
    return await _add(cmd, deps, cmd.args)


async def _add(cmd: Command, deps: Deps, text: str) -> Reply:
    question = casus.check_question(text)
    inv, now, tr = cmd.invocation, cmd.now, cmd.tr
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        where = (None, None) if inv.is_direct else (inv.platform, inv.chat)
        planned = await casus.next_session(repo, now, *where)
        if planned is None:
            raise UserError(
                "Er staat nog geen casuïstiekoverleg gepland. Vraag de organisator er een te "
                "plannen, of plan er zelf een met /plan."
            )
        item = await casus.add(uow.session, planned, cmd.person_id, question, now)
        meeting, occurrence = planned.meeting, planned.occurrence
        count = len(await casus.agenda(uow.session, meeting.id, occurrence.key))
        organiser = meeting.organiser_id
        if organiser is not None and organiser != cmd.person_id:
            await tell(
                uow.session,
                deps,
                [organiser],
                lambda t: Reply(
                    title=headline(meeting, t),
                    text=t.gettext(
                        "Er staat een nieuwe casus op de agenda van {when} ({n} in totaal). "
                        "Bekijk ze met /casus lijst {id}.",
                        when=short_when(occurrence, t),
                        n=count,
                        id=meeting.id,
                    ),
                ),
                now,
                kind="casus",
            )
        record(
            uow.session,
            at=now,
            actor=person_actor(cmd.person_id),
            action="casus.added",
            object_type="meeting",
            object_id=meeting.id,
            origin=inv.platform,
        )
        await uow.commit()
    deps.wake_delivery()
    text = tr.gettext(
        "Je casus staat op de agenda van {title} op {when}. De organisator ziet hem met jouw "
        "naam erbij, zodat je hem kunt toelichten. De tekst wordt {days} dagen na het overleg "
        "gewist. Intrekken: /casus intrekken {item}",
        title=meeting.title,
        when=when_text(occurrence, tr),
        days=deps.settings.meetings.casus_retention_days,
        item=item.id,
    )
    return Reply(text=text, private=True, data={"meeting_id": meeting.id, "casus_id": item.id})


async def _list(cmd: Command, deps: Deps, rest: str) -> Reply:
    if rest.strip():
        return await participants(cmd, deps, meeting_number(rest))
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        mine = [
            m for m in await repo.active(kind=casus.CASUS_KIND) if m.organiser_id == cmd.person_id
        ]
        upcoming = await repo.upcoming(mine, cmd.now, cmd.now + timedelta(days=400))
    if not upcoming:
        raise UserError(
            "Alleen de organisator ziet de casussen, en jij organiseert nu geen "
            "casuïstiekoverleg. Je eigen casus intrekken: /casus intrekken en het nummer."
        )
    return await participants(cmd, deps, upcoming[0].meeting.id, upcoming[0].occurrence.key)


async def _withdraw(cmd: Command, deps: Deps, rest: str) -> Reply:
    if not rest.strip().lstrip("#").isdecimal() or len(rest.strip().lstrip("#")) > 10:
        raise UserError("Noem het nummer van je casus, bijvoorbeeld: /casus intrekken 3")
    item_id = int(rest.strip().lstrip("#"))
    async with deps.uow() as uow:
        withdrawn = await casus.withdraw(uow.session, item_id, cmd.person_id, cmd.now)
        meeting = withdrawn.meeting
        await _tell_organiser_withdrawn(uow.session, cmd, deps, withdrawn)
        record(
            uow.session,
            at=cmd.now,
            actor=person_actor(cmd.person_id),
            action="casus.withdrawn",
            object_type="meeting",
            object_id=meeting.id,
            origin=cmd.invocation.platform,
        )
        await uow.commit()
    deps.wake_delivery()
    return Reply(text=cmd.tr.gettext("Je casus is van de agenda gehaald en gewist."), private=True)


async def _tell_organiser_withdrawn(
    session: AsyncSession, cmd: Command, deps: Deps, withdrawn: casus.Withdrawn
) -> None:
    """The organiser hears that the agenda of a coming session got shorter: no text and no
    name, as the question itself is gone (and chat platforms are not the municipality's)."""
    meeting = withdrawn.meeting
    organiser = meeting.organiser_id
    if organiser is None or organiser == cmd.person_id:
        return
    occurrence = await MeetingRepository(session).occurrence(meeting, withdrawn.occurrence_key)
    if occurrence is None or occurrence.cancelled or occurrence.start <= cmd.now:
        return  # nothing left to prepare for
    left = len(await casus.agenda(session, meeting.id, occurrence.key))

    def message(t: Translator) -> Reply:
        when = short_when(occurrence, t)
        text = (
            t.gettext(
                "Er is een casus van de agenda van {when} gehaald ({n} over). Bekijk ze met "
                "/casus lijst {id}.",
                when=when,
                n=left,
                id=meeting.id,
            )
            if left
            else t.gettext(
                "Er is een casus van de agenda van {when} gehaald. Er staan nu geen casussen "
                "meer op.",
                when=when,
            )
        )
        return Reply(title=headline(meeting, t), text=text)

    await tell(
        session,
        deps,
        [organiser],
        message,
        cmd.now,
        kind="casus",
        dedupe=f"casus:{withdrawn.item_id}:withdrawn",
    )


# Retention is a matter of days: looking every few minutes is plenty, and keeps this write
# out of the frequent wake-up passes of the reminder timer.
RETENTION_EVERY = timedelta(minutes=10)


async def erase_old_cases(deps: Deps, now: datetime) -> int:
    """Retention: erase the text of case questions some days after their session."""
    last = deps.extras.get("scheduler.casus_retention")
    if isinstance(last, datetime) and last <= now < last + RETENTION_EVERY:
        return 0
    deps.extras["scheduler.casus_retention"] = now
    keep = timedelta(days=deps.settings.meetings.casus_retention_days)
    async with deps.uow() as uow:
        erased = await casus.erase_old(uow.session, now, keep)
        if erased:
            record(
                uow.session,
                at=now,
                actor="system",
                action="casus.erased",
                object_type="casus",
                object_id="retention",
                result=str(erased),
                origin="ticker",
            )
        await uow.commit()
    return erased
