"""Editing your own entry (/ik): themes, wijken, phone, call windows, absence, confirmation.

Every edit also confirms the entry: someone who just looked at it and changed it knows
it is true. Each change is audited by field name only, never by value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from core.audit import person_actor, record
from core.clock import utc
from core.errors import UserError
from directory.availability import AvailabilityError, parse_availability
from directory.dates import DateError, parse_date
from directory.lengths import start_of, stored_length
from directory.matching import normalise
from directory.models import Person, Theme, Wijk
from directory.people import find_by_name
from directory.phones import PhoneError, normalise_phone
from directory.theme_lookup import ThemeResolver

WHOLE_TOWN = frozenset({"geen", "alle", "overal", "hele gemeente", "none", "all", "everywhere"})
_ABSENCE = re.compile(
    r"^(?:(?P<incl>tot\s+en\s+met|t/m|tm)|tot|until|till|to)\s+(?P<date>[^,;]+?)"
    r"(?:\s*[,;]?\s*(?:met\s+)?(?:als\s+)?(?:vervanger|vervanging|vervangen door|stand-in|standin|"
    r"replacement|cover)\s*:?\s+(?P<who>.+?))?\s*\.?$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Absence:
    """What /ik afwezig set."""

    until: date
    stand_in: Person | None


def confirm(person: Person, now: datetime) -> None:
    """The entry is true as of now: the freshness reminders start over."""
    person.last_confirmed_at = now
    person.confirm_reminders_sent = 0
    person.last_confirm_reminder_at = None


def _changed(session: AsyncSession, person: Person, now: datetime, what: str) -> None:
    person.updated_at = now
    confirm(person, now)
    record(
        session,
        at=now,
        actor=person_actor(person.id),
        action="person.profile_updated",
        object_type="person",
        object_id=person.id,
        result=what,
        origin="chat",
    )


def _items(text: str) -> list[str]:
    parts = re.split(r"\s*[;,]\s*|\s+(?:en|and)\s+", text.strip())
    return [p.strip() for p in parts if p.strip()]


async def set_themes(
    session: AsyncSession, person: Person, text: str, now: datetime
) -> list[Theme]:
    """Replace the person's themes; every name must be a known theme (see /themas)."""
    resolver = ThemeResolver()
    await resolver.load(session)
    keys: list[str] = []
    for item in _items(text):
        found = resolver.known(item)
        if not found:
            # Names people can type back, not keys ('digitale_vaardigheden').
            names = {t.key: t.name_nl for t in resolver.rows}
            close = [names.get(k, k) for k in resolver.suggestions(item)]
            raise UserError(
                'Het thema "{value}" ken ik niet. Bedoel je {options}? Alle thema\'s zie je met '
                "/themas.",
                value=item,
                options=", ".join(close) or "-",
            )
        keys.extend(found)
    if not keys:
        raise UserError("Noem een of meer thema's, bijvoorbeeld: /ik themas schulden; wonen")
    by_key = {t.key: t for t in resolver.rows}
    person.themes = [by_key[k] for k in dict.fromkeys(keys)]
    _changed(session, person, now, "themes")
    return person.themes


async def set_wijken(session: AsyncSession, person: Person, text: str, now: datetime) -> list[Wijk]:
    """Replace the person's wijken; 'geen' or 'alle' means the whole municipality."""
    chosen: list[Wijk] = []
    if normalise(text) not in WHOLE_TOWN:
        known = list(await session.scalars(select(Wijk)))
        names = {w.id: normalise(w.name) for w in known}
        for item in _items(text):
            best = process.extractOne(normalise(item), names, scorer=fuzz.ratio, score_cutoff=85)
            if best is not None:
                chosen.append(next(w for w in known if w.id == best[2]))
                continue
            name = " ".join(item.split())
            limit = stored_length(Wijk.__table__.c.name)
            if len(name) > limit:
                raise UserError(
                    'De wijknaam "{start}…" is te lang: {length} tekens, hoogstens {limit}. '
                    "Noem de wijk korter, bijvoorbeeld: /ik wijken Noord; Centrum",
                    start=start_of(name),
                    length=len(name),
                    limit=limit,
                )
            wijk = Wijk(name=name)
            session.add(wijk)
            known.append(wijk)
            chosen.append(wijk)
    person.wijken = list(dict.fromkeys(chosen))
    _changed(session, person, now, "wijken")
    return person.wijken


def set_phone(session: AsyncSession, person: Person, text: str, now: datetime) -> str:
    """Store a phone number in E.164."""
    try:
        person.phone = normalise_phone(text)
    except PhoneError:
        raise UserError(
            '"{value}" is geen geldig telefoonnummer. Schrijf bijvoorbeeld 06-12345678 of '
            "+31 20 123 4567.",
            value=text.strip(),
        ) from None
    _changed(session, person, now, "phone")
    return person.phone


def set_availability(session: AsyncSession, person: Person, text: str, now: datetime) -> None:
    """Store weekly call windows such as 'ma-do 9-17; vr 9-12'."""
    try:
        windows = parse_availability(text)
    except AvailabilityError:
        raise UserError(
            '"{value}" begrijp ik niet. Schrijf bijvoorbeeld: /ik bereikbaar ma-do 09:00-17:00; '
            "vr 09:00-12:00",
            value=text.strip(),
        ) from None
    if not windows:
        raise UserError("Noem dagen en tijden, bijvoorbeeld: /ik bereikbaar ma-do 9-17")
    person.availability = windows
    _changed(session, person, now, "availability")


async def set_absence(
    session: AsyncSession, person: Person, text: str, now: datetime, timezone: str
) -> Absence:
    """'tot 12 januari, vervanger Joost de Wit': away from now until that date (back on it)."""
    match = _ABSENCE.match(text.strip())
    if match is None:
        raise UserError(
            "Tot wanneer ben je afwezig? Typ bijvoorbeeld: /ik afwezig tot 12 januari, "
            "vervanger Joost de Wit"
        )
    zone = ZoneInfo(timezone)
    today = utc(now).astimezone(zone).date()
    try:
        back = parse_date(match.group("date"), today)
    except DateError:
        raise UserError(
            '"{value}" lees ik niet als datum. Schrijf bijvoorbeeld 12 januari of 12-1-2027.',
            value=match.group("date").strip(),
        ) from None
    if match.group("incl"):
        back += timedelta(days=1)
    if back <= today or back > today + timedelta(days=366):
        raise UserError("Kies een datum na vandaag en binnen een jaar.")
    stand_in = None
    if match.group("who"):
        found = [p for p in await find_by_name(session, match.group("who")) if p.id != person.id]
        if len(found) != 1:
            raise UserError(
                'Ik weet niet zeker wie je bedoelt met "{name}". Typ de volledige naam zoals '
                "die in /wie staat.",
                name=match.group("who").strip(),
            )
        stand_in = found[0]
        person.stand_in_id = stand_in.id
    elif person.stand_in_id is not None:
        stand_in = await session.get(Person, person.stand_in_id)
    person.absent_from = now
    person.absent_until = utc(datetime.combine(back, time(0), tzinfo=zone))
    _changed(session, person, now, "absence")
    return Absence(until=back, stand_in=stand_in)


def end_absence(session: AsyncSession, person: Person, now: datetime) -> bool:
    """Back at work; False when the person was not away."""
    was_away = person.absent_from is not None or person.absent_until is not None
    person.absent_from = None
    person.absent_until = None
    _changed(session, person, now, "back")
    return was_away


def confirm_entry(session: AsyncSession, person: Person, now: datetime) -> None:
    """'/ik klopt' or the 'Klopt nog' button."""
    confirm(person, now)
    record(
        session,
        at=now,
        actor=person_actor(person.id),
        action="person.confirmed",
        object_type="person",
        object_id=person.id,
        origin="chat",
    )
