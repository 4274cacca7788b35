"""Answering a meeting (ja / nee / misschien) and the organiser's list of who comes."""

from __future__ import annotations

from datetime import datetime

from core.audit import person_actor, record
from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Button, Reply
from directory.models import Person
from handlers.base import Command, Deps
from handlers.meetings.cards import meeting_card
from handlers.meetings.common import reference, remind_before, require_organiser, tell, wake_for
from handlers.meetings.texts import headline, ref, short_when, when_text
from scheduler import casus, rsvp
from scheduler.mix import Mix, candidate_of, mix_of
from scheduler.models import Meeting
from scheduler.recurrence import Occurrence
from scheduler.repository import MeetingRepository

CONFIRMATIONS = {
    "ja": N_("Genoteerd: je komt. Je krijgt de dag ervoor een herinnering."),
    "nee": N_("Genoteerd: je komt niet. Jammer!"),
    "misschien": N_("Genoteerd: misschien. Laat je het nog weten?"),
}


async def answer(cmd: Command, deps: Deps) -> Reply:
    """A tap on Ja / Nee / Misschien."""
    meeting_id, key, rest = reference(cmd)
    choice = rest[0] if rest else ""
    if key is None or choice not in CONFIRMATIONS:
        raise UserError("Deze knop werkt niet meer.")
    now = cmd.now
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        await repo.lock(meeting_id)
        meeting = await repo.require(meeting_id)
        occurrence = await repo.require_occurrence(meeting, key)
        if meeting.cancelled_at is not None or occurrence.cancelled:
            raise UserError("Deze bijeenkomst gaat niet door.")
        if occurrence.end <= now:
            raise UserError("Deze bijeenkomst is al voorbij.")
        outcome = await rsvp.answer(
            uow.session, meeting, occurrence, cmd.person_id, choice, now, remind_before(deps)
        )
        if outcome.promoted:
            await tell(
                uow.session,
                deps,
                outcome.promoted,
                lambda tr: moved_up_notice(meeting, occurrence, tr),
                now,
                kind="meeting.seat",
            )
        if outcome.changed:
            record(
                uow.session,
                at=now,
                actor=person_actor(cmd.person_id),
                action="meeting.rsvp",
                object_type="meeting",
                object_id=meeting.id,
                result=outcome.status,
                origin=cmd.invocation.platform,
            )
        intro = _confirmation(outcome, cmd.tr)
        card = await meeting_card(
            uow.session, meeting, occurrence, cmd.person_id, cmd.tr, now, intro=intro
        )
        await uow.commit()
    due = occurrence.start - remind_before(deps)
    wake_for(deps, due, now)
    if outcome.promoted:
        deps.wake_delivery()
    return card


def _confirmation(outcome: rsvp.Outcome, tr: Translator) -> str:
    if outcome.status == "wacht":
        return tr.gettext(
            "De bijeenkomst is vol. Je staat op de wachtlijst (plek {n}); komt er een plek "
            "vrij, dan hoor je het meteen.",
            n=outcome.position or 1,
        )
    if not outcome.changed and outcome.status == "ja":
        return tr.gettext("Je stond al op de lijst.")
    return tr.gettext(CONFIRMATIONS[outcome.status])


def moved_up_notice(meeting: Meeting, occurrence: Occurrence, tr: Translator) -> Reply:
    """The message for someone who moved up from the waiting list."""
    return Reply(
        title=headline(meeting, tr),
        text=tr.gettext(
            "Er is een plek vrijgekomen. Je hebt nu een plek bij {title} op {when}. "
            "Kun je toch niet? Tik dan op 'Ik kom niet'.",
            title=meeting.title,
            when=when_text(occurrence, tr),
        ),
        buttons=(
            Button(
                tr.gettext("Ik kom niet"), "meetings.rsvp", ref(meeting.id, occurrence.key, "nee")
            ),
        ),
    )


def _person_line(person: Person) -> str:
    role = f", {person.role_title}" if person.role_title else ""
    return f"{person.name} — {person.organisation.name}{role}"


def mix_text(mix: Mix, tr: Translator) -> str:
    """'4 mensen uit 3 organisaties. Organisaties: … Rollen: …'."""
    if not mix.people:
        return tr.gettext("Nog niemand heeft ja gezegd.")
    lines = [
        tr.ngettext(
            "{n} persoon uit {orgs} organisatie.",
            "{n} mensen uit {orgs} organisaties.",
            mix.people,
            orgs=len(mix.organisations),
        ),
        tr.gettext(
            "Organisaties: {list}",
            list=", ".join(f"{name} ({n})" for name, n in mix.organisations),
        ),
    ]
    if mix.roles:
        lines.append(
            tr.gettext("Rollen: {list}", list=", ".join(f"{name} ({n})" for name, n in mix.roles))
        )
    return "\n".join(lines)


async def participants(
    cmd: Command, deps: Deps, meeting_id: int, key: datetime | None = None
) -> Reply:
    """The organiser's view of one occurrence: seats, waiting list, the mix, case questions."""
    tr = cmd.tr
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        occurrence = (
            await repo.require_occurrence(meeting, key)
            if key is not None
            else await repo.next_of(meeting, cmd.now)
        )
        if occurrence is None:
            raise UserError("Deze bijeenkomst heeft geen volgende keer meer.")
        rows = await rsvp.answers(uow.session, meeting.id, occurrence.key)
        agenda = (
            await casus.agenda(uow.session, meeting.id, occurrence.key)
            if meeting.kind == casus.CASUS_KIND
            else []
        )
    groups: dict[str, list[Person]] = {"ja": [], "wacht": [], "misschien": [], "nee": []}
    for row, person in rows:
        groups[rsvp.status_of(row) or "nee"].append(person)
    limit = f" / {meeting.seat_limit}" if meeting.seat_limit else ""
    lines = [when_text(occurrence, tr), ""]
    lines.append(tr.gettext("Komen ({n}{limit}):", n=len(groups["ja"]), limit=limit))
    lines += [f"  • {_person_line(p)}" for p in groups["ja"]] or ["  –"]
    if groups["wacht"]:
        lines.append(tr.gettext("Wachtlijst:"))
        lines += [f"  {i}. {_person_line(p)}" for i, p in enumerate(groups["wacht"], start=1)]
    if groups["misschien"]:
        lines.append(tr.gettext("Misschien:"))
        lines += [f"  • {_person_line(p)}" for p in groups["misschien"]]
    if groups["nee"]:
        lines.append(tr.gettext("Komen niet:"))
        lines += [f"  • {_person_line(p)}" for p in groups["nee"]]
    if meeting.kind == "dialoogtafel":
        lines += [
            "",
            tr.gettext("De mix aan tafel:"),
            mix_text(mix_of(candidate_of(p) for p in groups["ja"]), tr),
        ]
    if meeting.kind == casus.CASUS_KIND:
        lines += ["", tr.gettext("Casussen op de agenda ({n}):", n=len(agenda))]
        for number, (item, who) in enumerate(agenda, start=1):
            text = item.question or tr.gettext("(tekst verwijderd na de bewaartermijn)")
            lines.append(
                f"  {number}. {text} — " + tr.gettext("ingebracht door {name}", name=who or "?")
            )
    return Reply(
        title=tr.gettext("Deelnemers: {title}", title=headline(meeting, tr)),
        text="\n".join(lines),
        private=True,
        data={
            "meeting_id": meeting.id,
            "ja": [p.id for p in groups["ja"]],
            "wacht": [p.id for p in groups["wacht"]],
            "when": short_when(occurrence, tr),
        },
    )


async def participants_action(cmd: Command, deps: Deps) -> Reply:
    """The 'Deelnemers' button."""
    meeting_id, key, _rest = reference(cmd)
    return await participants(cmd, deps, meeting_id, key)
