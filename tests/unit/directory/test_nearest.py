"""The nearest vocabulary words: the same answer as scoring every word with rapidfuzz.

`closest_themes` used to run `process.extract(text, vocabulary, scorer=fuzz.WRatio)` over
the whole vocabulary; `NearestWords` scores only the words an upper bound cannot rule
out. These tests hold the two side by side: every question of the evaluation sets
(development and held-out), generated typos and questions that match nothing, and small
random vocabularies where ties are everywhere.
"""

from __future__ import annotations

import random
import string
import tomllib
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from directory.matching import closest_themes, matcher_for, normalise
from directory.nearest import NearestWords
from directory.themes import load_catalog

EVAL = Path(__file__).resolve().parents[3] / "directory/data/eval"


def by_extract(text: str, vocabulary: tuple[str, ...], limit: int) -> list[str]:
    """The reference: every word scored (what closest_themes did before NearestWords)."""
    found = process.extract(text, vocabulary, scorer=fuzz.WRatio, limit=limit)
    return [word for word, _score, _index in found]


def keys_of(words: list[str], meanings: dict[str, dict[str, float]], limit: int) -> list[str]:
    """closest_themes' keys from its words, as it always picked them."""
    keys: list[str] = []
    for word in words:
        for key in sorted(meanings[word]):
            if key not in keys:
                keys.append(key)
    return keys[:limit]


def evaluation_questions() -> list[tuple[str, str]]:
    """(label, text) of every question in the evaluation sets; held-out ones by id only."""
    found = []
    for name in ("questions.toml", "holdout.toml"):
        path = EVAL / name
        if path.exists():
            for question in tomllib.loads(path.read_text(encoding="utf-8"))["question"]:
                shown = question["text"] if question["split"] != "holdout" else ""
                found.append((f"{question['id']} {shown}", question["text"]))
    return found


def generated_questions(vocabulary: tuple[str, ...], count: int) -> list[str]:
    """Typos of catalog words and questions that match nothing (deterministic)."""
    rng = random.Random(15)
    letters = string.ascii_lowercase
    filler = "wie kan helpen met de het een voor bij in op iemand die weet waar is hoe".split()  # noqa: SIM905
    words = [w for w in vocabulary if len(w) >= 4]
    questions = ["xyzzy", "paarse krokodil", "hoe laat is het", "jan de vries", "qwerty"]
    while len(questions) < count:
        kind = len(questions) % 4
        if kind == 0:  # a typo: a letter dropped, doubled, swapped or replaced
            word = list(rng.choice(words))
            at = rng.randrange(len(word) - 1)
            edit = rng.randrange(4)
            if edit == 0:
                del word[at]
            elif edit == 1:
                word.insert(at, word[at])
            elif edit == 2:
                word[at], word[at + 1] = word[at + 1], word[at]
            else:
                word[at] = rng.choice(letters)
            questions.append("".join(word))
        elif kind == 1:  # nonsense
            questions.append("".join(rng.choice(letters) for _ in range(rng.randint(1, 16))))
        elif kind == 2:  # a sentence about nothing in the catalog, with made-up words
            made_up = ["".join(rng.choice(letters) for _ in range(rng.randint(2, 9)))]
            parts = rng.sample(filler, rng.randint(1, 5)) + made_up * rng.randint(1, 2)
            rng.shuffle(parts)
            questions.append(" ".join(parts))
        else:  # pieces of catalog words glued to nonsense
            word = rng.choice(words)
            cut = rng.randint(1, len(word))
            questions.append(word[:cut] + " " + "".join(rng.choice(letters) for _ in range(3)))
    return questions


def test_closest_themes_answers_as_scoring_every_word_did() -> None:
    catalog = load_catalog()
    matcher = matcher_for(catalog)
    evaluation = evaluation_questions()
    assert len(evaluation) >= 429  # the development set at least; the held-out set when present
    generated = [(text, text) for text in generated_questions(matcher.vocabulary, 1500)]
    differ = []
    for label, question in evaluation + generated:
        text = normalise(question)
        expected = by_extract(text, matcher.vocabulary, 12)
        for limit in (1, 3):
            # closest_themes always took the best limit * 4 words.
            want = keys_of(expected[: limit * 4], matcher.words, limit) if text else []
            if closest_themes(question, catalog, limit=limit) != want:
                differ.append((label, limit))
    # The whole ranking too, for the real questions.
    for label, question in evaluation:
        text = normalise(question)
        if text and matcher._nearest.top(text, 12) != by_extract(text, matcher.vocabulary, 12):
            differ.append((label, 12))
    assert differ == []


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text("abcd", min_size=1, max_size=9), min_size=1, max_size=60, unique=True),
    st.text("abcd ", min_size=1, max_size=14),
    st.integers(1, 8),
)
def test_ties_and_pieces_fall_as_in_process_extract(
    vocabulary: list[str], text: str, limit: int
) -> None:
    """Few letters: many equal scores, words inside words, words of the text itself."""
    words = tuple(vocabulary)
    assert NearestWords(words).top(text, limit) == by_extract(text, words, limit)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text("abcde", min_size=1, max_size=30), min_size=40, max_size=80, unique=True),
    st.text("abcde ", min_size=1, max_size=40),
)
def test_the_bound_is_never_below_the_score(vocabulary: list[str], text: str) -> None:
    words = tuple(vocabulary)
    bounds = NearestWords(words)._bounds(text)
    scores = [fuzz.WRatio(text, word) for word in words]
    assert all(bound >= score - 1e-9 for bound, score in zip(bounds, scores, strict=True))


def test_an_empty_text_or_vocabulary_has_no_nearest_words() -> None:
    assert NearestWords(("huur", "schuld")).top("", 3) == []
    assert NearestWords(()).top("huur", 3) == []
    assert NearestWords(("huur", "schuld")).top("huur", 0) == []
