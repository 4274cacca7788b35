"""A person's own data (AVG): /ik gegevens shows everything the bot keeps about the asker,
/beheer gegevens and the CLI's ``directory gegevens`` someone else's (erasure: `erasure`).

/ik gegevens answers privately with a summary, the whole record under ``data["gegevens"]``
(``krokodil say --json``) and as a JSON file where the platform takes files. Handovers and
meetings appear by label and title only; nothing about a resident is stored anyway.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import AuditEntry, person_actor
from core.audit import record as record_audit
from core.errors import UserError
from core.i18n import Translator
from core.messages import Attachment, Reply
from directory.availability import format_availability
from directory.identity import IdentityRepository
from directory.models import Person
from directory.people import find_by_name, load_people
from directory.phones import display_phone
from handlers.base import Command, Deps
from handovers.models import Handover, HandoverCase
from knelpunten.models import Knelpunt
from scheduler import meelopen
from scheduler.models import FeedToken, Meeting, Rsvp

# More audit entries than this are counted, the newest shown (the rest on request via an admin).
AUDIT_LIMIT = 1000


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def collect(session: AsyncSession, person_id: int) -> dict[str, Any]:
    """Everything the bot keeps about one person, as plain JSON values."""
    person = (await load_people(session, [person_id])).get(person_id)
    if person is None:
        raise UserError("Ik kan je gegevens niet vinden.")
    accounts = await IdentityRepository(session).accounts_of(person_id)
    participant = await meelopen.participant(session, person_id)
    feed = await session.get(FeedToken, person_id)
    handovers = list(
        await session.scalars(
            select(Handover)
            .where(or_(Handover.sender_id == person_id, Handover.receiver_id == person_id))
            .order_by(Handover.id)
        )
    )
    held = list(
        await session.scalars(
            select(HandoverCase)
            .where(HandoverCase.regie_holder_id == person_id)
            .order_by(HandoverCase.id)
        )
    )
    organised = list(
        await session.scalars(
            select(Meeting).where(Meeting.organiser_id == person_id).order_by(Meeting.id)
        )
    )
    answers = list(
        await session.execute(
            select(Rsvp, Meeting.title)
            .join(Meeting, Meeting.id == Rsvp.meeting_id)
            .where(Rsvp.person_id == person_id)
            .order_by(Rsvp.occurrence_start)
        )
    )
    reported = list(
        await session.scalars(
            select(Knelpunt).where(Knelpunt.reporter_id == person_id).order_by(Knelpunt.id)
        )
    )
    audit = list(
        await session.scalars(
            select(AuditEntry)
            .where(
                or_(
                    AuditEntry.actor == person_actor(person_id),
                    (AuditEntry.object_type == "person") & (AuditEntry.object_id == str(person_id)),
                )
            )
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(AUDIT_LIMIT)
        )
    )
    stand_in = await session.get(Person, person.stand_in_id) if person.stand_in_id else None
    successor = await session.get(Person, person.successor_id) if person.successor_id else None
    return {
        "entry": {
            "name": person.name,
            "organisation": person.organisation.name,
            "department": person.department,
            "role": person.role_title,
            "phone": person.phone,
            "email": person.email,
            "themes": sorted(t.name_nl for t in person.themes),
            "wijken": sorted(w.name for w in person.wijken),
            "availability": format_availability(person.availability or []),
            "special_roles": list(person.roles or []),
            "admin": person.is_admin,
            "in_directory": person.active,
            "absent_from": _iso(person.absent_from),
            "absent_until": _iso(person.absent_until),
            "stand_in": stand_in.name if stand_in else None,
            "last_confirmed_at": _iso(person.last_confirmed_at),
            "leaving_on": person.leaving_on.isoformat() if person.leaving_on else None,
            "successor": successor.name if successor else None,
            "created_at": _iso(person.created_at),
        },
        "accounts": [
            {
                "platform": a.platform,
                "id": a.external_id,
                "username": a.username,
                "linked_at": _iso(a.linked_at),
            }
            for a in accounts
        ],
        "settings": {
            "language": person.language,
            "meelopen": None
            if participant is None
            else {
                "taking_part": participant.active,
                "every_rounds": participant.every_rounds,
                "themes": list(participant.themes or []),
                "paused_until": _iso(participant.paused_until),
            },
            "calendar_feed": feed is not None,
        },
        "regie": [
            {
                "case": c.id,
                "label": c.reference_label,
                "since": _iso(c.regie_since),
                "closed_at": _iso(c.closed_at),
            }
            for c in held
        ],
        "handovers": [
            {
                "id": h.id,
                "case": h.case_id,
                "role": "sender" if h.sender_id == person_id else "receiver",
                "state": h.state,
                "label": h.reference_label,
                "sent_at": _iso(h.created_at),
                "decided_at": _iso(h.decided_at),
            }
            for h in handovers
        ],
        "meetings": {
            "organised": [{"id": m.id, "title": m.title, "kind": m.kind} for m in organised],
            "answers": [
                {
                    "meeting": r.meeting_id,
                    "title": title,
                    "time": _iso(r.occurrence_start),
                    "answer": r.answer,
                    "waiting_list": r.waitlisted,
                }
                for r, title in answers
            ],
        },
        "knelpunten_reported": [
            {
                "id": k.id,
                "domains": list(k.domains),
                "status": k.status,
                "reported_at": _iso(k.created_at),
            }
            for k in reported
        ],
        "audit": [
            {
                "at": _iso(e.at),
                "by": "you" if e.actor == person_actor(person_id) else e.actor,
                "action": e.action,
                "about": f"{e.object_type}:{e.object_id}",
                "result": e.result,
            }
            for e in audit
        ],
    }


async def my_data(cmd: Command, deps: Deps) -> Reply:
    """/ik gegevens: everything kept about the asker (privately, and as a file)."""
    async with deps.uow() as uow:
        record = await collect(uow.session, cmd.person_id)
    tr = cmd.tr
    body = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    return Reply(
        title=tr.gettext("Alles wat ik over je bewaar"),
        text=summary(record, tr),
        attachments=(Attachment("mijn-gegevens.json", "application/json", body),),
        private=True,
        data={"gegevens": record},
    )


def summary(record: dict[str, Any], tr: Translator) -> str:
    """The record in a few lines; the file has every detail."""
    entry = record["entry"]
    lines = [
        tr.gettext(
            "Vermelding: {name}, {organisation}; telefoon {phone}; e-mail {email}.",
            name=entry["name"],
            organisation=entry["organisation"],
            phone=display_phone(entry["phone"]) if entry["phone"] else "-",
            email=entry["email"] or "-",
        ),
        tr.gettext("Thema's: {themes}", themes=", ".join(entry["themes"]) or "-"),
        tr.gettext("Wijken: {wijken}", wijken=", ".join(entry["wijken"]) or "-"),
        tr.gettext(
            "Gekoppelde accounts: {accounts}",
            accounts=", ".join(a["platform"] for a in record["accounts"]) or "-",
        ),
        tr.gettext(
            "Instellingen: taal {language}; mee-loop-dagen {meelopen}; agenda-feed {feed}.",
            language=record["settings"]["language"] or "-",
            meelopen=tr.gettext("aan")
            if (record["settings"]["meelopen"] or {}).get("taking_part")
            else tr.gettext("uit"),
            feed=tr.gettext("aan") if record["settings"]["calendar_feed"] else tr.gettext("uit"),
        ),
        tr.gettext(
            "Regie: {cases} casussen; overdrachten: {handovers} (alleen kenmerken).",
            cases=sum(1 for c in record["regie"] if c["closed_at"] is None),
            handovers=len(record["handovers"]),
        ),
        tr.gettext(
            "Bijeenkomsten: {organised} georganiseerd, {answers} antwoorden; knelpunten gemeld: "
            "{knelpunten}; logregels over jou: {audit}.",
            organised=len(record["meetings"]["organised"]),
            answers=len(record["meetings"]["answers"]),
            knelpunten=len(record["knelpunten_reported"]),
            audit=len(record["audit"]),
        ),
        "",
        tr.gettext(
            "Alles staat in het bestand mijn-gegevens.json. Wil je dat ik alles over je wis? "
            "Typ /ik verwijder."
        ),
    ]
    return "\n".join(lines)


async def someone(session: AsyncSession, who: str) -> Person:
    """A person by name or e-mail for an admin, including someone who left (not erased)."""
    found = [p for p in await find_by_name(session, who, active_only=False) if p.erased_at is None]
    if len(found) != 1:
        raise UserError(
            'Ik weet niet zeker wie je bedoelt met "{name}". Gebruik het e-mailadres.', name=who
        )
    return found[0]


async def admin_data(cmd: Command, deps: Deps, who: str) -> Reply:
    """/beheer gegevens NAAM of E-MAIL: an inzage request, also for someone who left."""
    if not who:
        raise UserError("Van wie? Typ bijvoorbeeld: /beheer gegevens joost@example.org")
    async with deps.uow() as uow:
        person = await someone(uow.session, who)
        record = await collect(uow.session, person.id)
        audit_admin(uow.session, cmd, person.id, "person.data_shown")
        await uow.commit()
    body = json.dumps(record, ensure_ascii=False, indent=2).encode("utf-8")
    return Reply(
        title=cmd.tr.gettext("Alles wat ik over {name} bewaar", name=record["entry"]["name"]),
        text=summary(record, cmd.tr).rsplit("\n\n", 1)[0],
        attachments=(Attachment("gegevens.json", "application/json", body),),
        private=True,
        data={"gegevens": record},
    )


def audit_admin(session: AsyncSession, cmd: Command, person_id: int, action: str) -> None:
    """An admin looked at or changed someone else's data: that is on the record too."""
    record_audit(
        session,
        at=cmd.now,
        actor=person_actor(cmd.person_id),
        action=action,
        object_type="person",
        object_id=person_id,
        origin=cmd.invocation.platform,
    )


async def data_by_email(deps: Deps, email: str, now: datetime) -> dict[str, Any]:
    """`krokodil directory gegevens EMAIL`: the record of anyone not erased yet."""
    async with deps.uow() as uow:
        person = await someone(uow.session, email)
        record = await collect(uow.session, person.id)
        record_audit(uow.session, at=now, actor="cli", action="person.data_shown",
                     object_type="person", object_id=person.id, origin="cli")  # fmt: skip
        await uow.commit()
    return record
