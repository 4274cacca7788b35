"""Every Dutch string in the code has an English translation (English is the second language)."""

from __future__ import annotations

from bot.i18n_tool import missing, source_messages


def test_the_code_marks_its_user_facing_text() -> None:
    assert len(source_messages()) > 20


def test_every_marked_string_has_an_english_translation() -> None:
    gaps = missing("en")
    assert not gaps, "untranslated (run `python -m bot.i18n_tool`):\n" + "\n".join(
        f"{where}: {msgid}" for msgid, where in gaps.items()
    )
