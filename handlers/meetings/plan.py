"""/plan: the guided form that creates a meeting, and the checks on every answer.

The form needs no database, so Slack opens it as a modal at once; elsewhere the dispatcher
asks it step by step. Wrong answers come back as a short follow-up form with only those
questions, the good answers riding along in the form's context.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.bsn import contains_bsn
from core.errors import UserError
from core.i18n import N_, Translator
from core.messages import Choice, Field, Form, Reply
from directory.matching import closest_themes, understand_themes
from directory.models import Theme
from handlers.base import Command, Deps
from handlers.meetings.texts import KIND_LABELS, describe_rule
from scheduler.dates import parse_duration, parse_moment
from scheduler.models import MEETING_KINDS
from scheduler.recurrence import rule_for
from scheduler.repository import MeetingDraft

FORM_ID = "meetings.plan"
# Values are not bare numbers: a pressed button's value must not read as "option number 90".
DURATIONS = (
    ("30min", N_("30 minuten")),
    ("60min", N_("1 uur")),
    ("90min", N_("1,5 uur")),
    ("120min", N_("2 uur")),
    ("180min", N_("3 uur")),
)
HOLIDAYS = (
    ("skip", N_("die keer vervalt")),
    ("move", N_("naar de volgende werkdag")),
    ("keep", N_("gaat gewoon door")),
)
MAX_SEATS = 500


def _recurrence_choices(
    tr: Translator, start_text: str | None = None, now: Any = None
) -> tuple[Choice, ...]:
    labels = {
        "once": tr.gettext("eenmalig"),
        "weekly": tr.gettext("elke week"),
        "biweekly": tr.gettext("elke 2 weken"),
        "monthly": tr.gettext("elke maand, zelfde week en dag (bijv. elke 2e dinsdag)"),
    }
    if start_text and now is not None:
        try:
            start = parse_moment(start_text, now, tr.timezone).astimezone(_zone(tr))
        except UserError:
            start = None
        if start is not None:
            local = start.replace(tzinfo=None)
            for choice in ("weekly", "biweekly", "monthly"):
                labels[choice] = describe_rule(rule_for(choice, local), tr)
    return tuple(Choice(value, label) for value, label in labels.items())


def _zone(tr: Translator) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(tr.timezone)


def _fields(tr: Translator) -> dict[str, Field]:
    _ = tr.gettext
    kinds = tuple(Choice(k, _(KIND_LABELS[k])) for k in MEETING_KINDS)
    return {
        "kind": Field("kind", _("Wat voor bijeenkomst wordt het?"), "choice", choices=kinds),
        "title": Field(
            "title", _("Hoe heet de bijeenkomst?"), hint=_("Bijvoorbeeld: Schulden en schaamte")
        ),
        "themes": Field(
            "themes",
            _("Over welk thema gaat het?"),
            required=False,
            hint=_("Een of meer thema's, bijvoorbeeld: schulden, wonen"),
        ),
        "wijk": Field("wijk", _("Voor welke wijk? (leeg = de hele gemeente)"), required=False),
        "start": Field(
            "start",
            _("Wanneer begint de (eerste) bijeenkomst?"),
            "datetime",
            hint=_("Bijvoorbeeld: di 8 dec 14:00 of 2026-12-08 14:00"),
        ),
        "duration": Field(
            "duration",
            _("Hoe lang duurt het?"),
            "choice",
            choices=tuple(Choice(v, _(label)) for v, label in DURATIONS),
        ),
        "recurrence": Field(
            "recurrence", _("Hoe vaak?"), "choice", choices=_recurrence_choices(tr)
        ),
        "holiday": Field(
            "holiday",
            _("Valt een keer op een feestdag, wat dan?"),
            "choice",
            required=False,
            hint=_("Alleen voor een bijeenkomst die terugkomt."),
            choices=tuple(Choice(v, _(label)) for v, label in HOLIDAYS),
        ),
        "place": Field(
            "place",
            _("Waar? Een adres of een videolink"),
            hint=_("Bijvoorbeeld: Wijkcentrum De Schakel, of https://meet.example.org/abc"),
        ),
        "seats": Field(
            "seats",
            _("Hoeveel plaatsen zijn er?"),
            required=False,
            hint=_("Een getal. Geen maximum? Sla deze vraag over."),
        ),
    }


def plan_form(tr: Translator) -> Form:
    """The whole /plan form (Slack opens it as a modal straight away)."""
    return Form(
        form_id=FORM_ID,
        title=tr.gettext("Bijeenkomst plannen"),
        fields=tuple(_fields(tr).values()),
        submit_label=tr.gettext("Plannen"),
        intro=tr.gettext("We plannen een bijeenkomst. Typ 'annuleren' om te stoppen."),
    )


def applies(field: str, values: dict[str, Any]) -> bool:
    """Step by step, a one-off meeting is not asked what happens on a holiday: it keeps its
    date (only a series skips or moves a time that falls on one)."""
    return not (field == "holiday" and values.get("recurrence") == "once")


async def suggest(
    cmd: Command, deps: Deps, field: str, values: dict[str, Any]
) -> tuple[Choice, ...]:
    """'elke 2e dinsdag van de maand' once the start date is known."""
    if field == "recurrence":
        start = values.get("start")
        return _recurrence_choices(cmd.tr, start if isinstance(start, str) else None, cmd.now)
    return ()


@dataclass(frozen=True)
class Checked:
    """The answers that passed, and per failed question the reason."""

    values: dict[str, str]
    errors: dict[str, str]


async def match_themes(
    session: AsyncSession, text: str
) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """Theme keys for 'schulden, wonen'; and each part that matched nothing, with suggestions."""
    themes = list(await session.scalars(select(Theme)))
    keys: list[str] = []
    unknown: list[tuple[str, list[str]]] = []
    for part in (p.strip() for p in text.replace(";", ",").replace(" en ", ",").split(",")):
        if not part:
            continue
        found = understand_themes(part, themes)
        if found:
            keys.extend(k for k, _score in found[:1] if k not in keys)
        else:
            unknown.append((part, closest_themes(part, themes)))
    return keys, unknown


def _answers(cmd: Command) -> dict[str, str]:
    submission = cmd.invocation.submission
    assert submission is not None
    try:
        earlier = json.loads(submission.context.get("answers", "{}"))
    except ValueError:
        earlier = None
    # The bot wrote this context; anything but text answers by name is not from us.
    if not isinstance(earlier, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in earlier.items()
    ):
        raise UserError("Dit formulier is al afgerond of verlopen.")
    now = {k: v if isinstance(v, str) else ", ".join(v) for k, v in submission.values.items()}
    return {**earlier, **{k: v.strip() for k, v in now.items() if v is not None}}


def _text(value: str, limit: int, name: str, errors: dict[str, str], tr: Translator) -> str:
    if contains_bsn(value):
        errors[name] = tr.gettext("Hier lijkt een BSN in te staan. Haal het nummer weg.")
    elif len(value) > limit:
        errors[name] = tr.gettext("Dit is te lang: houd het bij {n} tekens.", n=limit)
    return value


async def check(
    cmd: Command, deps: Deps, session: AsyncSession
) -> tuple[MeetingDraft | None, Reply | None]:
    """A draft from the answers, or a follow-up form asking again what was wrong."""
    tr = cmd.tr
    values = _answers(cmd)
    errors: dict[str, str] = {}
    kind = values.get("kind", "")
    if kind not in MEETING_KINDS:
        errors["kind"] = tr.gettext("Kies een van de soorten.")
    title = _text(values.get("title", ""), 200, "title", errors, tr)
    if not title and "title" not in errors:
        errors["title"] = tr.gettext("Geef de bijeenkomst een naam.")
    theme_keys, unknown = await match_themes(session, values.get("themes", ""))
    if unknown:
        word, close = unknown[0]
        hint = tr.gettext("Het thema '{word}' ken ik niet.", word=word)
        if close:
            hint += " " + tr.gettext("Bedoel je {options}?", options=tr.join(close))
        errors["themes"] = hint
    wijk = _text(values.get("wijk", ""), 120, "wijk", errors, tr)
    start = None
    try:
        start = parse_moment(values.get("start", ""), cmd.now, deps.settings.bot.timezone)
    except UserError as error:
        errors["start"] = tr.gettext(error.msgid, **error.values)
    duration = 60
    try:
        duration = parse_duration(values.get("duration", "60") or "60")
    except UserError as error:
        errors["duration"] = tr.gettext(error.msgid, **error.values)
    recurrence = values.get("recurrence", "once") or "once"
    if recurrence not in ("once", "weekly", "biweekly", "monthly"):
        errors["recurrence"] = tr.gettext("Kies hoe vaak de bijeenkomst is.")
    holiday = values.get("holiday") or "skip"
    if holiday not in ("skip", "move", "keep"):
        errors["holiday"] = tr.gettext("Kies wat er op een feestdag gebeurt.")
    place = _text(values.get("place", ""), 300, "place", errors, tr)
    seats = None
    if values.get("seats"):
        raw = values["seats"]
        if raw.isdecimal() and 1 <= int(raw) <= MAX_SEATS:
            seats = int(raw)
        else:
            errors["seats"] = tr.gettext(
                "Typ een getal van 1 tot {max}, of - voor geen maximum.", max=MAX_SEATS
            )
    if errors:
        return None, _ask_again(tr, values, errors)
    assert start is not None
    is_link = place.lower().startswith(("http://", "https://"))
    inv = cmd.invocation
    local = start.astimezone(_zone(tr)).replace(tzinfo=None)
    draft = MeetingDraft(
        kind=kind,
        title=title,
        starts_at=start,
        duration_minutes=duration,
        organiser_id=cmd.person_id,
        themes=tuple(theme_keys),
        wijk=wijk or None,
        place="" if is_link else place,
        video_url=place if is_link else None,
        platform=None if inv.is_direct else inv.platform,
        chat=None if inv.is_direct else inv.chat,
        rrule=rule_for(recurrence, local),
        holiday_policy=holiday,
        seat_limit=seats,
        timezone=deps.settings.bot.timezone,
    )
    return draft, None


def _ask_again(tr: Translator, values: dict[str, str], errors: dict[str, str]) -> Reply:
    fields = _fields(tr)
    again = tuple(
        Field(f.name, f.label, f.kind, f.required, errors[f.name], f.choices)
        for name, f in fields.items()
        if name in errors
    )
    kept = {k: v for k, v in values.items() if k not in errors}
    form = Form(
        form_id=FORM_ID,
        title=tr.gettext("Bijeenkomst plannen"),
        fields=again,
        submit_label=tr.gettext("Plannen"),
        context={"answers": json.dumps(kept)},
    )
    return Reply(
        text=tr.ngettext(
            "Eén antwoord klopt nog niet. Ik vraag het opnieuw.",
            "{n} antwoorden kloppen nog niet. Ik vraag ze opnieuw.",
            len(errors),
        ),
        form=form,
    )
