"""/regie: the cases I hold regie over, open handovers I sent or must answer, and their ages;
then the cases I handed over in the last 30 days, with who holds regie now.

Subcommands work on case numbers (what people see): ``overdragen`` hands regie on
(a new handover that needs acceptance), ``intrekken`` withdraws the open handover
of a case, ``afsluiten`` closes a case the holder is done with.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.errors import UserError
from core.messages import Button, Reply
from handlers.base import Command, Deps
from handlers.handover import answers, orphans
from handlers.handover.common import age_text, guard_platform
from handlers.handover.forms import question_form
from handlers.handover.people import first_name, someone
from handovers import followup
from handovers.models import HandoverCase
from handovers.repository import HandoverRepository

MAX_BUTTONS = 8
# How far back /regie shows the cases you handed over.
RECENT_DAYS = 30
# Which buttons get a place first when there are more than MAX_BUTTONS.
RECEIVED, SENT, TO_MEET = 0, 1, 2


async def regie(cmd: Command, deps: Deps) -> Reply:
    """Route /regie and its subcommands."""
    guard_platform(cmd, deps)
    word, _, rest = cmd.args.strip().partition(" ")
    word = word.lower()
    if not word:
        return await overview(cmd, deps)
    if word in ("overdragen", "handover"):
        return await hand_on(cmd, deps, rest.strip())
    if word in ("intrekken", "withdraw"):
        return await withdraw(cmd, deps, rest.strip())
    if word in ("afsluiten", "close"):
        return await close(cmd, deps, rest.strip())
    if word in ("overnemen", "takeover", "take"):
        return await orphans.take_over(cmd, deps, rest.strip())
    raise UserError(
        "Dat ken ik niet bij /regie. Probeer /regie, /regie overdragen 12, /regie intrekken 12, "
        "/regie afsluiten 12 of /regie overnemen 12."
    )


async def overview(cmd: Command, deps: Deps) -> Reply:
    """Everything where I hold regie or a handover waits, oldest first."""
    tr, now, me = cmd.tr, cmd.now, cmd.person_id
    lines: list[str] = []
    # Buttons come in groups per case; see _fit for which groups get a place.
    groups: list[tuple[int, tuple[Button, ...]]] = []
    async with deps.uow() as uow:
        repo = uow.repo(HandoverRepository)
        held = await repo.cases_held(me)
        sent = {h.case_id: h for h in await repo.open_sent(me)}
        received = await repo.open_received(me)
        to_meet = await repo.accepted_awaiting_kennismaking(me)
        if held:
            lines.append(tr.gettext("Regie bij jou:"))
        for case in held:
            lines.append(
                "• "
                + tr.gettext(
                    "casus #{case} · {label} · sinds {age}",
                    case=case.id,
                    label=case.reference_label or "—",
                    age=age_text(case.regie_since, now, tr),
                )
            )
            waiting = sent.get(case.id)
            if waiting is not None:
                receiver = await someone(uow.session, waiting.receiver_id)
                lines.append(
                    "   "
                    + tr.gettext(
                        "overdracht naar {name} wacht op antwoord ({age})",
                        name=receiver.name if receiver else "?",
                        age=age_text(waiting.created_at, now, tr),
                    )
                )
                withdraw = Button(
                    tr.gettext("Intrekken #{case}", case=case.id),
                    "handover.withdraw",
                    str(waiting.id),
                )
                groups.append((SENT, (withdraw,)))
        if received:
            lines.append(tr.gettext("Wacht op jouw antwoord:"))
        for handover in received:
            sender = await someone(uow.session, handover.sender_id)
            lines.append(
                "• "
                + tr.gettext(
                    "casus #{case} van {name} ({age}): {need}",
                    case=handover.case_id,
                    name=sender.name if sender else "?",
                    age=age_text(handover.created_at, now, tr),
                    need=handover.need or "—",
                )
            )
            answers: tuple[Button, ...] = (
                Button(
                    tr.gettext("Accepteren #{case}", case=handover.case_id),
                    "handover.accept",
                    str(handover.id),
                    "primary",
                ),
                Button(
                    tr.gettext("Niet aannemen #{case}", case=handover.case_id),
                    "handover.decline",
                    str(handover.id),
                ),
            )
            if handover.call_requested_at is None:
                # As in the request itself, until the sender has been asked to call.
                answers += (
                    Button(
                        tr.gettext("Bel me eerst #{case}", case=handover.case_id),
                        "handover.callme",
                        str(handover.id),
                    ),
                )
            groups.append((RECEIVED, answers))
        for handover in to_meet:
            other_id = handover.sender_id if handover.receiver_id == me else handover.receiver_id
            other = await someone(uow.session, other_id)
            lines.append(
                tr.gettext(
                    "Kennismaking met {name} nog niet vastgelegd (casus #{case}).",
                    name=first_name(other) if other else "?",
                    case=handover.case_id,
                )
            )
            # The request with these buttons may be long gone; here they are one tap again.
            meeting = (
                Button(
                    tr.gettext("Kennismaking gepland #{case}", case=handover.case_id),
                    "handover.kennismaking_plan",
                    str(handover.id),
                ),
                Button(
                    tr.gettext("Kennismaking gehouden #{case}", case=handover.case_id),
                    "handover.kennismaking_held",
                    str(handover.id),
                ),
            )
            groups.append((TO_MEET, meeting))
        me_person = await someone(uow.session, me)
        if me_person is not None:
            lines.extend(await orphans.orphan_lines(uow.session, me_person, tr))
        passed_on = await _handed_over(uow.session, repo, cmd, {c.id for c in held})
    if not lines:
        lines.append(
            tr.gettext(
                "Je hebt nu geen regie over casussen en er staan geen overdrachten open. Start "
                "een warme overdracht met /overdracht."
            )
        )
    if passed_on:
        lines.append(tr.gettext("Door jou overgedragen (laatste {days} dagen):", days=RECENT_DAYS))
        lines += [line for _case, line in passed_on]
    buttons = _fit(groups)
    if len(buttons) < sum(len(g) for _, g in groups):
        lines.append(
            tr.gettext(
                "Niet elke casus past in de knoppen hieronder; de knoppen van de andere staan "
                "in het bericht over die overdracht."
            )
        )
    # Whose cases wait where is for the asker's eyes only, also when asked in a channel.
    return Reply(
        title=tr.gettext("Regie"),
        text="\n".join(lines),
        buttons=buttons,
        private=True,
        data={
            "held": [c.id for c in held],
            "sent": [h.id for h in sent.values()],
            "received": [h.id for h in received],
            "handed_over": [case_id for case_id, _line in passed_on],
        },
    )


async def _handed_over(
    session: AsyncSession, repo: HandoverRepository, cmd: Command, held: set[int]
) -> list[tuple[int, str]]:
    """Cases I handed over lately, with who holds regie now and since when, one line each
    (a case that came back to me is among the ones I hold)."""
    tr = cmd.tr
    zone = ZoneInfo(tr.timezone)
    lines: list[tuple[int, str]] = []
    for handover, case in await repo.handed_over_since(
        cmd.person_id, cmd.now - timedelta(days=RECENT_DAYS)
    ):
        if case.id in held or any(case.id == c for c, _ in lines):
            continue
        receiver = await someone(session, handover.receiver_id)
        accepted = handover.decided_at or case.regie_since
        line = "• " + tr.gettext(
            "casus #{case} · {label} · overgedragen aan {name}, geaccepteerd op {date}",
            case=case.id,
            label=case.reference_label or handover.reference_label or "—",
            name=receiver.name if receiver else "?",
            date=tr.date(accepted.astimezone(zone), "d MMMM"),
        )
        if case.closed_at is not None:
            line += "\n   " + tr.gettext(
                "afgesloten op {date}", date=tr.date(case.closed_at.astimezone(zone), "d MMMM")
            )
        elif case.regie_holder_id != handover.receiver_id:
            holder = await someone(session, case.regie_holder_id)
            line += "\n   " + tr.gettext(
                "regie nu bij {name}, sinds {date}",
                name=holder.name if holder else "?",
                date=tr.date(case.regie_since.astimezone(zone), "d MMMM"),
            )
        lines.append((case.id, line))
    return lines


def _fit(groups: list[tuple[int, tuple[Button, ...]]]) -> tuple[Button, ...]:
    """At most MAX_BUTTONS, whole groups only (never 'Accepteren' without 'Niet aannemen'),
    handovers waiting for my answer first; shown in the order of the text."""
    kept: set[int] = set()
    room = MAX_BUTTONS
    for index in sorted(range(len(groups)), key=lambda i: (groups[i][0], i)):
        size = len(groups[index][1])
        if size <= room:
            kept.add(index)
            room -= size
    return tuple(b for i, (_, group) in enumerate(groups) if i in kept for b in group)


async def _my_case(cmd: Command, deps: Deps, reference: str) -> HandoverCase:
    if not reference:
        raise UserError(
            "Welke casus bedoel je? Geef het nummer, bijvoorbeeld /regie overdragen 12. Je "
            "casussen zie je met /regie."
        )
    async with deps.uow() as uow:
        case = await uow.repo(HandoverRepository).find_case(cmd.person_id, reference)
    if case is None or case.closed_at is not None:
        raise UserError(
            "Je hebt geen regie over casus '{case}'. Kijk bij /regie welke casussen bij jou "
            "liggen.",
            case=reference,
        )
    return case


async def hand_on(cmd: Command, deps: Deps, reference: str) -> Reply:
    """Hand regie on: the same two forms, for an existing case."""
    case = await _my_case(cmd, deps, reference)
    async with deps.uow() as uow:
        repo = uow.repo(HandoverRepository)
        waiting = await repo.open_for_case(case.id)
        latest = await repo.latest_for_case(case.id)
        tried = await repo.receivers_tried(case.id)
    if waiting is not None:
        raise UserError(
            "Voor casus #{case} staat al een overdracht open. Trek die eerst in met /regie "
            "intrekken {case}.",
            case=case.id,
        )
    # Whoever already had this case offered is not proposed again (they said no, or hold it).
    context = {"case": str(case.id), "tried": ",".join(str(t) for t in sorted(tried))}
    if case.created_by == cmd.person_id and case.reference_label:
        context["label"] = case.reference_label
    need = latest.need if latest is not None and latest.need else ""
    return Reply(form=question_form(cmd.tr, context, need=need))


async def withdraw(cmd: Command, deps: Deps, reference: str) -> Reply:
    """Withdraw the open handover of one of my cases."""
    case = await _my_case(cmd, deps, reference)
    async with deps.uow() as uow:
        waiting = await uow.repo(HandoverRepository).open_for_case(case.id)
    if waiting is None:
        raise UserError("Voor casus #{case} staat geen overdracht open.", case=case.id)
    return await answers.withdraw(replace(cmd, args=str(waiting.id)), deps)


async def close(cmd: Command, deps: Deps, reference: str) -> Reply:
    """Close a case: the resident no longer needs a regie-holder."""
    case = await _my_case(cmd, deps, reference)
    async with deps.uow() as uow:
        closed = await followup.close_case(
            uow.session, case, cmd.person_id, now=cmd.now, origin=cmd.invocation.platform
        )
        await uow.commit()
    if not closed:
        raise UserError(
            "Voor casus #{case} staat nog een overdracht open. Trek die eerst in.", case=case.id
        )
    return Reply(
        text=cmd.tr.gettext("Casus #{case} is afgesloten. Dank je wel!", case=case.id),
        data={"closed": case.id},
    )
