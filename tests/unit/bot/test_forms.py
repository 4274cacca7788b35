"""Answers to step-by-step forms: typed numbers pick options, pressed buttons carry values."""

from __future__ import annotations

import pytest

from bot.forms import AnswerError, Step, parse_answer
from core.messages import Choice, Field

DURATIONS = Step(
    Field("duration", "Hoe lang?", kind="choice"),
    (Choice("30", "half uur"), Choice("90", "anderhalf uur")),
)


def test_a_typed_number_is_the_option_number() -> None:
    assert parse_answer(DURATIONS, "2") == "90"


def test_a_pressed_button_is_its_value_even_when_that_is_digits() -> None:
    assert parse_answer(DURATIONS, "90", pressed=True) == "90"
    assert parse_answer(DURATIONS, "30", pressed=True) == "30"


def test_a_typed_number_out_of_range_is_explained() -> None:
    with pytest.raises(AnswerError) as raised:
        parse_answer(DURATIONS, "90")
    assert raised.value.values == {"n": 2}
