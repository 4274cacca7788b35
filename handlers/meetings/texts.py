"""Words for meetings: kinds, answers, recurrence in plain Dutch, dates, and button references."""

from __future__ import annotations

from datetime import UTC, datetime

from core.i18n import N_, Translator
from handlers.base import parse_id
from scheduler.models import Meeting
from scheduler.recurrence import Occurrence, shape

KIND_LABELS = {
    "netwerkbijeenkomst": N_("Netwerkbijeenkomst"),
    "dialoogtafel": N_("Dialoogtafel"),
    "casuistiekoverleg": N_("Casuïstiekoverleg"),
    "intervisie": N_("Intervisie"),
    "vrij": N_("Bijeenkomst"),
}
STATUS_LABELS = {
    "ja": N_("ja"),
    "nee": N_("nee"),
    "misschien": N_("misschien"),
    "wacht": N_("op de wachtlijst"),
}
WEEKDAY_NAMES = (
    N_("maandag"),
    N_("dinsdag"),
    N_("woensdag"),
    N_("donderdag"),
    N_("vrijdag"),
    N_("zaterdag"),
    N_("zondag"),
)
ORDINALS = {1: N_("1e"), 2: N_("2e"), 3: N_("3e"), 4: N_("4e"), -1: N_("laatste")}
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def encode_key(moment: datetime) -> str:
    """An occurrence key for a button value: base-36 seconds, never a run of 8 digits."""
    number = int(moment.timestamp())
    text = ""
    while number:
        number, rest = divmod(number, 36)
        text = _DIGITS[rest] + text
    return text or "0"


def decode_key(text: str) -> datetime:
    """Back from :func:`encode_key`; ValueError on garbage."""
    try:
        return datetime.fromtimestamp(int(text, 36), tz=UTC)
    except (OverflowError, OSError) as error:  # a number past the year 9999
        raise ValueError(f"not an occurrence key: {text!r}") from error


def ref(meeting_id: int, key: datetime | None = None, *rest: str) -> str:
    """A button value: '12', '12:tof7c0', '12:tof7c0:ja' or '12::zeker'.

    ':' is no separator the BSN guard joins digit groups across, so a value never looks
    like a citizen number however large the ids grow.
    """
    parts = [str(meeting_id)]
    if key is not None or rest:
        parts.append(encode_key(key) if key is not None else "")
    return ":".join(parts + list(rest))


def parse_ref(value: str) -> tuple[int, datetime | None, list[str]]:
    """Meeting id, occurrence key (or None) and the rest of a button value."""
    parts = value.split(":")
    meeting_id = parse_id(parts[0])
    try:
        if meeting_id is None:
            raise ValueError("no meeting id")
        key = decode_key(parts[1]) if len(parts) > 1 and parts[1] else None
    except ValueError as error:
        raise ValueError(f"not a meeting reference: {value!r}") from error
    return meeting_id, key, parts[2:]


def kind_label(kind: str, tr: Translator) -> str:
    """'Dialoogtafel', 'Casuïstiekoverleg' …"""
    return tr.gettext(KIND_LABELS.get(kind, KIND_LABELS["vrij"]))


def describe_rule(rrule: str, tr: Translator) -> str:
    """'eenmalig', 'elke week op dinsdag', 'elke 2e dinsdag van de maand' …"""
    rule = shape(rrule)
    day = tr.gettext(WEEKDAY_NAMES[rule.weekday]) if rule.weekday is not None else ""
    if rule.frequency == "once":
        return tr.gettext("eenmalig")
    if rule.frequency == "weekly" and day:
        if rule.interval == 1:
            return tr.gettext("elke week op {day}", day=day)
        return tr.gettext("elke {n} weken op {day}", n=rule.interval, day=day)
    if rule.frequency == "monthly" and day and rule.nth in ORDINALS:
        return tr.gettext(
            "elke {nth} {day} van de maand", nth=tr.gettext(ORDINALS[rule.nth]), day=day
        )
    return tr.gettext("herhaalt volgens een eigen schema")


def when_text(occurrence: Occurrence, tr: Translator) -> str:
    """'dinsdag 8 december 14:00–15:30'."""
    return f"{tr.datetime(occurrence.start)}–{tr.time(occurrence.end)}"


def short_when(occurrence: Occurrence, tr: Translator) -> str:
    """'di 8 dec 14:00'."""
    return tr.datetime(occurrence.start, "EEE d MMM HH:mm")


def where_text(meeting: Meeting, occurrence: Occurrence | None = None) -> str:
    """The place (a changed one first) and the video link."""
    place = (occurrence.place if occurrence else None) or meeting.place
    return " · ".join(p for p in (place, meeting.video_url or "") if p)


def headline(meeting: Meeting, tr: Translator) -> str:
    """'Dialoogtafel: Schulden en schaamte'; a title that already names the kind stands alone
    ('Dialoogtafel schulden', not 'Dialoogtafel: Dialoogtafel schulden')."""
    kind = kind_label(meeting.kind, tr)
    if meeting.title.casefold().startswith(kind.casefold()):
        return meeting.title
    return f"{kind}: {meeting.title}"


def agenda_line(meeting: Meeting, occurrence: Occurrence, tr: Translator, status: str = "") -> str:
    """One line of an agenda: '• di 8 dec 14:00 — Dialoogtafel: Schulden (#12) · jij: ja'."""
    line = f"• {short_when(occurrence, tr)} — {headline(meeting, tr)} (#{meeting.id})"
    place = where_text(meeting, occurrence)
    if place:
        line += f", {place}"
    if status:
        line += " · " + tr.gettext("jij: {answer}", answer=tr.gettext(STATUS_LABELS[status]))
    return line
