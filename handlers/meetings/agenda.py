"""/agenda and /plan: the meetings you see, one meeting as a card, and your calendar feed.

Netwerkbijeenkomsten, dialoogtafels, casuïstiekoverleggen and intervisie live in the
scheduler package; this module turns chat into its use cases and back into cards.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from core.audit import person_actor, record
from core.errors import UserError
from core.messages import Button, Reply
from handlers.base import Command, Deps
from handlers.meetings import invite
from handlers.meetings.cards import meeting_card
from handlers.meetings.common import meeting_number, reference
from handlers.meetings.plan import check, plan_form
from handlers.meetings.rsvp import participants
from handlers.meetings.texts import agenda_line, ref, short_when
from scheduler import feed, rsvp
from scheduler.repository import MeetingRepository, Planned

AGENDA_DAYS = 60
SHOWN = 10
EVERYONE_DAYS = 30


async def plan(cmd: Command, deps: Deps) -> Reply:
    """/plan: the guided form."""
    return Reply(form=plan_form(cmd.tr))


async def submit_plan(cmd: Command, deps: Deps) -> Reply:
    """Create the meeting from the form, or ask again what was not right."""
    async with deps.uow() as uow:
        draft, again = await check(cmd, deps, uow.session)
        if again is not None:
            return again
        assert draft is not None
        repo = uow.repo(MeetingRepository)
        meeting = await repo.add(draft, cmd.now)
        record(
            uow.session,
            at=cmd.now,
            actor=person_actor(cmd.person_id),
            action="meeting.planned",
            object_type="meeting",
            object_id=meeting.id,
            result=meeting.kind,
            origin=cmd.invocation.platform,
        )
        occurrence = await repo.next_of(meeting, cmd.now)
        await uow.commit()
        if occurrence is None:
            return Reply(
                text=cmd.tr.gettext("Gepland, maar ik vind geen enkele datum in de reeks.")
            )
        intro = cmd.tr.gettext(
            "Gepland! Collega's melden zich aan met /agenda {id}.", id=meeting.id
        )
        card = await meeting_card(
            uow.session, meeting, occurrence, cmd.person_id, cmd.tr, cmd.now, intro
        )
    if meeting.kind != "dialoogtafel":
        return card
    proposal = await invite.propose(cmd, deps, meeting.id, occurrence.key)
    return Reply(
        title=card.title,
        text=f"{card.text}\n\n{proposal.text}",
        buttons=proposal.buttons + card.buttons,
        attachments=card.attachments,
        data={**card.data, **proposal.data},
    )


async def agenda(cmd: Command, deps: Deps) -> Reply:
    """/agenda [12 | alles | feed [nieuw] | deelnemers 12 | uitnodigen 12]."""
    word, _, rest = cmd.args.strip().partition(" ")
    word = word.lower()
    if not word:
        return await _mine(cmd, deps)
    if word in ("alles", "all"):
        return await _everyone(cmd, deps)
    if word == "feed":
        return await _feed(cmd, deps, renew=rest.strip().lower() in ("nieuw", "new"))
    if word in ("deelnemers", "participants"):
        return await participants(cmd, deps, meeting_number(rest))
    if word in ("uitnodigen", "invite"):
        return await invite.propose(cmd, deps, meeting_number(rest))
    return await _show(cmd, deps, meeting_number(word))


async def _show(cmd: Command, deps: Deps, meeting_id: int, key: datetime | None = None) -> Reply:
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meeting = await repo.require(meeting_id)
        occurrence = (
            await repo.require_occurrence(meeting, key)
            if key is not None
            else await repo.next_of(meeting, cmd.now)
        )
        if occurrence is None:
            raise UserError("Deze bijeenkomst heeft geen volgende keer meer.")
        return await meeting_card(uow.session, meeting, occurrence, cmd.person_id, cmd.tr, cmd.now)


async def show_action(cmd: Command, deps: Deps) -> Reply:
    """A tap on a meeting in an agenda."""
    meeting_id, key, _rest = reference(cmd)
    return await _show(cmd, deps, meeting_id, key)


async def _listing(
    cmd: Command,
    planned: list[Planned],
    statuses: dict[tuple[int, datetime], str],
    title: str,
    empty: str,
) -> Reply:
    tr = cmd.tr
    if not planned:
        return Reply(title=title, text=empty)
    lines = [
        agenda_line(p.meeting, p.occurrence, tr, statuses.get((p.meeting.id, p.occurrence.key), ""))
        for p in planned[:SHOWN]
    ]
    if len(planned) > SHOWN:
        lines.append(tr.gettext("… en nog {n} meer.", n=len(planned) - SHOWN))
    lines.append(
        tr.gettext(
            "Open er een met /agenda en het nummer. Nieuw plannen: /plan. "
            "In je eigen agenda: /agenda feed."
        )
    )
    buttons = tuple(
        Button(
            f"#{p.meeting.id} {short_when(p.occurrence, tr)}",
            "meetings.show",
            ref(p.meeting.id, p.occurrence.key),
        )
        for p in planned[:5]
    )
    return Reply(
        title=title,
        text="\n".join(lines),
        buttons=buttons,
        data={"meetings": [p.meeting.id for p in planned]},
    )


async def _mine(cmd: Command, deps: Deps) -> Reply:
    now, inv = cmd.now, cmd.invocation
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        meetings, guest_of = await repo.of_person(cmd.person_id, now)
        here = [] if inv.is_direct else await repo.active(platform=inv.platform, chat=inv.chat)
        ids = {m.id for m in meetings}
        every = await repo.upcoming(
            [*meetings, *(m for m in here if m.id not in ids)],
            now,
            now + timedelta(days=AGENDA_DAYS),
        )
        statuses = await rsvp.statuses(uow.session, cmd.person_id, {p.meeting.id for p in every})
    here_ids = {m.id for m in here}
    # A series you are only a guest of shows only the times you answered ja or misschien for.
    shown = [
        p
        for p in every
        if p.meeting.id not in guest_of
        or p.meeting.id in here_ids
        or statuses.get((p.meeting.id, p.occurrence.key)) in ("ja", "wacht", "misschien")
    ]
    return await _listing(
        cmd,
        shown,
        statuses,
        cmd.tr.gettext("Je agenda"),
        cmd.tr.gettext(
            "Je hebt de komende tijd geen bijeenkomsten. Kijk wat er is met /agenda alles, "
            "of plan er een met /plan."
        ),
    )


async def _everyone(cmd: Command, deps: Deps) -> Reply:
    now = cmd.now
    async with deps.uow() as uow:
        repo = uow.repo(MeetingRepository)
        every = await repo.upcoming(await repo.active(), now, now + timedelta(days=EVERYONE_DAYS))
    return await _listing(
        cmd,
        every,
        {},
        cmd.tr.gettext("Alle bijeenkomsten, komende {n} dagen", n=EVERYONE_DAYS),
        cmd.tr.gettext(
            "Er staan de komende tijd geen bijeenkomsten gepland. Plan er een met /plan."
        ),
    )


async def _feed(cmd: Command, deps: Deps, renew: bool) -> Reply:
    async with deps.uow() as uow:
        existed = await feed.has_token(uow.session, cmd.person_id)
        if renew:
            token = await feed.renew_token(uow.session, cmd.person_id, cmd.now)
        else:
            token = await feed.token_for(uow.session, cmd.person_id, cmd.now)
        if renew or not existed:
            record(
                uow.session,
                at=cmd.now,
                actor=person_actor(cmd.person_id),
                action="agenda.feed_renewed" if existed else "agenda.feed_created",
                object_type="person",
                object_id=cmd.person_id,
                origin=cmd.invocation.platform,
            )
        await uow.commit()
    server = deps.settings.server
    base = (server.public_url or f"http://{server.host}:{server.port}").rstrip("/")
    url = f"{base}/agenda/{token}.ics"
    text = cmd.tr.gettext(
        "Abonneer je in Outlook (of een andere agenda) op deze link; je bijeenkomsten komen er "
        "dan vanzelf in:\n{url}\nDeel de link niet: wie hem heeft, ziet je bijeenkomsten. Een "
        "nieuwe link (de oude werkt dan niet meer): /agenda feed nieuw",
        url=url,
    )
    return Reply(text=text, private=True, data={"url": url})
