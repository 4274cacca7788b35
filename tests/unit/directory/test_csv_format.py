"""Reading the CSV: header rules, cell checks with line numbers, the BSN guard."""

from __future__ import annotations

from directory.csv_format import (
    BAD_PHONE,
    COLUMNS,
    HAS_BSN,
    MISSING,
    TOO_LONG,
    UNKNOWN_COLUMN,
    RowError,
    column_limits,
    parse_csv,
)
from directory.models import Organisation, Person, Wijk
from directory.organisations import guess_kind

HEADER = "naam,organisatie,telefoon,email,themas,bereikbaar,rollen,telegram\n"


def test_a_good_file_is_normalised() -> None:
    parsed = parse_csv(
        "\ufeffName,ORGANISATION,phone,Email,themes,availability,roles,telegram\n"
        'Fatima el Amrani,Gemeente Haarlem,06-12345678,F.ElAmrani@Example.org,"schulden; inkomen",'
        "ma-do 9-17,oliemannetje,@Fatima_EA\n"
    )
    assert parsed.errors == []
    row = parsed.rows[0]
    assert row.line == 2
    assert row.phone == "+31612345678"
    assert row.email == "f.elamrani@example.org"
    assert row.themes == ("schulden", "inkomen")
    assert row.roles == ("oliemannetje",)
    assert row.telegram == "@fatima_ea"
    assert row.availability[0] == (0, 540, 1020)


def test_every_bad_row_is_reported_with_its_line() -> None:
    parsed = parse_csv(
        HEADER
        + "Goed Mens,Gemeente,06-12345678,goed@example.org,schulden,,,\n"
        + "Slecht Nummer,Gemeente,06-1234,slecht@example.org,schulden,,,\n"
        + '"Multi\nLine",Gemeente,,ml@example.org,,,,\n'
        + "Rare Rol,Gemeente,,rr@example.org,jeugd,ooit,koning,12\n"
    )
    assert [r.name for r in parsed.rows] == ["Goed Mens"]
    by_line = {(e.line, e.msgid) for e in parsed.errors}
    assert (3, BAD_PHONE) in by_line
    assert (4, MISSING) in by_line  # the multi-line row starts on line 4
    assert {e.line for e in parsed.errors} == {3, 4, 6}
    assert len([e for e in parsed.errors if e.line == 6]) == 3  # availability, role, telegram
    assert parsed.total == 4


def test_an_unknown_header_column_is_an_error() -> None:
    parsed = parse_csv("naam,organisatie,themas,telefon\nA,B,schulden,06-12345678\n")
    assert parsed.rows == []
    assert [(e.line, e.msgid, e.values["column"]) for e in parsed.errors] == [
        (1, UNKNOWN_COLUMN, "telefon")
    ]


def test_a_bsn_in_any_cell_refuses_the_row_without_echoing_it() -> None:
    parsed = parse_csv(HEADER + "Iemand,Gemeente,,i@example.org,schulden 111222333,,,\n")
    assert parsed.rows == []
    [error] = parsed.errors
    assert error.msgid == HAS_BSN
    assert error.values == {"column": "themas"}


def test_the_bsn_guard_counts_digits_among_any_characters() -> None:
    """Accents, other scripts' digits and an undecodable byte beside a BSN: still refused; a
    name with other scripts' digits and no BSN passes."""
    for cell in ("José Müller 111222333", "١٢٣ 111 222 333", "\udc80111222333"):
        parsed = parse_csv(HEADER + f"Iemand,Gemeente,,i@example.org,{cell},,,\n")
        assert [e.msgid for e in parsed.errors] == [HAS_BSN], cell
    parsed = parse_csv(HEADER + "Iemand ١٢٣٤٥٦٧٨٢,Gemeente,,i@example.org,schulden,,,\n")
    assert parsed.errors == [] and len(parsed.rows) == 1


def test_organisation_kinds_are_guessed_from_the_name() -> None:
    assert guess_kind("Gemeente Groenwater") == "gemeente"
    assert guess_kind("Sociaal Wijkteam Noord") == "wijkteam"
    assert guess_kind("Woonstichting De Oever") == "woningcorporatie"
    assert guess_kind("Politie Groenwater") == "politie"
    assert guess_kind("Leger des Heils") == "opvang"
    assert guess_kind("Jeugdhulp Groenwater") == "jeugdzorg"
    assert guess_kind("Thuiszorg Het Anker") == "zorgaanbieder"
    assert guess_kind("De Bakkerij") == "overig"


def test_every_text_column_is_measured_against_the_column_it_is_stored_in() -> None:
    limits = column_limits()
    # Call windows and roles are stored as JSON lists, without a length.
    assert set(limits) == set(COLUMNS) - {"bereikbaar", "rollen"}
    assert limits["naam"] == Person.__table__.c.name.type.length
    assert limits["organisatie"] == Organisation.__table__.c.name.type.length
    assert limits["wijken"] == Wijk.__table__.c.name.type.length


def test_a_value_too_long_for_its_column_is_a_row_error_with_the_limit() -> None:
    limit = column_limits()["functie"]
    parsed = parse_csv(
        "naam,organisatie,functie,themas\n"
        f"Goed Mens,Gemeente,{'k' * limit},schulden\n"
        f"Lange Functie,Gemeente,{'k' * (limit + 1)},schulden\n"
    )
    assert [r.line for r in parsed.rows] == [2]
    assert parsed.errors == [
        RowError(
            3,
            TOO_LONG,
            {"column": "functie", "start": "k" * 20, "length": limit + 1, "limit": limit},
        )
    ]


def test_names_in_a_list_and_collapsed_spaces_are_measured_as_stored() -> None:
    limit = column_limits()["wijken"]
    # Spaces inside a name are collapsed before it is stored, so they do not count double.
    spaced = "w  " * (limit // 2)
    parsed = parse_csv(
        "naam,organisatie,themas,wijken\n"
        f'Mens,Gemeente,schulden,"Noord;{spaced}"\n'
        f'Ander,Gemeente,schulden,"Noord;{"w" * (limit + 1)}"\n'
    )
    assert [r.line for r in parsed.rows] == [2]
    assert [(e.line, e.values["column"], e.values["length"]) for e in parsed.errors] == [
        (3, "wijken", limit + 1)
    ]
