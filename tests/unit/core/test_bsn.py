"""The BSN guard: numbers passing the 11-proef are found, phone numbers and dates are not."""

from __future__ import annotations

import pytest

from core.bsn import contains_bsn, find_bsn, passes_elfproef, redact_bsn


@pytest.mark.parametrize("digits", ["111222333", "123456782", "999999990", "11122233".zfill(9)])
def test_valid_numbers_pass_the_elfproef(digits: str) -> None:
    if digits == "011122233":
        assert not passes_elfproef(digits)
    else:
        assert passes_elfproef(digits)


@pytest.mark.parametrize("digits", ["123456789", "111222334", "000000000", "12345678a", "1234567"])
def test_invalid_numbers_fail_the_elfproef(digits: str) -> None:
    assert not passes_elfproef(digits)


def test_eight_digits_are_read_with_a_leading_zero() -> None:
    # 012345672: 0*9+1*8+2*7+3*6+4*5+5*4+6*3+7*2-2 = 110, divisible by 11.
    assert passes_elfproef("12345672")
    assert contains_bsn("nummer 12345672")


@pytest.mark.parametrize(
    "text",
    [
        "123456782",
        "bsn 111222333 graag",
        "123 456 782",
        "1234.56.782",
        "123-456-782",
        "inwoner(111222333)",
        "zie dossier:123456782.",
        "morgen 10:00 111 222 333",
        "om 9:30 111222333",
    ],
)
def test_separated_and_embedded_numbers_are_found(text: str) -> None:
    assert contains_bsn(text)


@pytest.mark.parametrize(
    "text",
    [
        "06-12345678",
        "0612345678",
        "+31 6 1234 5678",
        "+31612345678",
        "bel 023 511 5115",
        "afwezig tot 12-01-2026",
        "123456789",
        "dossier 2026-0042",
        "huisnummer 12, wijk 3",
        "000000000",
        "do 26-11 10:00",
        "om 10:00 bel 06 1234 5678",
        "om 14:30 bel 023 511 5115",
    ],
)
def test_phone_numbers_dates_and_invalid_numbers_are_left_alone(text: str) -> None:
    assert not contains_bsn(text)


def test_redaction_removes_only_the_number() -> None:
    assert redact_bsn("bsn 111 222 333 bellen") == "bsn [BSN verwijderd] bellen"
    assert find_bsn("geen nummer") == []
