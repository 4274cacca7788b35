"""Which wijk a question names: known ones (typos too), unknown ones, and free-text phrases."""

from __future__ import annotations

import pytest

from directory.place import Place, read_place
from directory.themes import load_catalog

WIJKEN = ("Molenwijk", "Centrum", "Noord", "Oost", "Havenkwartier", "De Weiden")
THEMES = load_catalog()


def place(query: str) -> Place:
    return read_place(query, WIJKEN, THEMES)


@pytest.mark.parametrize(
    ("query", "text", "wijk"),
    [
        ("schulden in Molenwijk", "schulden", "Molenwijk"),
        ("schulden in molenwjik?", "schulden", "Molenwijk"),
        ("schulden in de wijk Noord", "schulden", "Noord"),
        ("schulden in De Weiden", "schulden", "De Weiden"),
        ("problemen in het gezin in Molenwijk", "problemen in het gezin", "Molenwijk"),
        ("debt near Havenkwartier", "debt", "Havenkwartier"),
    ],
)
def test_a_known_wijk_is_found_even_with_a_typo(query: str, text: str, wijk: str) -> None:
    assert place(query) == Place(text, wijk)


def test_an_unknown_wijk_is_named_with_known_ones_that_look_like_it() -> None:
    found = place("schulden in xyzwijk")
    assert (found.text, found.wijk, found.unknown) == ("schulden", None, "xyzwijk")
    assert found.hints[0] == "Molenwijk" and len(found.hints) == 3
    assert place("debt in Oud West").unknown == "Oud West"


@pytest.mark.parametrize(
    "query",
    [
        "problemen in het gezin",  # a theme word
        "kinderen in de schulden",
        "jongeren in de problemen",
        "schulden in het weekend",  # a time
        "gezin in de knel",  # a state
        "schulden in de buurt",  # somewhere, not a wijk
        "hulp bij xyzwijk",  # only 'in' names a place nobody knows
        "schulden in een wijk waar veel armoede is",  # too long for a name
        "schulden in 2026",
    ],
)
def test_free_text_after_in_is_part_of_the_question(query: str) -> None:
    assert place(query) == Place(query)


@pytest.mark.parametrize(
    ("query", "text", "wijk"),
    [
        ("in het centrum zitten veel eenzame ouderen", "zitten veel eenzame ouderen", "Centrum"),
        ("buurtteam noord zoekt iemand voor schulden", "zoekt iemand voor schulden", "Noord"),
        ("wijkagent oost wil iemand van jeugdzorg", "wil iemand van jeugdzorg", "Oost"),
        ("iemand uit havenkwartier voor taalles", "iemand voor taalles", "Havenkwartier"),
        ("weiden jongere zonder werk", "jongere zonder werk", "De Weiden"),
        ("schulden, de wijden", "schulden", "De Weiden"),
        ("cntrum eenzaamheid", "eenzaamheid", "Centrum"),
        ("oosst verslaving", "verslaving", "Oost"),
    ],
)
def test_a_wijk_in_the_middle_without_its_article_or_misspelt(
    query: str, text: str, wijk: str
) -> None:
    assert place(query) == Place(text, wijk)


def test_a_wijk_word_glued_to_another_is_no_wijk() -> None:
    assert place("arbeidsmigranten uit oost-europa").wijk is None
