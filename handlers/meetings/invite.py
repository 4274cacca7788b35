"""Dialoogtafels: propose a mixed group for the theme, then invite them with one tap."""

from __future__ import annotations

from datetime import datetime

from core.audit import person_actor, record
from core.db import names_a_row
from core.errors import UserError
from core.messages import Button, Recipient, Reply
from core.outbox import enqueue
from handlers.base import Command, Deps
from handlers.meetings.cards import meeting_card
from handlers.meetings.common import languages, reference, require_organiser
from handlers.meetings.rsvp import mix_text
from handlers.meetings.texts import encode_key, headline, ref, short_when
from scheduler import mix, rsvp
from scheduler.repository import MeetingRepository

MAX_INVITES = 40


async def propose(cmd: Command, deps: Deps, meeting_id: int, key: datetime | None = None) -> Reply:
    """A mixed set of people for the table, with a button to invite them."""
    tr = cmd.tr
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        occurrence = (
            await repo.require_occurrence(meeting, key)
            if key
            else await repo.next_of(meeting, cmd.now)
        )
        if occurrence is None:
            raise UserError("Deze bijeenkomst heeft geen volgende keer meer.")
        answered = {p.id for _row, p in await rsvp.answers(uow.session, meeting.id, occurrence.key)}
        exclude = answered | {meeting.organiser_id or 0}
        seats = meeting.seat_limit or deps.settings.meetings.dialoogtafel_size
        counts = await rsvp.counts(uow.session, meeting.id, occurrence.key)
        size = max(seats - counts.ja, 0)
        pool = await mix.candidates(uow.session, list(meeting.themes), exclude)
        chosen = mix.propose(pool, size, deps.rng)
    if not chosen:
        return Reply(
            text=tr.gettext(
                "Ik vind niemand meer om uit te nodigen voor dit thema. Deel de bijeenkomst "
                "in een kanaal, of vraag collega's om /agenda {id} te openen.",
                id=meeting.id,
            ),
            private=True,
        )
    lines = [
        tr.gettext("Voorstel voor een gemengde tafel ({when}):", when=short_when(occurrence, tr))
    ]
    for person in chosen:
        role = f", {person.kind}" if person.kind else ""
        lines.append(f"  • {person.name} — {person.organisation}{role}")
    lines += ["", mix_text(mix.mix_of(chosen), tr)]
    ids = ",".join(str(c.person_id) for c in chosen[:MAX_INVITES])
    return Reply(
        title=tr.gettext("Uitnodigen: {title}", title=headline(meeting, tr)),
        text="\n".join(lines),
        buttons=(
            Button(
                tr.gettext("Uitnodiging versturen"),
                "meetings.invite",
                ref(meeting.id, occurrence.key, ids),
                "primary",
            ),
        ),
        private=True,
        data={"proposed": [c.person_id for c in chosen]},
    )


async def propose_action(cmd: Command, deps: Deps) -> Reply:
    """The 'Mensen uitnodigen' button."""
    meeting_id, key, _rest = reference(cmd)
    return await propose(cmd, deps, meeting_id, key)


async def invite(cmd: Command, deps: Deps) -> Reply:
    """Send the proposed people an invitation card with Ja / Nee / Misschien."""
    meeting_id, key, rest = reference(cmd)
    try:
        ids = [int(x) for x in (rest[0] if rest else "").split(",") if x]
    except ValueError as error:
        raise UserError("Deze knop werkt niet meer.") from error
    if key is None or not ids or not all(names_a_row(i) for i in ids):
        raise UserError("Deze knop werkt niet meer.")
    now = cmd.now
    sent = 0
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        require_organiser(meeting, cmd)
        occurrence = await repo.require_occurrence(meeting, key)
        organiser = cmd.actor.name if cmd.actor else ""
        for pid, language in sorted((await languages(uow.session, ids[:MAX_INVITES])).items()):
            tr = deps.translator(language)
            intro = tr.gettext("{name} nodigt je uit. Kom je?", name=organiser)
            card = await meeting_card(uow.session, meeting, occurrence, pid, tr, now, intro=intro)
            queued = await enqueue(
                uow.session,
                Recipient(person_id=pid),
                card,
                now=now,
                kind="meeting.invite",
                dedupe_key=f"meeting-invite:{meeting.id}:{encode_key(occurrence.key)}:{pid}",
            )
            sent += queued is not None
        record(
            uow.session,
            at=now,
            actor=person_actor(cmd.person_id),
            action="meeting.invited",
            object_type="meeting",
            object_id=meeting.id,
            result=str(sent),
            origin=cmd.invocation.platform,
        )
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=cmd.tr.ngettext(
            "Ik heb {n} persoon uitgenodigd. Onder 'Deelnemers' zie je wie komt en hoe gemengd "
            "de tafel is.",
            "Ik heb {n} mensen uitgenodigd. Onder 'Deelnemers' zie je wie komt en hoe gemengd "
            "de tafel is.",
            sent,
        ),
        data={"invited": sent},
    )
