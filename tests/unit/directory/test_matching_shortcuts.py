"""The theme matcher's shortcuts change no score: the same matcher doing all the work
(`exhaustive`) gives the same themes and scores for every question of the evaluation
sets (development and held-out) and for generated typos and questions matching nothing."""

from __future__ import annotations

from directory.matching import ThemeMatcher, theme_terms
from directory.themes import load_catalog
from tests.unit.directory.test_nearest import evaluation_questions, generated_questions


def test_shortcuts_change_no_score() -> None:
    terms = tuple(theme_terms(theme) for theme in load_catalog())
    quick, reference = ThemeMatcher(terms), ThemeMatcher(terms)
    reference.exhaustive = True
    questions = evaluation_questions()
    assert len(questions) >= 429
    questions += [(text, text) for text in generated_questions(quick.vocabulary, 1500)]
    differ = [
        (label, floor)
        for label, question in questions
        for floor in (0.62, 0.45)  # the threshold, and the faint themes /wie asks back with
        if quick.score(question, floor) != reference.score(question, floor)
    ]
    assert differ == []


def test_the_reference_does_the_work_the_shortcuts_skip() -> None:
    terms = tuple(theme_terms(theme) for theme in load_catalog())
    quick, reference = ThemeMatcher(terms), ThemeMatcher(terms)
    reference.exhaustive = True
    assert len(reference._long_words_near(6, 85)) == len(reference.long_words)
    assert len(quick._long_words_near(6, 85)) < len(quick.long_words)
    everyday = next(iter(quick._everyday_forms))
    assert reference._may_be_in_order(everyday, set())
    assert not quick._may_be_in_order(everyday, set())


def test_longer_words_are_those_a_table_of_every_prefix_gives() -> None:
    matcher = ThemeMatcher(tuple(theme_terms(theme) for theme in load_catalog()))
    table: dict[str, set[str]] = {}
    for word in matcher.long_words:
        for end in range(4, len(word)):
            table.setdefault(word[:end], set()).add(word)
    assert table  # the catalog has long words with prefixes to look up
    for start, longer in table.items():
        assert set(matcher._longer_words(start)) == longer, start
    for start in ("huu", "zzzz", "", *matcher.long_words[:50]):
        assert set(matcher._longer_words(start)) == table.get(start, set()), start
