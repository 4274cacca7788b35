"""Announcing and carrying out a departure: /ik vertrek, /beheer vertrek, the CLI, the ticker.

The announcement notes the date and the successor and tells the successor. On the date
(at once when it is today) ``depart`` does everything in one transaction: the person
leaves the directory, their handovers and cases move (``regie``), their meetings,
mee-loop-dagen and knelpunten too (``work``), and the oliemannetjes hear about cases that
now have no regie-holder.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor
from core.clock import amsterdam
from core.errors import Forbidden, UserError
from core.i18n import Translator
from core.messages import Recipient, Reply
from core.outbox import enqueue
from directory import departures
from directory.models import Person
from directory.people import find_by_name
from handlers.base import Command, Deps
from handlers.departures import regie, work
from handlers.handover import orphans


@dataclass(frozen=True)
class Departed:
    """What a departure moved on."""

    person_id: int
    handovers: int
    meetings: int
    meelopen: int
    knelpunten: int


def today_of(deps: Deps, now: datetime) -> date:
    """The local date of a moment."""
    return amsterdam(now, deps.settings.bot.timezone).date()


async def plan(
    session: AsyncSession,
    deps: Deps,
    person: Person,
    text: str,
    *,
    now: datetime,
    actor: str,
    origin: str,
) -> tuple[date, Person | None, Departed | None]:
    """Read 'per 1 februari, opvolger NAAM', note it, tell the successor; carry it out at
    once when the date is today."""
    leaving = departures.parse_leaving(text, today_of(deps, now))
    successor = None
    if leaving.successor_name:
        successor = await departures.find_successor(session, person, leaving.successor_name)
    departures.announce(session, person, leaving.on, successor, now=now, actor=actor, origin=origin)
    if successor is not None:
        tr = deps.translator(successor.language)
        await enqueue(
            session,
            Recipient(person_id=successor.id),
            _successor_notice(person, leaving.on, tr),
            now=now,
            kind="departure.successor",
            dedupe_key=f"departure:{person.id}:successor:{successor.id}:{leaving.on.isoformat()}",
        )
    done = None
    if leaving.on <= today_of(deps, now):
        done = await depart(session, deps, person, now=now, actor=actor)
    return leaving.on, successor, done


def _successor_notice(person: Person, on: date, tr: Translator) -> Reply:
    return Reply(
        title=tr.gettext("Je bent opvolger van {name}", name=person.name),
        text=tr.gettext(
            "{name} vertrekt per {date} en heeft jou als opvolger opgegeven. Casussen waar "
            "{name} dan nog de regie over heeft, krijg je als warme overdracht aangeboden: jij "
            "beslist of je ze accepteert. Wie {name} daarna belt met /bel, krijgt jouw naam.",
            name=person.name,
            date=tr.date(on, "d MMMM y"),
        ),
    )


async def depart(
    session: AsyncSession, deps: Deps, person: Person, *, now: datetime, actor: str
) -> Departed:
    """Everything a departure moves on, in the caller's transaction."""
    successor = None
    if person.successor_id is not None:
        successor = await session.get(Person, person.successor_id)
        if successor is not None and not successor.active:
            successor = None
    handovers = await regie.move_handovers(session, deps, person, successor, now)
    meetings = await work.leave_meetings(session, deps, person, successor, now)
    meelopen = await work.leave_meelopen(session, deps, person, now)
    knelpunten = await work.leave_knelpunten(session, deps, person, now)
    departures.mark_left(session, person, now=now, actor=actor)
    await session.flush()
    await orphans.tell_orphans(session, deps, now)
    return Departed(person.id, handovers, meetings, meelopen, knelpunten)


async def tick(deps: Deps, now: datetime) -> int:
    """Carry out the departures whose date has come; tell oliemannetjes about cases left
    without a regie-holder (a refused or expired offer to a successor)."""
    done = 0
    async with deps.uow() as uow:
        people = await departures.due(uow.session, today_of(deps, now))
    for person_id in [p.id for p in people]:
        async with deps.uow() as uow:
            person = await uow.session.get(Person, person_id)
            if person is None or person.left_at is not None:
                continue
            await depart(uow.session, deps, person, now=now, actor="system")
            await uow.commit()
            done += 1
    async with deps.uow() as uow:
        told = await orphans.tell_orphans(uow.session, deps, now)
        await uow.commit()
    if done or told:
        deps.wake_delivery()
    return done + told


async def retention_tick(deps: Deps, now: datetime) -> int:
    """Erase people who left longer ago than the retention period."""
    from datetime import timedelta

    cutoff = now - timedelta(days=deps.settings.directory.departed_retention_days)
    async with deps.uow() as uow:
        people = await departures.past_retention(uow.session, cutoff)
        for person in people:
            await departures.erase(uow.session, person, now=now, actor="system", origin="retention")
        await uow.commit()
    return len(people)


def announced_text(
    tr: Translator, name: str, on: date, successor: Person | None, done: Departed | None, own: bool
) -> str:
    """What the one who announced the departure hears."""
    when = tr.date(on, "d MMMM y")
    if done is not None:
        lines = [
            tr.gettext("{name} staat vanaf nu niet meer in de sociale kaart.", name=name)
            if not own
            else tr.gettext("Je staat vanaf nu niet meer in de sociale kaart. Dank je wel!")
        ]
        if successor is not None:
            lines.append(
                tr.gettext(
                    "Casussen met regie zijn aan {successor} aangeboden als warme overdracht; wie "
                    "belt, krijgt {successor}.",
                    successor=successor.name,
                )
            )
        else:
            lines.append(
                tr.gettext(
                    "Er is geen opvolger: casussen zonder regiehouder gaan naar het oliemannetje "
                    "van hun domein."
                )
            )
        return "\n".join(lines)
    if own:
        first = tr.gettext("Genoteerd: je vertrekt per {date}.", date=when)
        tip = tr.gettext(
            "Draag je casussen voor die tijd zelf warm over met /regie overdragen; wat dan nog "
            "bij jou ligt, bied ik je opvolger aan. Toch niet? /ik vertrek intrekken"
        )
    else:
        first = tr.gettext("Genoteerd: {name} vertrekt per {date}.", name=name, date=when)
        tip = ""
    if successor is not None:
        first += " " + tr.gettext(
            "Opvolger: {successor}; ik laat het {successor} weten.", successor=successor.name
        )
    else:
        first += " " + tr.gettext(
            "Er is geen opvolger opgegeven (voeg er een toe met: …, opvolger NAAM); casussen "
            "zonder regiehouder gaan dan naar het oliemannetje."
        )
    return "\n".join(line for line in (first, tip) if line)


async def me_leaving(cmd: Command, deps: Deps) -> Reply:
    """/ik vertrek per 1 februari[, opvolger NAAM] — or /ik vertrek intrekken."""
    text = cmd.args.strip()
    if text.lower() in ("intrekken", "annuleren", "cancel", "niet"):
        return await _cancel(cmd, deps)
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        on, successor, done = await plan(
            uow.session, deps, person, text, now=cmd.now,
            actor=person_actor(person.id), origin=cmd.invocation.platform,
        )  # fmt: skip
        name = person.name
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=announced_text(cmd.tr, name, on, successor, done, own=True),
        data={"leaving_on": on.isoformat(), "successor": successor.id if successor else None,
              "left": done is not None},
    )  # fmt: skip


async def _cancel(cmd: Command, deps: Deps) -> Reply:
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
        if person is None:
            raise UserError("Ik kan je gegevens niet vinden.")
        cancelled = departures.cancel(
            uow.session, person, now=cmd.now, actor=person_actor(person.id)
        )
        await uow.commit()
    if not cancelled:
        raise UserError("Er stond geen vertrek van je genoteerd.")
    return Reply(text=cmd.tr.gettext("Je vertrek is geschrapt; je blijft gewoon in /wie."))


async def admin_leaving(cmd: Command, deps: Deps, rest: str) -> Reply:
    """/beheer vertrek NAAM of E-MAIL per DATUM[, opvolger NAAM]."""
    who, sep, when = _split_on_date(rest)
    if not sep or not who:
        raise UserError(
            "Typ bijvoorbeeld: /beheer vertrek Joost de Wit per 1 februari, opvolger Anna "
            "Bakker (of per vandaag)."
        )
    async with deps.uow() as uow:
        session = uow.session
        found = await find_by_name(session, who)
        if len(found) != 1:
            raise UserError(
                'Ik weet niet zeker wie je bedoelt met "{name}". Gebruik het e-mailadres.',
                name=who,
            )
        person = found[0]
        on, successor, done = await plan(
            session, deps, person, when, now=cmd.now,
            actor=person_actor(cmd.person_id), origin=cmd.invocation.platform,
        )  # fmt: skip
        name = person.name
        await uow.commit()
    deps.wake_delivery()
    return Reply(
        text=announced_text(cmd.tr, name, on, successor, done, own=False),
        data={"person": person.id, "leaving_on": on.isoformat(),
              "successor": successor.id if successor else None, "left": done is not None},
    )  # fmt: skip


def _split_on_date(text: str) -> tuple[str, str, str]:
    """'Joost de Wit per 1 februari, opvolger Anna' → ('Joost de Wit', 'per', '1 februari, …')."""
    lowered = f" {text.lower()} "
    for word in (" per ", " op ", " vanaf ", " on ", " from "):
        at = lowered.find(word)
        if at >= 0:
            return text[:at].strip(), word.strip(), text[at + len(word) - 1 :].strip()
    return text.strip(), "", ""


async def require_admin(cmd: Command, deps: Deps) -> Person:
    """The asker, who must be an admin."""
    async with deps.uow() as uow:
        me = await uow.session.get(Person, cmd.person_id)
    admins = {a.lower() for a in deps.settings.bot.admins}
    if me is None or not (me.is_admin or (me.email or "").lower() in admins):
        raise Forbidden("Dit kan alleen een beheerder.")
    return me


async def leave_by_email(
    deps: Deps, email: str, on: str | None, successor: str | None, now: datetime
) -> str:
    """`krokodil directory leave EMAIL [--on DATE] [--successor EMAIL]`: the report line."""
    text = on or "vandaag"
    if successor:
        text += f", opvolger {successor}"
    async with deps.uow() as uow:
        session = uow.session
        person = await _by_email(session, email)
        when, chosen, done = await plan(
            session, deps, person, text, now=now, actor="cli", origin="cli"
        )
        name = person.name
        await uow.commit()
    return announced_text(deps.translator(None), name, when, chosen, done, own=False)


async def _by_email(session: AsyncSession, email: str) -> Person:
    if "@" not in email:
        raise UserError('"{value}" is geen e-mailadres.', value=email)
    found = [p for p in await find_by_name(session, email) if p.active]
    if not found:
        raise UserError("Niemand in de sociale kaart heeft het e-mailadres {value}.", value=email)
    return found[0]


async def leave_all(session: AsyncSession, deps: Deps, ids: list[int], *, now: datetime) -> None:
    """A sync import's leavers: leaving today (with the successor of a departure planned
    before, else none), in the import's transaction."""
    today = today_of(deps, now)
    for person_id in ids:
        person = await session.get(Person, person_id)
        if person is None or person.left_at is not None:
            continue
        # A successor named earlier for a planned departure still takes over.
        planned = await session.get(Person, person.successor_id) if person.successor_id else None
        successor = planned if planned is not None and planned.active else None
        departures.announce(session, person, today, successor, now=now, actor="csv", origin="csv")
        await depart(session, deps, person, now=now, actor="csv")
