"""Reading the directory CSV (shared/formats/directory-csv.md): header, cells, row checks.

Pure functions: no database. Every problem becomes a :class:`RowError` with the line
number and an untranslated Dutch msgid; the importer decides what to do with them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any

from core.bsn import contains_bsn
from core.i18n import N_
from directory.availability import AvailabilityError, parse_availability
from directory.lengths import start_of, stored_length
from directory.models import ROLES, Account, Organisation, Person, Theme, Wijk
from directory.phones import PhoneError, normalise_phone

# Canonical (Dutch) column → English alias, in export order.
COLUMNS: dict[str, str] = {
    "naam": "name",
    "organisatie": "organisation",
    "afdeling": "department",
    "functie": "role",
    "telefoon": "phone",
    "email": "email",
    "themas": "themes",
    "wijken": "neighbourhoods",
    "bereikbaar": "availability",
    "rollen": "roles",
    "slack": "slack",
    "telegram": "telegram",
    "teams": "teams",
}
REQUIRED = ("naam", "organisatie", "themas")
_ALIASES = {**{k: k for k in COLUMNS}, **{v: k for k, v in COLUMNS.items()}, "thema's": "themas"}
_EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[a-z]{2,}$", re.IGNORECASE)
_SLACK = re.compile(r"^[UW][A-Z0-9]{6,}$", re.IGNORECASE)
_TELEGRAM_NAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
_TELEGRAM_ID = re.compile(r"^\d{5,15}$")
_TEAMS = re.compile(
    r"^\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?$", re.IGNORECASE
)

BAD_PHONE = N_('telefoon "{value}" is geen geldig nummer')
BAD_EMAIL = N_('e-mail "{value}" is geen geldig adres')
BAD_AVAILABILITY = N_(
    'bereikbaar "{value}" begrijp ik niet; schrijf bijvoorbeeld ma-do 09:00-17:00'
)
BAD_ROLE = N_('rol "{value}" ken ik niet; kies uit {roles}')
BAD_SLACK = N_('slack "{value}" is geen Slack member id (zoals U012AB3CD)')
BAD_TELEGRAM = N_('telegram "{value}" is geen @gebruikersnaam of nummer')
BAD_TEAMS = N_(
    'teams "{value}" is geen Entra object-id (een GUID zoals 0f5e8a47-1c1e-4d7b-9a3b-2d6c5e4f3a21)'
)
MISSING = N_("{column} ontbreekt")
HAS_BSN = N_("kolom {column} bevat een nummer dat op een BSN lijkt; deze regel is geweigerd")
WRONG_WIDTH = N_("deze regel heeft {found} in plaats van {expected} cellen, zoals de kop")
UNKNOWN_COLUMN = N_('onbekende kolom "{column}"; bedoel je een van: {known}?')
MISSING_COLUMN = N_("verplichte kolom {column} ontbreekt in de kop")
DOUBLE_COLUMN = N_("kolom {column} staat twee keer in de kop")
EMPTY_FILE = N_("het bestand is leeg; de eerste regel moet de kop zijn")
BAD_CSV = N_("deze regel is geen geldige CSV ({problem})")
TOO_LONG = N_('{column} "{start}…" is te lang: {length} tekens, hoogstens {limit}')


@dataclass(frozen=True)
class RowError:
    """One problem on one line."""

    line: int
    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ParsedRow:
    """One valid row, normalised. `columns` says which columns the file has at all."""

    line: int
    name: str
    organisation: str
    department: str
    role_title: str
    phone: str | None
    email: str | None
    themes: tuple[str, ...]
    wijken: tuple[str, ...]
    availability: tuple[tuple[int, int, int], ...]
    roles: tuple[str, ...]
    slack: str | None
    telegram: str | None
    columns: frozenset[str]
    teams: str | None = None

    def identity(self) -> tuple[str, str]:
        """What names this person: e-mail, else phone, else name + organisation."""
        if self.email:
            return ("email", self.email)
        if self.phone:
            return ("telefoon", self.phone)
        return ("naam", f"{self.name.lower()}\x00{self.organisation.lower()}")


@dataclass
class ParsedFile:
    """The valid rows and every error, by line."""

    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    columns: frozenset[str] = frozenset()

    @property
    def total(self) -> int:
        """Data rows seen (valid and invalid)."""
        return len(self.rows) + len({e.line for e in self.errors if e.line > 1})


_DIGITS = b"0123456789"


def _has_bsn(cell: str) -> bool:
    """The BSN guard for one cell; a BSN needs 8 or 9 digits, so most cells skip the real test."""
    # The digits counted in the UTF-8 bytes (a byte 0-9 is always that character there):
    # bytes.translate is several times faster than str.translate with a deletion table.
    encoded = cell.encode("utf-8", "surrogatepass")
    if len(encoded) - len(encoded.translate(None, _DIGITS)) < 8:
        return False
    if cell in _CLEAN:
        return False
    if contains_bsn(cell):
        return True
    # Large files repeat cells such as call windows ("ma-vr 09:00-17:00"): test each once.
    # Only cells without a BSN are remembered, so no citizen number lingers in memory.
    if len(_CLEAN) >= 4096:
        _CLEAN.clear()
    _CLEAN.add(cell)
    return False


_CLEAN: set[str] = set()


def split_list(cell: str) -> tuple[str, ...]:
    """'schulden; inkomen' → ('schulden', 'inkomen'), without empties or repeats."""
    return tuple(dict.fromkeys(p.strip() for p in cell.split(";") if p.strip()))


def read_header(raw: list[str]) -> tuple[list[str | None], list[RowError]]:
    """Map header cells to canonical column names; unknown or missing columns are errors."""
    mapped: list[str | None] = []
    errors: list[RowError] = []
    for cell in raw:
        name = cell.strip().lower()
        column = _ALIASES.get(name)
        if column is None:
            if name:
                known = ", ".join(COLUMNS)
                errors.append(RowError(1, UNKNOWN_COLUMN, {"column": cell.strip(), "known": known}))
            mapped.append(None)
            continue
        if column in mapped:
            errors.append(RowError(1, DOUBLE_COLUMN, {"column": column}))
        mapped.append(column)
    for column in REQUIRED:
        if column not in mapped:
            errors.append(RowError(1, MISSING_COLUMN, {"column": column}))
    return mapped, errors


@cache
def column_limits() -> dict[str, int]:
    """The longest text each column may hold: the length of the VARCHAR its values are stored
    in (a list column: each of its names). Call windows and roles are stored as JSON."""
    person = Person.__table__.c
    account = Account.__table__.c
    return {
        "naam": stored_length(person.name),
        "organisatie": stored_length(Organisation.__table__.c.name),
        "afdeling": stored_length(person.department),
        "functie": stored_length(person.role_title),
        "telefoon": stored_length(person.phone),
        "email": stored_length(person.email),
        # An unknown theme is created with the cell as its Dutch and English name.
        "themas": stored_length(Theme.__table__.c.name_nl, Theme.__table__.c.name_en),
        "wijken": stored_length(Wijk.__table__.c.name),
        "slack": stored_length(account.external_id),
        # '@name' waits as the account id, 'name' as its user name.
        "telegram": stored_length(account.external_id, account.username),
        "teams": stored_length(account.external_id),
    }


def _length_errors(line: int, stored: Iterable[tuple[str, str | None]]) -> list[RowError]:
    """A row error for every (column, text) longer than its column allows."""
    limits = column_limits()
    errors: list[RowError] = []
    for column, text in stored:
        limit = limits[column]
        if text and len(text) > limit:
            values = {"column": column, "start": start_of(text), "length": len(text)}
            errors.append(RowError(line, TOO_LONG, {**values, "limit": limit}))
    return errors


@lru_cache(maxsize=1024)
def _availability(text: str) -> tuple[tuple[int, int, int], ...]:
    """Parsed call windows; large files repeat a few patterns, so they are parsed once."""
    return tuple((w[0], w[1], w[2]) for w in parse_availability(text))


def parse_csv(text: str) -> ParsedFile:
    """Read a whole file: header checks first, then every row."""
    result = ParsedFile()
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    try:
        header_raw = next(reader)
    except StopIteration:
        result.errors.append(RowError(1, EMPTY_FILE))
        return result
    except csv.Error as error:
        result.errors.append(RowError(1, BAD_CSV, {"problem": str(error)}))
        return result
    header, problems = read_header(header_raw)
    result.columns = frozenset(c for c in header if c)
    if problems:
        result.errors.extend(problems)
        return result
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            result.errors.append(RowError(line, BAD_CSV, {"problem": str(error)}))
            break
        start, line = line, reader.line_num + 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.errors.append(
                RowError(start, WRONG_WIDTH, {"found": len(cells), "expected": len(header)})
            )
            continue
        values = {col: cell.strip() for col, cell in zip(header, cells, strict=True) if col}
        row, errors = parse_row(start, values, result.columns)
        if row is not None:
            result.rows.append(row)
        result.errors.extend(errors)
    return result


def parse_row(
    line: int, values: Mapping[str, str], columns: frozenset[str]
) -> tuple[ParsedRow | None, list[RowError]]:
    """Check and normalise one row; a row with any error is not returned."""
    # The BSN guard comes first: a refused cell is never echoed back or looked at further.
    # A well-formed Entra object id is a GUID, not a number: its digit groups may pass the
    # 11-proef by chance, so the teams column is checked only when it is no GUID.
    bsn = [
        col
        for col, cell in values.items()
        if not (col == "teams" and _TEAMS.match(cell.strip())) and _has_bsn(cell)
    ]
    if bsn:
        return None, [RowError(line, HAS_BSN, {"column": col}) for col in bsn]
    errors: list[RowError] = []

    def fail(msgid: str, **kw: Any) -> None:
        errors.append(RowError(line, msgid, kw))

    for column in REQUIRED:
        if not values.get(column) or (column == "themas" and not split_list(values[column])):
            fail(MISSING, column=column)
    phone = None
    if values.get("telefoon"):
        try:
            phone = normalise_phone(values["telefoon"])
        except PhoneError:
            fail(BAD_PHONE, value=values["telefoon"])
    email = values.get("email", "").lower() or None
    if email and not _EMAIL.match(email):
        fail(BAD_EMAIL, value=values["email"])
    windows: tuple[tuple[int, int, int], ...] = ()
    if values.get("bereikbaar"):
        try:
            windows = _availability(values["bereikbaar"])
        except AvailabilityError:
            fail(BAD_AVAILABILITY, value=values["bereikbaar"])
    roles = tuple(r.lower() for r in split_list(values.get("rollen", "")))
    for role in roles:
        if role not in ROLES:
            fail(BAD_ROLE, value=role, roles=", ".join(ROLES))
    slack = values.get("slack") or None
    if slack and not _SLACK.match(slack):
        fail(BAD_SLACK, value=slack)
    telegram = values.get("telegram") or None
    if telegram:
        named = _TELEGRAM_NAME.match(telegram)
        if named:
            telegram = "@" + named.group(1).lower()
        elif not _TELEGRAM_ID.match(telegram):
            fail(BAD_TELEGRAM, value=telegram)
    teams = (values.get("teams") or "").strip() or None
    if teams and not _TEAMS.match(teams):
        fail(BAD_TEAMS, value=teams)
    teams = teams.strip("{}").lower() if teams else None
    name = " ".join(values.get("naam", "").split())
    organisation = " ".join(values.get("organisatie", "").split())
    department = values.get("afdeling", "")
    role_title = values.get("functie", "")
    themes = split_list(values.get("themas", ""))
    wijken = tuple(" ".join(w.split()) for w in split_list(values.get("wijken", "")))
    slack = slack.lower() if slack else None
    # Every text as it would be stored: PostgreSQL refuses one longer than its column. A new
    # theme is named by its cell with spaces collapsed (directory.theme_lookup).
    stored = [
        ("naam", name),
        ("organisatie", organisation),
        ("afdeling", department),
        ("functie", role_title),
        ("telefoon", phone),
        ("email", email),
        ("slack", slack),
        ("telegram", telegram),
        ("teams", teams),
    ]
    stored.extend(("themas", " ".join(t.split())) for t in themes)
    stored.extend(("wijken", w) for w in wijken)
    errors.extend(_length_errors(line, stored))
    if errors:
        return None, errors
    row = ParsedRow(
        line=line,
        name=name,
        organisation=organisation,
        department=department,
        role_title=role_title,
        phone=phone,
        email=email,
        themes=themes,
        wijken=wijken,
        availability=windows,
        roles=roles,
        slack=slack,
        telegram=telegram,
        columns=columns,
        teams=teams,
    )
    return row, []
