"""Organisers cancel one occurrence or stop a series; after a 'zeker?' everyone who comes hears."""

from __future__ import annotations

from datetime import timedelta

from core.errors import UserError
from core.i18n import Translator
from core.messages import Button, Reply
from handlers.base import Command, Deps
from handlers.meetings.common import reference, require_organiser, tell
from handlers.meetings.edit import record_change
from handlers.meetings.texts import headline, ref, when_text
from scheduler import reminders, rsvp
from scheduler.models import Meeting
from scheduler.recurrence import Occurrence
from scheduler.repository import MeetingRepository

SURE = "zeker"


def _confirm(text: str, action_id: str, value: str, tr: Translator) -> Reply:
    return Reply(
        text=text,
        buttons=(
            Button(tr.gettext("Ja, zeg af"), action_id, value, "danger"),
            Button(tr.gettext("Nee, laat staan"), "meetings.keep", value),
        ),
        private=True,
    )


def _cancelled_notice(meeting: Meeting, occurrence: Occurrence | None, tr: Translator) -> Reply:
    if occurrence is None:
        text = tr.gettext(
            "{title} stopt: er komen geen bijeenkomsten van deze reeks meer.", title=meeting.title
        )
    else:
        text = tr.gettext(
            "{title} op {when} gaat niet door.",
            title=meeting.title,
            when=when_text(occurrence, tr),
        )
    return Reply(title=headline(meeting, tr), text=text)


async def cancel_one(cmd: Command, deps: Deps) -> Reply:
    """'Deze keer afzeggen': ask once, then cancel that occurrence and tell whoever comes."""
    meeting_id, key, rest = reference(cmd)
    if key is None:
        raise UserError("Deze knop werkt niet meer.")
    tr, now = cmd.tr, cmd.now
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        occurrence = await repo.require_occurrence(meeting, key)
        if occurrence.cancelled:
            return Reply(text=tr.gettext("Deze keer was al afgezegd."))
        if SURE not in rest:
            return _confirm(
                tr.gettext(
                    "Weet je zeker dat {title} op {when} niet doorgaat?",
                    title=meeting.title,
                    when=when_text(occurrence, tr),
                ),
                "meetings.cancel_one",
                ref(meeting.id, key, SURE),
                tr,
            )
        await repo.set_change(meeting, key, now, cancelled=True)
        await reminders.cancel(uow.session, meeting.id, key)
        people = [
            p for p in await rsvp.people_to_tell(uow.session, meeting.id, key) if p != cmd.person_id
        ]
        told = await tell(
            uow.session, deps, people, lambda t: _cancelled_notice(meeting, occurrence, t), now
        )
        record_change(uow.session, cmd, "meeting.occurrence_cancelled", meeting.id)
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=tr.ngettext(
            "Afgezegd. Ik heb {n} persoon laten weten dat het niet doorgaat.",
            "Afgezegd. Ik heb {n} mensen laten weten dat het niet doorgaat.",
            told,
        ),
        data={"told": told},
    )


async def cancel_series(cmd: Command, deps: Deps) -> Reply:
    """'Reeks stoppen': ask once, then stop the series and tell everyone with a future answer."""
    meeting_id, _key, rest = reference(cmd)
    tr, now = cmd.tr, cmd.now
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        if meeting.cancelled_at is not None:
            return Reply(text=tr.gettext("Deze reeks was al gestopt."))
        if SURE not in rest:
            return _confirm(
                tr.gettext("Weet je zeker dat de hele reeks {title} stopt?", title=meeting.title),
                "meetings.cancel_series",
                ref(meeting.id, None, SURE),
                tr,
            )
        upcoming = await repo.upcoming([meeting], now, now + timedelta(days=400))
        people: set[int] = set()
        for planned in upcoming:
            people |= set(
                await rsvp.people_to_tell(uow.session, meeting.id, planned.occurrence.key)
            )
        people.discard(cmd.person_id)
        await repo.cancel_series(meeting, now)
        await reminders.cancel(uow.session, meeting.id)
        told = await tell(
            uow.session, deps, people, lambda t: _cancelled_notice(meeting, None, t), now
        )
        record_change(uow.session, cmd, "meeting.series_cancelled", meeting.id)
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=tr.ngettext(
            "De reeks is gestopt. Ik heb {n} persoon op de hoogte gebracht.",
            "De reeks is gestopt. Ik heb {n} mensen op de hoogte gebracht.",
            told,
        ),
        data={"told": told},
    )


async def keep(cmd: Command, deps: Deps) -> Reply:
    """'Nee, laat staan'."""
    return Reply(text=cmd.tr.gettext("Goed, er verandert niets."), private=True)
