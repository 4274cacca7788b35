"""Organisers change or cancel one occurrence, or the whole series; people who come hear it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.bsn import contains_bsn
from core.db import UnitOfWork
from core.errors import UserError
from core.i18n import Translator
from core.messages import Button, Choice, Field, Form, Reply
from handlers.base import Command, Deps
from handlers.meetings.cards import meeting_card
from handlers.meetings.common import (
    form_reference,
    reference,
    remind_before,
    require_organiser,
    tell,
)
from handlers.meetings.plan import DURATIONS
from handlers.meetings.rsvp import moved_up_notice
from handlers.meetings.texts import headline, ref, short_when, when_text, where_text
from scheduler import reminders, rsvp, series_edit
from scheduler.dates import parse_clock, parse_duration, parse_moment
from scheduler.models import Meeting
from scheduler.recurrence import Occurrence
from scheduler.repository import MeetingRepository

EDIT_ONE = "meetings.edit_one"
EDIT_SERIES = "meetings.edit_series"


async def edit_one_form(cmd: Command, deps: Deps) -> Reply:
    """The 'Deze keer wijzigen' button: a short form for a new time or place."""
    meeting_id, key, _rest = reference(cmd)
    tr = cmd.tr
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        occurrence = await repo.require_occurrence(meeting, key) if key else None
    if occurrence is None:
        raise UserError("Deze knop werkt niet meer.")
    keep = tr.gettext("Typ - om het zo te laten.")
    form = Form(
        form_id=EDIT_ONE,
        title=tr.gettext("Deze keer wijzigen"),
        fields=(
            Field(
                "start",
                tr.gettext("Nieuwe datum en tijd"),
                "datetime",
                required=False,
                hint=tr.gettext("Nu: {when}.", when=short_when(occurrence, tr)) + " " + keep,
            ),
            Field(
                "place",
                tr.gettext("Nieuwe plek of videolink"),
                required=False,
                hint=tr.gettext("Nu: {where}.", where=where_text(meeting, occurrence) or "–")
                + " "
                + keep,
            ),
        ),
        submit_label=tr.gettext("Opslaan"),
        context={"ref": ref(meeting.id, occurrence.key)},
    )
    return Reply(form=form)


def _submitted(cmd: Command) -> tuple[dict[str, str], dict[str, str]]:
    submission = cmd.invocation.submission
    assert submission is not None
    values = {k: v.strip() for k, v in submission.values.items() if isinstance(v, str)}
    return values, submission.context


def _changed_notice(meeting: Meeting, occurrence: Occurrence, tr: Translator) -> Reply:
    return Reply(
        title=headline(meeting, tr),
        text=tr.gettext(
            "Gewijzigd: {title} is nu op {when}{where}.",
            title=meeting.title,
            when=when_text(occurrence, tr),
            where=f", {where_text(meeting, occurrence)}" if where_text(meeting, occurrence) else "",
        ),
        buttons=(
            Button(
                tr.gettext("Ik kom niet"), "meetings.rsvp", ref(meeting.id, occurrence.key, "nee")
            ),
        ),
    )


async def edit_one(cmd: Command, deps: Deps) -> Reply:
    """Save a new time or place for one occurrence and tell whoever comes."""
    values, context = _submitted(cmd)
    meeting_id, key, _rest = form_reference(context)
    now = cmd.now
    start = (
        parse_moment(values["start"], now, deps.settings.bot.timezone)
        if values.get("start")
        else None
    )
    place = values.get("place") or None
    if place is not None and contains_bsn(place):
        raise UserError("Hier lijkt een BSN in te staan. Haal het nummer weg.")
    if start is None and place is None:
        return Reply(text=cmd.tr.gettext("Er is niets veranderd."))
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        assert key is not None
        before = await repo.require_occurrence(meeting, key)
        end = start + (before.end - before.start) if start else None
        await repo.set_change(meeting, key, now, starts_at=start, ends_at=end, place=place)
        occurrence = await repo.require_occurrence(meeting, key)
        await reminders.reschedule(
            uow.session, meeting.id, key, occurrence.start - remind_before(deps)
        )
        people = [
            p for p in await rsvp.people_to_tell(uow.session, meeting.id, key) if p != cmd.person_id
        ]
        told = await tell(
            uow.session, deps, people, lambda tr: _changed_notice(meeting, occurrence, tr), now
        )
        record_change(uow.session, cmd, "meeting.occurrence_changed", meeting.id)
        intro = cmd.tr.ngettext(
            "Gewijzigd. Ik heb {n} persoon op de hoogte gebracht.",
            "Gewijzigd. Ik heb {n} mensen op de hoogte gebracht.",
            told,
        )
        card = await meeting_card(
            uow.session, meeting, occurrence, cmd.person_id, cmd.tr, now, intro
        )
        await uow.commit()
    deps.wake_delivery()
    return card


async def edit_series_form(cmd: Command, deps: Deps) -> Reply:
    """The 'Reeks wijzigen' button: title, time, length, place and seats for every next time."""
    meeting_id, _key, _rest = reference(cmd)
    tr = cmd.tr
    async with deps.uow() as uow:
        meeting = await uow.repo(MeetingRepository).require(meeting_id)
        require_organiser(meeting, cmd)
    keep = tr.gettext("Typ - om het zo te laten.")
    durations = tuple(Choice(v, tr.gettext(label)) for v, label in DURATIONS)
    form = Form(
        form_id=EDIT_SERIES,
        title=tr.gettext("Reeks wijzigen") if meeting.rrule else tr.gettext("Bijeenkomst wijzigen"),
        fields=(
            Field("title", tr.gettext("Nieuwe naam"), required=False, hint=keep),
            Field(
                "time",
                tr.gettext("Nieuwe begintijd, bijvoorbeeld 14:00"),
                required=False,
                hint=keep,
            ),
            Field(
                "duration", tr.gettext("Nieuwe duur"), "choice", required=False, choices=durations
            ),
            Field("place", tr.gettext("Nieuwe plek of videolink"), required=False, hint=keep),
            Field(
                "seats",
                tr.gettext("Nieuw aantal plaatsen (0 = geen maximum)"),
                required=False,
                hint=keep,
            ),
        ),
        submit_label=tr.gettext("Opslaan"),
        context={"ref": str(meeting.id)},
    )
    return Reply(form=form)


async def edit_series(cmd: Command, deps: Deps) -> Reply:
    """Save changes for every future occurrence; promote from waiting lists when seats grow."""
    values, context = _submitted(cmd)
    meeting_id, _key, _rest = form_reference(context)
    now = cmd.now
    new_time = parse_clock(values["time"]) if values.get("time") else None
    duration = parse_duration(values["duration"]) if values.get("duration") else None
    seats_raw = values.get("seats", "")
    if seats_raw and not seats_raw.isdecimal():
        raise UserError("Typ een getal van 1 tot {max}, of - voor geen maximum.", max=500)
    for text in (values.get("title", ""), values.get("place", "")):
        if contains_bsn(text):
            raise UserError("Hier lijkt een BSN in te staan. Haal het nummer weg.")
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        await repo.lock(meeting_id)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        if values.get("title"):
            meeting.title = values["title"][:200]
        if values.get("place"):
            link = values["place"].lower().startswith(("http://", "https://"))
            meeting.video_url, meeting.place = (
                (values["place"], "") if link else (None, values["place"][:300])
            )
        if duration:
            meeting.duration_minutes = duration
        if seats_raw:
            meeting.seat_limit = int(seats_raw) or None
        meeting.updated_at = now
        if new_time is not None:
            await series_edit.shift_time(uow.session, meeting, new_time, now, remind_before(deps))
        elif duration:
            await series_edit.replan_reminders(uow.session, meeting, now, remind_before(deps))
        promoted = await _fill_future_seats(uow, deps, meeting, now)
        upcoming = await repo.upcoming([meeting], now, now + timedelta(days=400))
        future = {p.occurrence.key for p in upcoming}
        people = set()
        for key in future:
            people |= set(await rsvp.people_to_tell(uow.session, meeting.id, key))
        people.discard(cmd.person_id)
        first = upcoming[0].occurrence if upcoming else None
        told = 0
        if first is not None:
            told = await tell(
                uow.session, deps, people, lambda tr: _changed_notice(meeting, first, tr), now
            )
        record_change(uow.session, cmd, "meeting.series_changed", meeting.id)
        intro = cmd.tr.ngettext(
            "Gewijzigd. Ik heb {n} persoon op de hoogte gebracht.",
            "Gewijzigd. Ik heb {n} mensen op de hoogte gebracht.",
            told + promoted,
        )
        reply = (
            await meeting_card(uow.session, meeting, first, cmd.person_id, cmd.tr, now, intro)
            if first is not None
            else Reply(text=intro)
        )
        await uow.commit()
    deps.wake_delivery()
    return reply


async def _fill_future_seats(uow: UnitOfWork, deps: Deps, meeting: Meeting, now: datetime) -> int:
    repo = uow.repo(MeetingRepository)
    moved = 0
    for planned in await repo.upcoming([meeting], now, now + timedelta(days=400)):
        occurrence = planned.occurrence
        if not (await rsvp.counts(uow.session, meeting.id, occurrence.key)).wacht:
            continue
        promoted = await rsvp.fill_seats(uow.session, meeting, occurrence, now, remind_before(deps))
        moved += await tell(uow.session, deps, promoted, _notice(meeting, occurrence), now)
    return moved


def _notice(meeting: Meeting, occurrence: Occurrence) -> Callable[[Translator], Reply]:
    return lambda tr: moved_up_notice(meeting, occurrence, tr)


def record_change(session: AsyncSession, cmd: Command, action: str, meeting_id: int) -> None:
    """Audit an organiser's change of a meeting."""
    record(
        session,
        at=cmd.now,
        actor=person_actor(cmd.person_id),
        action=action,
        object_type="meeting",
        object_id=meeting_id,
        origin=cmd.invocation.platform,
    )
