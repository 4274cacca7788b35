"""/knelpunt and /knelpunten: report a bureaucratic blocker, and the list of open ones.

A professional reports what got stuck and in which domain(s); the oliemannetjes
of those domains (and a configured channel) get it with buttons to take it on.
The reporter hears who picked it up and every status change; others can say
"ik loop hier ook tegenaan" so recurring blockers become visible.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from core.messages import Button, Choice, Recipient, Reply
from core.outbox import enqueue
from directory.models import Person
from directory.reference import reference
from directory.understanding import understand
from handlers.base import Command, Deps, parse_id
from handlers.channels import channel_recipient
from handlers.knelpunten import followup, texts
from knelpunten import lifecycle
from knelpunten.models import Knelpunt
from knelpunten.repository import KnelpuntRepository

SUPPORT_WORDS = ("ook", "also", "metoo")


async def report(cmd: Command, deps: Deps) -> Reply:
    """/knelpunt [domein:] <wat liep vast> | /knelpunt <nummer> | /knelpunt ook <nummer>."""
    args = cmd.args.strip()
    if not args:
        return Reply(form=texts.new_form(cmd.tr))
    first, _, rest = args.partition(" ")
    if first.lower() in SUPPORT_WORDS:
        return await followup.support_number(cmd, deps, followup.parse_number(rest))
    number = parse_id(args)
    if number is not None:
        return await _show(cmd, deps, number)
    domains, description = lifecycle.parse_domains(args)
    description = lifecycle.check_text(description, minimum=lifecycle.MIN_DESCRIPTION)
    if not domains:
        return Reply(form=texts.new_form(cmd.tr, description))
    return await _create(cmd, deps, description, domains)


# Theme matches this good or better say which domain a knelpunt is about (weaker ones are
# often a near-miss on a word, e.g. "geschreven" ~ "gescheiden").
SURE_MATCH = 0.9


async def suggest_domains(
    cmd: Command, deps: Deps, field: str, values: dict[str, Any]
) -> tuple[Choice, ...]:
    """The domains of what the description is about first ("traplift" → Wmo, "beslagvrije
    voet" → Participatie), read as /wie reads a question: its themes, and their domains."""
    if field != "domeinen":
        return ()
    description = str(values.get("wat") or values.get("description") or "")
    async with deps.uow() as uow:
        ref = await reference(uow.session)
    domain_of = {t.key: t.domain for t in ref.themes}
    weight: dict[str, float] = {}
    for key, score in understand(description, ref, ask_back=False).themes:
        domain = domain_of.get(key)
        if score >= SURE_MATCH and domain in lifecycle.DOMAINS:
            weight[domain] = weight.get(domain, 0.0) + score
    if not weight:
        return ()
    # Most evidence first; equal evidence keeps the domains' usual order.
    first = sorted(weight, key=lambda d: (-weight[d], lifecycle.DOMAINS.index(d)))
    choices = {c.value: c for c in texts.domains_field(cmd.tr).choices}
    order = [*first, *(d for d in lifecycle.DOMAINS if d not in first)]
    return tuple(choices[d] for d in order)


async def submit_new(cmd: Command, deps: Deps) -> Reply:
    """The report form is complete."""
    assert cmd.invocation.submission is not None
    submission = cmd.invocation.submission
    raw = submission.values.get("domeinen", [])
    domains = [raw] if isinstance(raw, str) else list(raw)
    description = str(submission.values.get("wat") or submission.context.get("description", ""))
    return await _create(cmd, deps, description, domains)


async def _create(cmd: Command, deps: Deps, description: str, domains: list[str]) -> Reply:
    _ = cmd.tr.gettext
    config = deps.settings.knelpunten
    async with deps.uow() as uow:
        repo = uow.repo(KnelpuntRepository)
        knelpunt = await repo.add(
            lifecycle.new_knelpunt(cmd.person_id, domains, description, cmd.now)
        )
        followup.audit(uow.session, cmd, "knelpunt.reported", knelpunt)
        reporter = await uow.session.get(Person, cmd.person_id)
        people = await repo.oliemannetjes(knelpunt.domains, cmd.now) if config.notify_people else []
        people = [p for p in people if p.id != cmd.person_id]
        channels = list(
            dict.fromkeys(c for d in knelpunt.domains if (c := config.channel_for(d).strip()))
        )

        async def to_person(person: Person) -> None:
            recipient = Recipient(person_id=person.id)
            key = f"new:{person.id}"
            await _send(uow.session, cmd, deps, recipient, person.language, knelpunt, reporter, key)

        for person in people:
            await to_person(person)
        posted = []
        for spec in channels:
            target = channel_recipient(spec)
            if target is not None:
                await _send(uow.session, cmd, deps, target, None, knelpunt, reporter, f"new:{spec}")
                posted.append(spec)
        fallback: list[Person] = []
        if not people and not posted:
            fallback = [
                p for p in await repo.admins(deps.settings.bot.admins) if p.id != cmd.person_id
            ]
            for person in fallback:
                await to_person(person)
        await uow.commit()
    deps.wake_delivery()
    where = texts.domain_names(cmd.tr, knelpunt.domains)
    if people:
        sent_to = cmd.tr.ngettext(
            "Ik heb het doorgegeven aan het oliemannetje van {domains}: {names}.",
            "Ik heb het doorgegeven aan de oliemannetjes van {domains}: {names}.",
            len(people),
            domains=where,
            names=cmd.tr.join(p.name for p in people),
        )
    elif posted:
        sent_to = _("Ik heb het doorgegeven aan de oliemannetjes van {domains}.", domains=where)
    elif fallback:
        sent_to = _(
            "Er is nog geen oliemannetje voor {domains} bekend; ik heb het doorgegeven aan "
            "de beheerders: {names}.",
            domains=where,
            names=cmd.tr.join(p.name for p in fallback),
        )
    else:
        sent_to = _(
            "Er is nog geen oliemannetje voor {domains} bekend. Je melding is bewaard; vraag "
            "de beheerder een oliemannetje aan te wijzen.",
            domains=where,
        )
    return Reply(
        title=_("Knelpunt #{id} ontvangen", id=knelpunt.id),
        text=_("Dank je.")
        + " "
        + sent_to
        + " "
        + _("Je hoort van mij wie het oppakt en hoe het afloopt."),
        data={
            "knelpunt": knelpunt.id,
            "status": knelpunt.status,
            "notified": [p.id for p in people + fallback],
            "channels": posted,
        },
    )


async def _send(
    session: AsyncSession,
    cmd: Command,
    deps: Deps,
    to: Recipient,
    language: str | None,
    knelpunt: Knelpunt,
    reporter: Person | None,
    key: str,
) -> None:
    reply = texts.notice(knelpunt, reporter, deps.translator(language))
    await enqueue(
        session,
        to,
        reply,
        now=cmd.now,
        kind="knelpunt.new",
        dedupe_key=f"knelpunt:{knelpunt.id}:{key}",
    )


async def _show(cmd: Command, deps: Deps, knelpunt_id: int) -> Reply:
    async with deps.uow() as uow:
        repo = uow.repo(KnelpuntRepository)
        knelpunt = await followup.get_knelpunt(repo, knelpunt_id)
        count = await repo.count(knelpunt.id)
        supporters = await repo.supporters(knelpunt.id)
        handler = await uow.session.get(Person, knelpunt.handler_id or 0)
    admin = await followup.is_admin(cmd, deps)
    assert cmd.actor is not None
    buttons: tuple[Button, ...] = ()
    if knelpunt.status == lifecycle.RECEIVED and lifecycle.may_handle(cmd.actor.roles, admin):
        buttons += (
            Button(cmd.tr.gettext("Ik pak dit op"), texts.TAKE, str(knelpunt.id), "primary"),
        )
    if knelpunt.status == lifecycle.IN_PROGRESS and (knelpunt.handler_id == cmd.person_id or admin):
        buttons += texts.outcome_buttons(knelpunt.id, cmd.tr)
    if lifecycle.may_support(knelpunt, cmd.person_id, counted=cmd.person_id in supporters):
        buttons += (
            Button(cmd.tr.gettext("Ik loop hier ook tegenaan"), texts.SUPPORT, str(knelpunt.id)),
        )
    return texts.detail(knelpunt, count, handler, cmd.tr, buttons)


async def list_open(cmd: Command, deps: Deps) -> Reply:
    """/knelpunten: open knelpunten per domain, the most often met first."""
    _ = cmd.tr.gettext
    async with deps.uow() as uow:
        repo = uow.repo(KnelpuntRepository)
        found = await repo.open_ones()
        joined = await repo.supported_by(cmd.person_id)
    if not found:
        return Reply(
            text=_(
                "Er staan geen open knelpunten. Liep je ergens op vast? Meld het met /knelpunt."
            ),
            data={"open": []},
        )
    lines: list[str] = []
    for domain in lifecycle.DOMAINS:
        mine = [o for o in found if domain in o.knelpunt.domains]
        if mine:
            lines.append(_(texts.DOMAIN_LABELS[domain]))
            lines.extend("  " + texts.list_line(o.knelpunt, o.count, cmd.tr) for o in mine)
    # 'Ik ook' only where it would count: not on your own report, one you handle, or one
    # you already said you ran into.
    can_join = [
        o
        for o in found
        if lifecycle.may_support(o.knelpunt, cmd.person_id, counted=o.knelpunt.id in joined)
    ]
    buttons = tuple(
        Button(_("Ik ook: #{id}", id=o.knelpunt.id), texts.SUPPORT, str(o.knelpunt.id))
        for o in can_join[:5]
    )
    if buttons:
        lines.append("")
        lines.append(_("Loop jij er ook tegenaan? Tik op de knop, of typ /knelpunt ook <nummer>."))
    return Reply(
        title=_("Open knelpunten"),
        text="\n".join(lines),
        buttons=buttons,
        data={"open": [{"id": o.knelpunt.id, "count": o.count} for o in found]},
    )
