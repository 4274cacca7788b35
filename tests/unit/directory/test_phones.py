"""Phone numbers: any usual notation in, E.164 stored, national format shown."""

from __future__ import annotations

import random

import phonenumbers
import pytest

from directory.phones import (
    PhoneError,
    _display_parsed,
    display_phone,
    dutch_valid,
    normalise_phone,
    parsed_phone,
)


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("06-12345678", "+31612345678"),
        ("+31 6 1234 5678", "+31612345678"),
        ("023 511 5115", "+31235115115"),
        ("(038) 001 09 79", "+31380010979"),
        ("0031 20 123 4567", "+31201234567"),
    ],
)
def test_normalised_to_e164(raw: str, e164: str) -> None:
    assert normalise_phone(raw) == e164


@pytest.mark.parametrize("raw", ["06-1234", "hallo", "12", "+31 6"])
def test_invalid_numbers_are_refused(raw: str) -> None:
    with pytest.raises(PhoneError):
        normalise_phone(raw)


def test_display_is_national_for_dutch_numbers() -> None:
    assert display_phone("+31612345678") == "06 1234 5678"
    assert display_phone("+31235115115") == "023 511 5115"
    assert display_phone("+3225551234").startswith("+32")


def test_the_dutch_shortcut_gives_what_phonenumbers_gives() -> None:
    """Usual Dutch notations skip phonenumbers.parse; the answer (or refusal) is the same."""
    rng = random.Random(20261207)
    prefixes = ["0", "+31", "0031", "+31 ", "0031 ", "+31-", "00", "+32", "+310", "1", ""]
    separators = ["", " ", "-", ".", "  ", "\t", " - ", "/"]
    for _ in range(5000):
        digits = "".join(rng.choice("0123456789") for _ in range(rng.choice([8, 9, 9, 9, 10])))
        if rng.random() < 0.5:
            digits = rng.choice("123456789") + digits[1:]
        text = rng.choice(prefixes)
        for digit in digits:
            text += digit + (rng.choice(separators) if rng.random() < 0.3 else "")
        try:
            expected: str | None = parsed_phone(text)
        except PhoneError:
            expected = None
        try:
            got: str | None = normalise_phone(text)
        except PhoneError:
            got = None
        assert got == expected, text


def test_the_dutch_validity_check_is_libphonenumbers() -> None:
    """Every nine-digit national number the shortcut sees: first digit and the two after it
    all tried, with random endings."""
    rng = random.Random(20261207)
    for head in range(100, 1000):
        for _ in range(12):
            national = f"{head}{rng.randrange(10**6):06d}"
            number = phonenumbers.PhoneNumber(country_code=31, national_number=int(national))
            assert dutch_valid(national) == phonenumbers.is_valid_number(number), national


def test_the_dutch_display_shortcut_gives_what_phonenumbers_gives() -> None:
    """+31 and nine digits are shown without phonenumbers.parse; every first three digits
    tried with random endings (valid or not), and odd lengths, give what phonenumbers gives."""
    rng = random.Random(20261207)
    heads = [head for head in range(100, 1000) for _ in range(8)]
    numbers = [f"+31{head}{rng.randrange(10**6):06d}" for head in heads]
    numbers += [f"+31{rng.randrange(10**n)}" for n in range(3, 12) for _ in range(50)]
    numbers += ["+31012345678", "+31612x45678", "+3261234567"]
    for e164 in numbers:
        assert display_phone(e164) == _display_parsed.__wrapped__(e164), e164
