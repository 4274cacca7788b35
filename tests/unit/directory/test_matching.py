"""Understanding themes in free text: names, synonyms, English, compounds and typos."""

from __future__ import annotations

import pytest

from directory.matching import ThemeMatcher, ThemeTerms, closest_themes, understand_themes
from directory.themes import load_catalog


def keys(query: str) -> list[str]:
    return [k for k, _ in understand_themes(query, load_catalog())]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("schulden", "schulden"),
        ("schuldhulpverleneing", "schulden"),
        ("huurschuld", "schulden"),
        ("debt", "schulden"),
        ("who can help with debt", "schulden"),
        ("huiselijk geweld", "huiselijk_geweld"),
        ("drugs", "verslaving"),
        ("eenzaam", "eenzaamheid"),
        ("psychische problemen", "ggz"),
        ("uitkering", "inkomen"),
    ],
)
def test_a_word_finds_its_theme(query: str, expected: str) -> None:
    assert keys(query)[0] == expected


def test_cannot_pay_the_rent_is_debt_and_housing() -> None:
    assert set(keys("kan de huur niet betalen")) == {"schulden", "wonen"}
    assert set(keys("huurachterstand")) == {"schulden", "wonen"}


def test_nonsense_matches_nothing_but_has_a_closest_theme() -> None:
    assert keys("xyzzy") == []
    assert keys("") == []
    assert len(closest_themes("xyzzy", load_catalog())) >= 1


def test_filler_words_alone_match_nothing() -> None:
    assert keys("wie kan mij helpen") == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("who can help with rent arrears", {"schulden", "wonen"}),
        ("can't pay the rent", {"schulden", "wonen"}),
        ("homeless", {"dakloosheid"}),
        ("domestic abuse", {"huiselijk_geweld"}),
        ("refugees", {"statushouders"}),
    ],
)
def test_everyday_english_finds_the_theme(query: str, expected: set[str]) -> None:
    assert expected <= set(keys(query)[:2])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("schuldhulpverleningstraject", "schulden"),  # a compound of a known word
        ("huurachterstandsbrief", "schulden"),  # known part + linking s + unknown part
        ("drinkt elke dag", "verslaving"),  # a verb form of a catalog word
        ("plek in beschermd wonnen", "beschermd_wonen"),  # a typo inside a phrase
        ("ribw", "beschermd_wonen"),
        ("who can help with his drinking", "verslaving"),  # English stem
    ],
)
def test_stems_compounds_and_slips(query: str, expected: str) -> None:
    assert keys(query)[0] == expected


def test_a_hint_alone_is_weaker_than_a_synonym() -> None:
    scores = dict(understand_themes("bier en schulden", load_catalog()))
    assert scores["schulden"] > scores["verslaving"] >= 0.65


@pytest.mark.parametrize(
    ("query", "expected"),
    [("wrek zoeken", "werk"), ("shculden", "schulden"), ("dementei", "dementie")],
)
def test_two_swapped_letters_are_a_slip(query: str, expected: str) -> None:
    assert keys(query)[0] == expected


@pytest.mark.parametrize("query", ["stoep", "lamp", "weekend"])
def test_a_real_word_one_letter_from_a_theme_word_is_no_slip(query: str) -> None:
    assert keys(query) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ouders zijn uit elkaar", "scheiding"),  # 'ouders' shares a stem with 'ouderen'
        ("kind met autisme", "autisme"),  # who it is about comes after what is going on
        ("wachtlijst voor beschermd wonen", "beschermd_wonen"),  # 'wonen' inside the phrase
        ("ze komt met een blauw oog op haar werk", "huiselijk_geweld"),  # work is the setting
        ("man zit elke dag vanaf 's ochtends aan het bier", "verslaving"),  # no 'ends' in it
    ],
)
def test_the_subject_wins_over_people_places_and_chance_pieces(query: str, expected: str) -> None:
    assert keys(query)[0] == expected


def test_a_word_that_starts_words_of_many_themes_says_nothing() -> None:
    assert keys("zelf") == []


@pytest.mark.parametrize("word", ["vriend", "open", "twee", "zelf"])
def test_an_everyday_word_points_at_no_theme_through_a_phrase(word: str) -> None:
    # 'vriendjes' and 'opent' sit in phrases of a theme; their stems are everyday words.
    assert keys(word) == []


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("alarmhanger voor mijn moeder", "hulpmiddelen"),
        ("enkelmonitor", "nazorg"),
        ("meubelbank", "armoede"),
        ("herseninfarct gehad", "nah"),
        ("thuiszitter", "leerplicht"),
        ("custody dispute", "scheiding"),
    ],
)
def test_concrete_aids_and_schemes_name_their_theme(query: str, expected: str) -> None:
    assert expected in keys(query)[:1]


def test_a_phrase_of_everyday_words_counts_only_in_its_order() -> None:
    matcher = ThemeMatcher((ThemeTerms("leerplicht", ("leerplicht", "kinderen niet naar school")),))
    assert matcher.score("kinderen gaan niet meer naar school")
    assert not matcher.score("kinderen komen zonder jas op school")
    assert not matcher.score("school belt: kinderen niet opgehaald")


def test_where_someone_lives_is_the_setting_not_the_question() -> None:
    matcher = ThemeMatcher(
        (ThemeTerms("wonen", ("wonen",)), ThemeTerms("rouw", ("rouw", "overleden")))
    )
    told = dict(matcher.score("vader overleden, de kinderen wonen nu bij hun tante"))
    assert told["rouw"] > told["wonen"]
    assert dict(matcher.score("hulp bij wonen"))["wonen"] == 1.0


def test_a_typo_of_an_inflected_word_whose_stem_is_named() -> None:
    # 'psychisch' is a synonym; 'psychische' only appears inside phrases.
    matcher = ThemeMatcher((ThemeTerms("ggz", ("psychisch", "psychische klachten")),))
    assert matcher.score("psygische nood")[0][0] == "ggz"


def test_older_than_a_young_person_is_no_sign_of_the_elderly() -> None:
    assert "ouderen" not in keys("hij hangt rond met oudere jongens")
    assert "ouderen" in keys("oudere man die niet meer goed ter been is")
