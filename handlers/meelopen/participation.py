"""/meelopen: opt in, out or pause; every round the bot pairs people across organisations.

Each group gets an introduction with everyone's phone number, and later the question
whether the day happened; a day that happened makes them acquaintances in the directory.
"""

from __future__ import annotations

import re
from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.errors import UserError
from core.i18n import N_
from core.messages import Reply
from handlers.base import Command, Deps
from handlers.meetings.cards import theme_names
from handlers.meetings.plan import match_themes
from scheduler import meelopen

FREQUENCIES = (
    (3, re.compile(r"\b(?:per|elk|ieder|eens per|1x per) kwartaal\b|\bquarterly\b")),
    (
        2,
        re.compile(
            r"\bom de (?:ronde|maand)\b|\belke 2 (?:rondes|maanden)\b|\btweemaandelijks\b"
            r"|\bevery other (?:round|month)\b"
        ),
    ),
    (
        1,
        re.compile(
            r"\b(?:elke|iedere) (?:ronde|maand)\b|\bmaandelijks\b|\b1x per maand\b|\bmonthly\b"
            r"|\bevery (?:round|month)\b"
        ),
    ),
)
FREQUENCY_LABELS = {1: N_("elke ronde"), 2: N_("om de ronde"), 3: N_("eens per kwartaal")}


async def meelopen_command(cmd: Command, deps: Deps) -> Reply:
    """/meelopen, /meelopen aan [hoe vaak] [thema's], /meelopen uit, /meelopen pauze <weken>."""
    word, _, rest = cmd.args.strip().partition(" ")
    word = word.lower()
    if word in ("aan", "on", "ja"):
        return await _opt_in(cmd, deps, rest)
    if word in ("uit", "off", "stop"):
        return await _opt_out(cmd, deps)
    if word in ("pauze", "pause", "snooze"):
        return await _pause(cmd, deps, rest)
    return await _status(cmd, deps)


def _round_weeks(deps: Deps) -> int:
    return deps.settings.meetings.meelopen.round_weeks


async def _opt_in(cmd: Command, deps: Deps, rest: str) -> Reply:
    text = rest.lower()
    every = 1
    for rounds, pattern in FREQUENCIES:
        if pattern.search(text):
            every, text = rounds, pattern.sub(" ", text)
            break
    async with deps.uow() as uow:
        keys, unknown = await match_themes(uow.session, text.strip(" ,"))
        if unknown:
            word, close = unknown[0]
            if close:
                raise UserError(
                    "Het thema '{word}' ken ik niet. Bedoel je {options}?",
                    word=word,
                    options=cmd.tr.join(close),
                )
            raise UserError("Het thema '{word}' ken ik niet.", word=word)
        await meelopen.opt_in(uow.session, cmd.person_id, every, keys, cmd.now)
        names = await theme_names(uow.session, keys, cmd.tr)
        _audit(uow.session, cmd, "meelopen.opt_in")
        await uow.commit()
    tr = cmd.tr
    lines = [
        tr.gettext(
            "Je doet mee met de mee-loop-dagen ({how}). Elke {weeks} weken koppel ik je aan "
            "iemand van een andere organisatie die je nog niet kent.",
            how=tr.gettext(FREQUENCY_LABELS[every]),
            # 'om de ronde' means every other round: say the weeks that applies to you.
            weeks=every * _round_weeks(deps),
        )
    ]
    if keys:
        lines.append(tr.gettext("Je bent benieuwd naar: {themes}.", themes=", ".join(names)))
    lines.append(tr.gettext("Even niet? /meelopen pauze 8. Stoppen: /meelopen uit."))
    return Reply(text="\n".join(lines), data={"every_rounds": every, "themes": keys})


async def _opt_out(cmd: Command, deps: Deps) -> Reply:
    async with deps.uow() as uow:
        changed = await meelopen.opt_out(uow.session, cmd.person_id, cmd.now)
        if changed:
            _audit(uow.session, cmd, "meelopen.opt_out")
        await uow.commit()
    if not changed:
        return Reply(text=cmd.tr.gettext("Je deed niet mee. Meedoen: /meelopen aan"))
    return Reply(
        text=cmd.tr.gettext("Je doet niet meer mee. Weer meedoen kan altijd: /meelopen aan")
    )


async def _pause(cmd: Command, deps: Deps, rest: str) -> Reply:
    weeks_text = rest.strip().split(" ")[0] if rest.strip() else ""
    if not weeks_text.isdecimal() or not 1 <= int(weeks_text) <= 52:
        raise UserError("Hoeveel weken pauze? Bijvoorbeeld: /meelopen pauze 8 (1 tot 52 weken).")
    until = cmd.now + timedelta(weeks=int(weeks_text))
    async with deps.uow() as uow:
        changed = await meelopen.pause(uow.session, cmd.person_id, until, cmd.now)
        if changed:
            _audit(uow.session, cmd, "meelopen.pause")
        await uow.commit()
    if not changed:
        return Reply(text=cmd.tr.gettext("Je doet nog niet mee. Meedoen: /meelopen aan"))
    return Reply(
        text=cmd.tr.gettext(
            "Pauze tot {date}. Daarna koppel ik je weer.",
            date=cmd.tr.date(until.astimezone(_zone(deps))),
        )
    )


async def _status(cmd: Command, deps: Deps) -> Reply:
    tr = cmd.tr
    async with deps.uow() as uow:
        row = await meelopen.participant(uow.session, cmd.person_id)
        names = await theme_names(uow.session, row.themes, tr) if row and row.themes else []
    intro = tr.gettext(
        "Mee-loop-dagen: een dagdeel meelopen met een collega van een andere organisatie. "
        "Zo leer je elkaar kennen, en bel je elkaar later makkelijker."
    )
    if row is None or not row.active:
        status = tr.gettext(
            "Je doet nog niet mee. Meedoen: /meelopen aan (bijvoorbeeld: "
            "/meelopen aan om de ronde schulden)"
        )
    elif row.paused_until is not None and row.paused_until > cmd.now:
        status = tr.gettext(
            "Je hebt pauze tot {date}.", date=tr.date(row.paused_until.astimezone(_zone(deps)))
        )
    else:
        status = tr.gettext(
            "Je doet mee ({how}).",
            how=tr.gettext(FREQUENCY_LABELS.get(row.every_rounds, FREQUENCY_LABELS[1])),
        )
        if names:
            status += "\n" + tr.gettext("Je bent benieuwd naar: {themes}.", themes=", ".join(names))
    return Reply(text=f"{intro}\n{status}")


def _zone(deps: Deps) -> ZoneInfo:
    return ZoneInfo(deps.settings.bot.timezone)


def _audit(session: AsyncSession, cmd: Command, action: str) -> None:
    record(
        session,
        at=cmd.now,
        actor=person_actor(cmd.person_id),
        action=action,
        object_type="person",
        object_id=cmd.person_id,
        origin=cmd.invocation.platform,
    )
