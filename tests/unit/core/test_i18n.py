"""Dutch is the source language; English comes from catalogs, with a Dutch fallback."""

from __future__ import annotations

from datetime import UTC, datetime

from core.i18n import Translator, normalise_language


def test_dutch_needs_no_catalog() -> None:
    tr = Translator.for_language("nl")
    assert tr.gettext("Hallo {naam}", naam="Joost") == "Hallo Joost"


def test_english_translation_is_used() -> None:
    tr = Translator.for_language("en")
    assert tr.gettext("Gestopt. Er is niets opgeslagen.") == "Stopped. Nothing was saved."


def test_missing_translation_falls_back_to_dutch() -> None:
    tr = Translator.for_language("en")
    assert tr.gettext("Deze zin heeft geen vertaling {x}", x=1) == "Deze zin heeft geen vertaling 1"


def test_unsupported_language_falls_back_to_dutch() -> None:
    assert Translator.for_language("fr").language == "nl"
    assert normalise_language("en-GB") == "en"
    assert normalise_language(None, default="en") == "en"


def test_dates_are_written_in_the_users_language() -> None:
    moment = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # 09:00 in Amsterdam
    assert Translator.for_language("nl").datetime(moment) == "dinsdag 24 november 09:00"
    assert Translator.for_language("en").datetime(moment) == "Tuesday 24 November 09:00"


def test_lists_are_joined_with_the_word_for_and() -> None:
    assert Translator.for_language("nl").join(["a", "b", "c"]) == "a, b en c"
    assert Translator.for_language("en").join(["a", "b"]) == "a and b"
