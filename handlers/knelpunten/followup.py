"""Following a knelpunt up: take it on, give the outcome, 'ik ook', and forget its free text.

Reporting lives in ``report``; the words of every message in ``texts``.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import Forbidden, UserError
from core.messages import Button, Recipient, Reply
from core.outbox import enqueue
from directory.models import Person
from handlers.base import Command, Deps, parse_id
from handlers.knelpunten import texts
from knelpunten import lifecycle
from knelpunten.models import Knelpunt
from knelpunten.repository import KnelpuntRepository


async def take(cmd: Command, deps: Deps) -> Reply:
    """'Ik pak dit op': the oliemannetje takes it on; the reporter hears who."""
    _ = cmd.tr.gettext
    assert cmd.actor is not None
    admin = await is_admin(cmd, deps)
    if not lifecycle.may_handle(cmd.actor.roles, admin):
        # Before anything is read: someone who may not take it on learns nothing of its state.
        raise Forbidden("Alleen een oliemannetje kan een knelpunt oppakken.")
    async with deps.uow() as uow:
        knelpunt = await get_knelpunt(
            uow.repo(KnelpuntRepository), parse_number(cmd.args), lock=True
        )
        if knelpunt.status != lifecycle.RECEIVED:
            holder = await uow.session.get(Person, knelpunt.handler_id or 0)
            if knelpunt.handler_id == cmd.person_id:
                return Reply(
                    text=_("Je had knelpunt #{id} al opgepakt.", id=knelpunt.id),
                    buttons=_outcome_buttons(knelpunt, cmd),
                )
            return Reply(
                text=_(
                    "Knelpunt #{id} is al opgepakt door {who}.",
                    id=knelpunt.id,
                    who=texts.who(holder, cmd.tr),
                )
            )
        lifecycle.take(knelpunt, cmd.person_id, cmd.actor.roles, admin, cmd.now)
        audit(uow.session, cmd, "knelpunt.taken", knelpunt)
        handler = await uow.session.get(Person, cmd.person_id)
        reporter = await uow.session.get(Person, knelpunt.reporter_id or 0)
        if reporter is not None:
            await enqueue(
                uow.session,
                Recipient(person_id=reporter.id),
                texts.taken_for_reporter(knelpunt, handler, deps.translator(reporter.language)),
                now=cmd.now,
                kind="knelpunt.status",
                dedupe_key=f"knelpunt:{knelpunt.id}:taken",
            )
        await uow.commit()
    deps.wake_delivery()
    text = _(
        "Je hebt knelpunt #{id} opgepakt. De melder hoort van mij dat jij het oppakt.",
        id=knelpunt.id,
    )
    return Reply(
        text=text
        + texts.call_hint(reporter, cmd.tr)
        + "\n"
        + _("Kies de uitkomst als het zover is:"),
        buttons=texts.outcome_buttons(knelpunt.id, cmd.tr),
        data={"knelpunt": knelpunt.id, "status": knelpunt.status},
    )


async def choose_outcome(cmd: Command, deps: Deps) -> Reply:
    """An outcome button: ask for the explanation the reporter will get."""
    raw_id, _sep, status = cmd.args.partition(":")
    if status not in lifecycle.FINAL_STATUSES:
        raise UserError("Die uitkomst ken ik niet.")
    async with deps.uow() as uow:
        knelpunt = await get_knelpunt(uow.repo(KnelpuntRepository), parse_number(raw_id))
    # Who acts before the state: an outsider learns nothing about the knelpunt.
    if knelpunt.handler_id != cmd.person_id and not await is_admin(cmd, deps):
        raise UserError("Alleen wie het knelpunt oppakte kan de uitkomst geven.")
    if knelpunt.status != lifecycle.IN_PROGRESS:
        raise UserError("Knelpunt #{id} is niet in behandeling.", id=knelpunt.id)
    return Reply(form=texts.outcome_form(cmd.tr, knelpunt.id, status))


async def submit_outcome(cmd: Command, deps: Deps) -> Reply:
    """The outcome and its explanation: close it, tell the reporter and who ran into it too."""
    _ = cmd.tr.gettext
    assert cmd.invocation.submission is not None
    submission = cmd.invocation.submission
    status = submission.context.get("status", "")
    explanation = str(submission.values.get("uitleg", ""))
    async with deps.uow() as uow:
        repo = uow.repo(KnelpuntRepository)
        knelpunt = await get_knelpunt(
            repo, parse_number(submission.context.get("id", "")), lock=True
        )
        lifecycle.close(
            knelpunt, cmd.person_id, await is_admin(cmd, deps), status, explanation, cmd.now
        )
        audit(uow.session, cmd, f"knelpunt.{status}", knelpunt)
        handler = await uow.session.get(Person, cmd.person_id)
        told = 0
        for person_id in [knelpunt.reporter_id, *await repo.supporters(knelpunt.id)]:
            person = await uow.session.get(Person, person_id or 0)
            if person is None or person.id == cmd.person_id:
                continue
            reply = texts.outcome_for(
                knelpunt,
                handler,
                deps.translator(person.language),
                reporter=person.id == knelpunt.reporter_id,
            )
            await enqueue(
                uow.session,
                Recipient(person_id=person.id),
                reply,
                now=cmd.now,
                kind="knelpunt.status",
                dedupe_key=f"knelpunt:{knelpunt.id}:closed:{person.id}",
            )
            told += 1
        await uow.commit()
    deps.wake_delivery()
    label = _(lifecycle.STATUS_LABELS[knelpunt.status])
    return Reply(
        text=_("Knelpunt #{id} staat nu op: {status}.", id=knelpunt.id, status=label)
        + " "
        + cmd.tr.ngettext("{n} persoon krijgt je uitleg.", "{n} mensen krijgen je uitleg.", told),
        data={"knelpunt": knelpunt.id, "status": knelpunt.status, "told": told},
    )


async def support(cmd: Command, deps: Deps) -> Reply:
    """The 'ik loop hier ook tegenaan' button."""
    return await support_number(cmd, deps, parse_number(cmd.args))


async def support_number(cmd: Command, deps: Deps, knelpunt_id: int) -> Reply:
    _ = cmd.tr.gettext
    async with deps.uow() as uow:
        repo = uow.repo(KnelpuntRepository)
        knelpunt = await get_knelpunt(repo, knelpunt_id)
        if not lifecycle.is_open(knelpunt):
            label = _(lifecycle.STATUS_LABELS[knelpunt.status])
            return Reply(
                text=_("Knelpunt #{id} is al afgerond: {status}.", id=knelpunt.id, status=label)
            )
        if knelpunt.reporter_id == cmd.person_id:
            return Reply(
                text=_("Je hebt knelpunt #{id} zelf gemeld; je telt al mee.", id=knelpunt.id)
            )
        if knelpunt.handler_id == cmd.person_id:
            # The notice's 'ik ook' button stays on the message after 'ik pak dit op'.
            return Reply(
                text=_(
                    "Je hebt knelpunt #{id} zelf opgepakt. Kies de uitkomst als het zover is.",
                    id=knelpunt.id,
                ),
                buttons=_outcome_buttons(knelpunt, cmd),
            )
        added = await repo.add_support(knelpunt.id, cmd.person_id, cmd.now)
        if added:
            audit(uow.session, cmd, "knelpunt.supported", knelpunt)
        count = await repo.count(knelpunt.id)
        await uow.commit()
    counted = cmd.tr.ngettext(
        "Nu loopt {n} persoon hier tegenaan.", "Nu lopen {n} mensen hier tegenaan.", count
    )
    first = (
        _("Genoteerd: jij loopt ook tegen knelpunt #{id} aan.", id=knelpunt.id)
        if added
        else _("Je had al aangegeven dat je tegen knelpunt #{id} aanloopt.", id=knelpunt.id)
    )
    return Reply(text=f"{first} {counted}", data={"knelpunt": knelpunt.id, "count": count})


async def get_knelpunt(
    repo: KnelpuntRepository, knelpunt_id: int, *, lock: bool = False
) -> Knelpunt:
    knelpunt = await repo.get(knelpunt_id, for_update=lock)
    if knelpunt is None:
        raise UserError(
            "Knelpunt #{id} ken ik niet. Typ /knelpunten voor de open knelpunten.", id=knelpunt_id
        )
    return knelpunt


def parse_number(text: str) -> int:
    number = parse_id(text)
    if number is None:
        raise UserError("Geef het nummer van het knelpunt, bijvoorbeeld: /knelpunt ook 12")
    return number


def _outcome_buttons(knelpunt: Knelpunt, cmd: Command) -> tuple[Button, ...]:
    if knelpunt.status != lifecycle.IN_PROGRESS:
        return ()
    return texts.outcome_buttons(knelpunt.id, cmd.tr)


async def is_admin(cmd: Command, deps: Deps) -> bool:
    """The person's admin flag, or their e-mail in bot.admins."""
    if cmd.actor is None:
        return False
    if cmd.actor.is_admin:
        return True
    admins = {a.lower() for a in deps.settings.bot.admins}
    if not admins:
        return False
    async with deps.uow() as uow:
        person = await uow.session.get(Person, cmd.person_id)
    return person is not None and (person.email or "").lower() in admins


def audit(session: AsyncSession, cmd: Command, action: str, knelpunt: Knelpunt) -> None:
    record(
        session,
        at=cmd.now,
        actor=person_actor(cmd.person_id),
        action=action,
        object_type="knelpunt",
        object_id=knelpunt.id,
        result=knelpunt.status,
        origin=cmd.invocation.platform,
    )


async def forget_free_text(deps: Deps, now: datetime) -> int:
    """Retention: closed knelpunten lose their description and explanation (ticker)."""
    cutoff = now - timedelta(days=deps.settings.knelpunten.retention_days)
    async with deps.uow() as uow:
        expired = await uow.repo(KnelpuntRepository).past_retention(cutoff)
        for knelpunt in expired:
            lifecycle.redact(knelpunt, now)
            record(
                uow.session,
                at=now,
                actor="system",
                action="knelpunt.redacted",
                object_type="knelpunt",
                object_id=knelpunt.id,
                result=knelpunt.status,
            )
        await uow.commit()
    return len(expired)
