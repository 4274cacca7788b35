"""Answers to step-by-step forms: typed numbers pick options, pressed buttons carry values."""

from __future__ import annotations

import pytest

from bot.forms import AnswerError, Step, cancels, parse_answer, prompt
from core.i18n import Translator
from core.messages import Choice, Field, Form

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
    # Two choices and Annuleren are shown, numbered 1 to 3.
    assert raised.value.values == {"n": 3}
    assert cancels(DURATIONS, "3") and not cancels(DURATIONS, "2")


LABEL = Step(Field("reference", "Jouw eigen kenmerk", initial="DOS-77"), ())


def test_a_known_answer_is_shown_and_kept_with_a_dash() -> None:
    form = Form("f", "Titel", (LABEL.field,))
    shown = prompt(Translator(), form, LABEL, 0, first=False)

    assert "Nu: DOS-77" in shown.text
    assert [b.label for b in shown.buttons][:1] == ["Zo houden"]
    assert parse_answer(LABEL, "-") == "DOS-77"
    assert parse_answer(LABEL, "-", pressed=True) == "DOS-77"
    assert parse_answer(LABEL, "DOS-78") == "DOS-78"
