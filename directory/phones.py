"""Phone numbers: parse any usual notation, store E.164, show the national format."""

from __future__ import annotations

import re
from functools import cache, lru_cache

import phonenumbers

DEFAULT_REGION = "NL"

# The usual Dutch notations: 0 or +31 or 0031, then nine digits, spaces, dashes or dots
# between them. Such text names exactly one number, so its parse is skipped (an import of
# 100,000 people spent a third of its time in phonenumbers.parse); anything else is parsed.
_DUTCH = re.compile(r"(?:\+31|0031|0)[ .-]*([1-9](?:[ .-]*[0-9]){8})")
_SEPARATORS = str.maketrans("", "", " .-")
# A group reference in a format ("\\1 \\2"), as libphonenumber finds the first one.
_FIRST_GROUP = re.compile(r"(\\\d)")


class PhoneError(ValueError):
    """Not a valid phone number."""


def normalise_phone(raw: str, region: str = DEFAULT_REGION) -> str:
    """'06-12345678', '+31 6 1234 5678', '023 511 5115' → '+31612345678' (E.164)."""
    text = raw.strip()
    dutch = _DUTCH.fullmatch(text) if region == DEFAULT_REGION else None
    if dutch is not None:
        national = dutch.group(1).translate(_SEPARATORS)
        if dutch_valid(national):
            return f"+31{national}"
    return parsed_phone(text, region)


def dutch_valid(national: str) -> bool:
    """phonenumbers.is_valid_number for a Dutch national number of nine digits (1-9 first),
    with libphonenumber's own patterns joined into one (a fifth of its time)."""
    return _nine_digits().fullmatch(national) is not None


@cache
def _nine_digits() -> re.Pattern[str]:
    """What is_valid_number asks of a Dutch nine-digit number: the general pattern, and the
    pattern of at least one kind of number (fixed line, mobile, toll free …) allowing nine
    digits."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    assert metadata is not None
    kinds = (
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
        metadata.fixed_line,
        metadata.mobile,
    )
    patterns = [
        kind.national_number_pattern
        for kind in kinds
        if kind is not None
        and kind.national_number_pattern
        and (not kind.possible_length or 9 in kind.possible_length)
    ]
    assert metadata.general_desc is not None
    general = metadata.general_desc.national_number_pattern
    return re.compile(f"(?=(?:{general})\\Z)(?:{'|'.join(f'(?:{p})' for p in patterns)})\\Z")


def parsed_phone(text: str, region: str = DEFAULT_REGION) -> str:
    """normalise_phone through phonenumbers.parse alone (what the Dutch shortcut equals)."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as error:
        raise PhoneError(f"cannot parse {text!r}") from error
    if not phonenumbers.is_valid_number(number):
        raise PhoneError(f"{text!r} is not a valid number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str, region: str = DEFAULT_REGION) -> str:
    """National notation for numbers of the home region ('06 1234 5678', '023 578 6798'),
    else international; the one way a number is shown to people (E.164 is for storage and
    `tel:` links)."""
    if region == DEFAULT_REGION and len(e164) == 12 and e164.startswith("+31"):
        national = _dutch_national(e164[3:])
        if national is not None:
            return _grouped(national)
    return _display_parsed(e164, region)


def _dutch_national(nsn: str) -> str | None:
    """phonenumbers.format_number(…, NATIONAL) of a Dutch nine-digit number, with
    libphonenumber's own formats for NL tried in its order (no parse: a card of someone
    not shown before spent most of its time in phonenumbers). None: not nine digits, or no
    format fits (then phonenumbers itself decides)."""
    if not (nsn.isascii() and nsn.isdecimal()) or nsn[0] == "0":
        return None
    for leading, pattern, rule in _dutch_formats():
        if (leading is None or leading.match(nsn)) and pattern.fullmatch(nsn):
            return pattern.sub(rule, nsn)
    return None


@cache
def _dutch_formats() -> tuple[tuple[re.Pattern[str] | None, re.Pattern[str], str], ...]:
    """(leading digits, pattern, national rule) of each NL format, as libphonenumber picks
    and applies them: the most detailed leading-digits pattern, and the national prefix
    put into the format's first group."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    assert metadata is not None
    formats = []
    for number_format in metadata.number_format:
        leading = number_format.leading_digits_pattern
        rule = number_format.format or ""
        prefix_rule = number_format.national_prefix_formatting_rule
        if prefix_rule:
            # The first group reference ("\\1") becomes the rule with it ("0\\1").
            rule = _FIRST_GROUP.sub(prefix_rule, rule, count=1)
        pattern = re.compile(number_format.pattern or "")
        formats.append((re.compile(leading[-1]) if leading else None, pattern, rule))
    return tuple(formats)


def _grouped(national: str) -> str:
    """libphonenumber leaves Dutch mobile numbers in one block ('06 18268306'); group them
    like the landlines beside them ('023 578 6798'), so every number reads alike."""
    prefix, _, rest = national.partition(" ")
    if prefix == "06" and rest.isdecimal() and len(rest) == 8:
        return f"06 {rest[:4]} {rest[4:]}"
    return national


@lru_cache(maxsize=1024)
def _display_parsed(e164: str, region: str = DEFAULT_REGION) -> str:
    """display_phone through phonenumbers.parse (what the Dutch shortcut equals)."""
    try:
        number = phonenumbers.parse(e164, region)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(number) == region:
        return _grouped(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
