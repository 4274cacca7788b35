"""Callback data: short pairs travel inline, long ones as a stable token, never over 64 bytes."""

from __future__ import annotations

from bot.adapters.telegram.callbacks import LIMIT, inline, token_for


def test_short_pairs_travel_inline() -> None:
    assert inline("handover.accept", "12") == "handover.accept|12"
    assert inline("form.cancel", "") == "form.cancel|"


def test_the_limit_counts_bytes_not_characters() -> None:
    fits = "x" * (LIMIT - len("a|"))
    assert inline("a", fits) is not None
    assert inline("a", fits + "x") is None
    # 'ë' is two bytes in UTF-8.
    assert inline("a", "ë" * 31) is not None
    assert inline("a", "ë" * 32) is None


def test_ambiguous_action_ids_never_travel_inline() -> None:
    assert inline("a|b", "1") is None
    assert inline("~a", "1") is None


def test_tokens_are_stable_short_and_distinct() -> None:
    token = token_for("meetings.rsvp", "1:2026-12-01:ja")
    assert token == token_for("meetings.rsvp", "1:2026-12-01:ja")
    assert len(("~" + token).encode()) <= LIMIT
    assert token != token_for("meetings.rsvp", "1:2026-12-01:nee")
    assert token_for("a", "b|c") != token_for("a|b", "c")
