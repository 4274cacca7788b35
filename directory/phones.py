"""Phone numbers: parse any usual notation, store E.164, show the national format."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers

DEFAULT_REGION = "NL"


class PhoneError(ValueError):
    """Not a valid phone number."""


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """'06-12345678', '+31 6 1234 5678', '023 511 5115' → '+31612345678' (E.164)."""
    text = raw.strip()
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneError(f"cannot parse {text!r}") from error
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"{text!r} is not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=65536)
def display_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """National notation for numbers of the home region ('06 12345678'), else international."""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
