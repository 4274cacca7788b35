"""Words as matching sees them: contractions, stems, spelling slips, compounds."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from directory.compounds import split_compound
from directory.words import normalise, plain_words, spelling_variants, stems

KNOWN = {"schuldhulpverlening", "huurachterstand", "schuld", "hulp", "traject"}


def test_accents_case_and_punctuation_are_taken_off() -> None:
    assert normalise("  Één-oudergezin, Café!  ") == "een oudergezin cafe"
    assert normalise("HUUR achterstand") == "huur achterstand"


@given(st.text())
def test_plain_ascii_takes_the_short_way_to_the_same_words(text: str) -> None:
    # The full way, for any text: decompose, drop the accents, keep letters and digits.
    decomposed = unicodedata.normalize("NFKD", text.lower())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    assert normalise(text) == " ".join(re.sub(r"[^a-z0-9]+", " ", bare).split())


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
