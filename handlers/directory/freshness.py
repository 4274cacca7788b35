"""The freshness ticker: ask people with an old entry whether it is still true.

Reminders go out on working days during office hours only (nobody wants a bot
message on Sunday night), in the person's own language, with 'Klopt nog' and
'Aanpassen' buttons. See directory.freshness for the rules.
"""

from __future__ import annotations

from datetime import datetime, time

from core.clock import amsterdam
from core.messages import Button, Recipient, Reply
from core.outbox import enqueue
from core.workdays import is_working_day
from directory import freshness
from directory.availability import format_availability
from directory.cards import theme_name
from directory.models import Person
from directory.phones import display_phone
from handlers.base import Deps
from handlers.directory.profile import CONFIRM_ACTION, EDIT_ACTION

BATCH = 100
SEND_FROM = time(9, 0)
SEND_UNTIL = time(17, 0)


def _office_hours(now: datetime, timezone: str) -> bool:
    local = amsterdam(now, timezone)
    return is_working_day(local.date()) and SEND_FROM <= local.time() < SEND_UNTIL


def reminder(deps: Deps, person: Person, step: str) -> Reply:
    """The question to one person, with their entry in short."""
    tr = deps.translator(person.language)
    _ = tr.gettext
    if step == "first":
        intro = _(
            "Hoi {name}! Klopt je vermelding op de sociale kaart nog? Collega's bellen je op "
            "basis hiervan.",
            name=person.name,
        )
    else:
        intro = _(
            "Hoi {name}, nog even over je vermelding op de sociale kaart. Als je niet "
            "reageert, laat /wie je over {days} dagen niet meer zien, tot je hem bevestigt.",
            name=person.name,
            days=deps.settings.directory.reminder_interval_days,
        )
    themes = tr.join(theme_name(t, tr) for t in person.themes) or "-"
    wijken = tr.join(sorted(w.name for w in person.wijken)) or _("de hele gemeente")
    lines = [
        intro,
        "",
        _("Thema's: {themes}", themes=themes),
        _("Wijken: {wijken}", wijken=wijken),
        _("Telefoon: {phone}", phone=display_phone(person.phone) if person.phone else "-"),
        _(
            "Bereikbaar: {windows}",
            windows=format_availability(person.availability, tr.language) or "-",
        ),
    ]
    return Reply(
        title=_("Klopt dit nog?"),
        text="\n".join(lines),
        buttons=(
            Button(_("Klopt nog"), CONFIRM_ACTION, "", "primary"),
            Button(_("Aanpassen"), EDIT_ACTION),
        ),
        private=True,
    )


async def tick(deps: Deps, now: datetime) -> int:
    """Send due reminders and drop entries whose reminders went unanswered."""
    if not _office_hours(now, deps.settings.bot.timezone):
        return 0
    config = deps.settings.directory
    async with deps.uow() as uow:
        items = await freshness.due(
            uow.session,
            now,
            freshness_days=config.freshness_days,
            interval_days=config.reminder_interval_days,
            limit=BATCH,
        )
        for item in items:
            if item.step == "drop":
                continue
            number = 1 if item.step == "first" else 2
            await enqueue(
                uow.session,
                Recipient(person_id=item.person.id),
                reminder(deps, item.person, item.step),
                now=now,
                kind="directory.freshness",
                dedupe_key=(
                    f"directory.freshness:{item.person.id}:"
                    f"{item.person.last_confirmed_at.isoformat()}:{number}"
                ),
            )
        freshness.mark(uow.session, items, now)
        await uow.commit()
    return len(items)
