"""Words as matching sees them: contractions, stems, spelling slips, compounds."""

from __future__ import annotations

from directory.compounds import split_compound
from directory.words import plain_words, spelling_variants, stems

KNOWN = {"schuldhulpverlening", "huurachterstand", "schuld", "hulp", "traject"}


def test_chat_contractions_are_written_out() -> None:
    assert plain_words("Z'n huur, can't pay") == "zijn huur cannot pay"


def test_inflections_share_a_stem() -> None:
    assert set(stems("drinkt")) & set(stems("drinken"))
    assert "woon" in stems("woont") and "betaal" in stems("betaald")


def test_usual_spelling_slips() -> None:
    assert "molenwijk" in spelling_variants("molenwyk")
    assert "wonen" in spelling_variants("wonnen")


def test_compounds_are_cut_into_known_parts() -> None:
    assert split_compound("schuldhulpverleningstraject", KNOWN.__contains__) == (
        ("schuldhulpverlening", "traject"),
        True,
    )
    parts, whole = split_compound("huurachterstandsbrief", KNOWN.__contains__)
    assert parts == ("huurachterstand",) and not whole
    assert split_compound("xyzzyqwerty", KNOWN.__contains__) == ((), False)
