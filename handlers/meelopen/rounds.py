"""The mee-loop timer: run each round once, introduce the groups, and ask later how it went."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Button, Recipient, Reply
from core.outbox import enqueue
from directory.cards import contact_card
from directory.models import Person
from handlers.base import Command, Deps
from scheduler import meelopen
from scheduler.models_meelopen import MeeloopGroup

OUTCOME_REPLIES = {
    "gelukt": N_("Mooi! Ik onthoud dat jullie elkaar nu kennen."),
    "gepland": N_("Fijn dat het gepland staat. Veel plezier!"),
    "niet": N_("Jammer. Volgende ronde krijg je iemand anders."),
}


async def tick(deps: Deps, now: datetime) -> int:
    """Run this round once it can pair someone (if nobody did yet), then the due follow-ups."""
    config = deps.settings.meetings.meelopen
    number = meelopen.round_number(now, config.round_weeks, deps.settings.bot.timezone)
    handled = 0
    async with deps.uow() as uow:
        if await meelopen.claim_round(uow.session, number, now):
            result = await meelopen.run_round(
                uow.session,
                number,
                now,
                deps.rng,
                history_rounds=config.history_rounds,
                followup_after=timedelta(days=config.followup_days),
            )
        else:
            result = None
        if result is not None and result.groups:
            handled += await _introduce(uow.session, deps, result, now)
            record(
                uow.session,
                at=now,
                actor="system",
                action="meelopen.round",
                object_type="meeloop_round",
                object_id=number,
                result=f"{len(result.groups)} groups, {len(result.unmatched)} unmatched",
                origin="ticker",
            )
            await uow.commit()
        # A round in which nobody could be paired yet (one participant, or all of one
        # organisation) is not spent: the claim is rolled back, and the round runs at the
        # first pass that can make a pair, so a new network need not wait a whole round.
    async with deps.uow() as uow:
        for group in await meelopen.due_followups(uow.session, now):
            if await meelopen.claim_followup(uow.session, group.id, now):
                handled += await _follow_up(uow.session, deps, group, now)
        await uow.commit()
    return handled


async def _people(session: AsyncSession, ids: list[int]) -> dict[int, Person]:
    rows = await session.scalars(select(Person).where(Person.id.in_(ids)))
    return {p.id: p for p in rows}


async def _introduce(
    session: AsyncSession, deps: Deps, result: meelopen.RoundResult, now: datetime
) -> int:
    everyone = [pid for g in result.groups for pid in g.members] + list(result.unmatched)
    people = await _people(session, everyone)
    sent = 0
    for group in result.groups:
        for pid in group.members:
            person = people[pid]
            tr = deps.translator(person.language)
            others = [people[o] for o in group.members if o != pid]
            text = tr.gettext(
                "Deze ronde loop je mee met {names}. Bel elkaar deze week en spreek een dag af "
                "waarop je een dagdeel bij de ander meeloopt. Hieronder staan jullie nummers.",
                names=tr.join(o.name for o in others),
            )
            cards = tuple(
                contact_card(people[m], now, tr, show_contact=True) for m in group.members
            )
            await enqueue(
                session,
                Recipient(person_id=pid),
                Reply(title=tr.gettext("Je mee-loop-dag"), text=text, cards=cards),
                now=now,
                kind="meelopen.intro",
                dedupe_key=f"meeloop-intro:{group.id}:{pid}",
            )
            sent += 1
    for pid in result.unmatched:
        tr = deps.translator(people[pid].language if pid in people else None)
        await enqueue(
            session,
            Recipient(person_id=pid),
            Reply(
                text=tr.gettext(
                    "Deze ronde kon ik je niet koppelen: iedereen die meedoet werkt bij je eigen "
                    "organisatie of liep al eens met je mee. Volgende ronde probeer ik het weer."
                )
            ),
            now=now,
            kind="meelopen.unmatched",
            dedupe_key=f"meeloop-unmatched:{result.number}:{pid}",
        )
        sent += 1
    return sent


def followup_buttons(group_id: int, tr: Translator) -> tuple[Button, ...]:
    """'Is het gelukt?' answers."""
    return (
        Button(
            tr.gettext("Ja, we hebben meegelopen"),
            "meelopen.outcome",
            f"{group_id}:gelukt",
            "primary",
        ),
        Button(tr.gettext("Nog niet, wel gepland"), "meelopen.outcome", f"{group_id}:gepland"),
        Button(tr.gettext("Nee, het lukt niet"), "meelopen.outcome", f"{group_id}:niet"),
    )


async def _follow_up(session: AsyncSession, deps: Deps, group: MeeloopGroup, now: datetime) -> int:
    people = await _people(session, list(group.members))
    for pid in group.members:
        person = people.get(pid)
        if person is None:
            continue
        tr = deps.translator(person.language)
        others = [people[o].name for o in group.members if o != pid and o in people]
        await enqueue(
            session,
            Recipient(person_id=pid),
            Reply(
                text=tr.gettext(
                    "Is het gelukt met de mee-loop-dag met {names}?", names=tr.join(others)
                ),
                buttons=followup_buttons(group.id, tr),
            ),
            now=now,
            kind="meelopen.followup",
            dedupe_key=f"meeloop-followup:{group.id}:{pid}",
        )
    return len(group.members)


async def outcome(cmd: Command, deps: Deps) -> Reply:
    """A tap on an 'is het gelukt?' answer."""
    group_text, _, answer = cmd.action_value.partition(":")
    if not group_text.isdecimal() or len(group_text) > 10 or answer not in OUTCOME_REPLIES:
        raise UserError("Deze knop werkt niet meer.")
    async with deps.uow() as uow:
        group = await meelopen.record_outcome(
            uow.session, int(group_text), cmd.person_id, answer, cmd.now
        )
        if group is None:
            raise UserError("Deze knop werkt niet meer.")
        record(
            uow.session,
            at=cmd.now,
            actor=person_actor(cmd.person_id),
            action="meelopen.outcome",
            object_type="meeloop_group",
            object_id=group.id,
            result=answer,
            origin=cmd.invocation.platform,
        )
        await uow.commit()
    return Reply(text=cmd.tr.gettext(OUTCOME_REPLIES[answer]), data={"outcome": answer})
