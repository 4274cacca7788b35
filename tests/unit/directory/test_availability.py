"""Call windows as people write them, and back."""

from __future__ import annotations

import pytest

from directory.availability import AvailabilityError, format_availability, parse_availability


def test_the_format_example() -> None:
    windows = parse_availability("ma-do 09:00-17:00; vr 09:00-12:00")
    assert windows == [
        [0, 540, 1020],
        [1, 540, 1020],
        [2, 540, 1020],
        [3, 540, 1020],
        [4, 540, 720],
    ]
    assert format_availability(windows) == "ma-do 09:00-17:00; vr 09:00-12:00"
    assert format_availability(windows, "en") == "mon-thu 09:00-17:00; fri 09:00-12:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ma-do 9-17", "ma-do 09:00-17:00"),
        ("mon-fri 8.30-16.30", "ma-vr 08:30-16:30"),
        ("di 10:00-12:00 13:00-16:00", "di 10:00-12:00 13:00-16:00"),
        ("ma, wo 9-12", "ma 09:00-12:00; wo 09:00-12:00"),
        ("werkdagen 9 tot 17", "ma-vr 09:00-17:00"),
        ("Maandag 9-12; maandag 12-17", "ma 09:00-17:00"),
        ("ma 9-12, do 13-17", "ma 09:00-12:00; do 13:00-17:00"),
        ("za-zo 08:00-24:00", "za-zo 08:00-24:00"),
        ("", ""),
    ],
)
def test_usual_notations(text: str, expected: str) -> None:
    assert format_availability(parse_availability(text)) == expected


@pytest.mark.parametrize(
    "text", ["altijd", "ma", "ma 17-9", "xx 9-17", "ma 9-25", "vr-ma 9-17", "ma 9:75-10"]
)
def test_nonsense_is_refused(text: str) -> None:
    with pytest.raises(AvailabilityError):
        parse_availability(text)
