"""A meeting as a card: when, where, who comes, your answer, the buttons, and a calendar file."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.i18n import Translator
from core.messages import Attachment, Button, Reply
from directory.models import Person, Theme
from handlers.meetings.texts import describe_rule, headline, ref, when_text, where_text
from scheduler import rsvp
from scheduler.models import Meeting
from scheduler.recurrence import Occurrence
from scheduler.repository import MeetingRepository

if TYPE_CHECKING:
    # The calendar file (icalendar) is made only when a card carries one: loaded then.
    from scheduler.ics import Organiser


async def theme_names(session: AsyncSession, keys: list[str], tr: Translator) -> list[str]:
    """Theme names in the reader's language, in the meeting's order."""
    if not keys:
        return []
    rows = {t.key: t for t in await session.scalars(select(Theme).where(Theme.key.in_(keys)))}
    names = []
    for key in keys:
        theme = rows.get(key)
        if theme is None:
            names.append(key)
        else:
            names.append(theme.name_en if tr.language == "en" and theme.name_en else theme.name_nl)
    return names


async def organiser_of(session: AsyncSession, meeting: Meeting) -> Organiser | None:
    """The organiser's name and e-mail."""
    from scheduler.ics import Organiser

    if meeting.organiser_id is None:
        return None
    person = await session.get(Person, meeting.organiser_id)
    return Organiser(person.name, person.email) if person is not None else None


async def calendar_file(
    session: AsyncSession, meeting: Meeting, now: datetime, tr: Translator
) -> Attachment:
    """The meeting's .ics file (the whole series, with its changes)."""
    from scheduler.ics import filename, meeting_ics

    organiser = await organiser_of(session, meeting)
    changes = await MeetingRepository(session).changes(meeting.id)
    description = headline(meeting, tr)
    if organiser is not None:
        description += "\n" + tr.gettext("Organisator: {name}", name=organiser.name)
    content = meeting_ics(meeting, changes, now, organiser, description)
    return Attachment(filename(meeting), "text/calendar", content)


def _seats_line(meeting: Meeting, counts: rsvp.Counts, tr: Translator) -> str:
    if meeting.seat_limit is not None:
        line = tr.gettext(
            "Plaatsen: {taken} van {limit} bezet", taken=counts.ja, limit=meeting.seat_limit
        )
        if counts.wacht:
            line += ", " + tr.gettext("{n} op de wachtlijst", n=counts.wacht)
        return line
    return tr.gettext("Komen: {ja} · misschien: {maybe}", ja=counts.ja, maybe=counts.misschien)


def _your_answer(status: str | None, position: int | None, tr: Translator) -> str:
    if status is None:
        return tr.gettext("Kom je? Tik ja, nee of misschien.")
    if status == "wacht":
        return tr.gettext("Je staat op de wachtlijst (plek {n}).", n=position or 1)
    labels = {
        "ja": tr.gettext("Je komt."),
        "nee": tr.gettext("Je komt niet."),
        "misschien": tr.gettext("Je komt misschien."),
    }
    return labels[status]


def rsvp_buttons(meeting: Meeting, occurrence: Occurrence, tr: Translator) -> list[Button]:
    """Ja / Nee / Misschien for one occurrence."""
    return [
        Button(tr.gettext("Ja"), "meetings.rsvp", ref(meeting.id, occurrence.key, "ja"), "primary"),
        Button(tr.gettext("Nee"), "meetings.rsvp", ref(meeting.id, occurrence.key, "nee")),
        Button(
            tr.gettext("Misschien"), "meetings.rsvp", ref(meeting.id, occurrence.key, "misschien")
        ),
    ]


def organiser_buttons(meeting: Meeting, occurrence: Occurrence, tr: Translator) -> list[Button]:
    """What the organiser can do from the card."""
    this = ref(meeting.id, occurrence.key)
    buttons = [Button(tr.gettext("Deelnemers"), "meetings.participants", this)]
    if meeting.kind == "dialoogtafel":
        buttons.append(Button(tr.gettext("Mensen uitnodigen"), "meetings.propose", this))
    if meeting.rrule:
        buttons += [
            Button(tr.gettext("Deze keer wijzigen"), "meetings.edit_one", this),
            Button(tr.gettext("Deze keer afzeggen"), "meetings.cancel_one", this, "danger"),
            Button(tr.gettext("Reeks wijzigen"), "meetings.edit_series", str(meeting.id)),
            Button(
                tr.gettext("Reeks stoppen"), "meetings.cancel_series", str(meeting.id), "danger"
            ),
        ]
    else:
        buttons += [
            Button(tr.gettext("Datum of plek wijzigen"), "meetings.edit_one", this),
            Button(
                tr.gettext("Naam, duur of plaatsen wijzigen"),
                "meetings.edit_series",
                str(meeting.id),
            ),
            Button(tr.gettext("Afzeggen"), "meetings.cancel_one", this, "danger"),
        ]
    return buttons


async def meeting_card(
    session: AsyncSession,
    meeting: Meeting,
    occurrence: Occurrence,
    viewer_id: int,
    tr: Translator,
    now: datetime,
    intro: str = "",
) -> Reply:
    """The card for one occurrence, as the viewer sees it."""
    lines = [intro] if intro else []
    lines.append(f"📅 {when_text(occurrence, tr)} ({describe_rule(meeting.rrule, tr)})")
    if meeting.cancelled_at is not None or occurrence.cancelled:
        lines.append(tr.gettext("Gaat niet door."))
    elif occurrence.holiday and occurrence.start != occurrence.key:
        lines.append(tr.gettext("Verschoven vanwege {holiday}.", holiday=occurrence.holiday))
    where = where_text(meeting, occurrence)
    if where:
        lines.append(f"📍 {where}")
    themes = await theme_names(session, list(meeting.themes), tr)
    if themes:
        lines.append(tr.gettext("Thema: {themes}", themes=", ".join(themes)))
    if meeting.wijk:
        lines.append(tr.gettext("Wijk: {wijk}", wijk=meeting.wijk))
    organiser = await organiser_of(session, meeting)
    if organiser is not None:
        lines.append(tr.gettext("Organisator: {name}", name=organiser.name))
    counts = await rsvp.counts(session, meeting.id, occurrence.key)
    lines.append(_seats_line(meeting, counts, tr))
    mine = await rsvp.find(session, meeting.id, occurrence.key, viewer_id)
    status = rsvp.status_of(mine)
    position = await rsvp.waiting_position(session, mine) if status == "wacht" and mine else None
    lines.append(_your_answer(status, position, tr))
    lines.append(tr.gettext("Nummer {id} · /agenda {id}", id=meeting.id))
    buttons: list[Button] = []
    if meeting.cancelled_at is None and not occurrence.cancelled:
        buttons = rsvp_buttons(meeting, occurrence, tr)
        if viewer_id == meeting.organiser_id:
            buttons += organiser_buttons(meeting, occurrence, tr)
    return Reply(
        title=headline(meeting, tr),
        text="\n".join(lines),
        buttons=tuple(buttons),
        attachments=(await calendar_file(session, meeting, now, tr),),
        data={"meeting_id": meeting.id, "occurrence": occurrence.key.isoformat(), "answer": status},
    )
