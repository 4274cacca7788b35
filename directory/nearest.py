"""The vocabulary words nearest to a text, ranked exactly as rapidfuzz's WRatio ranks them.

`closest_themes` ("did you mean", and the domain of the oliemannetje when a question
matches nothing) wants the few catalog words that look most like the whole question.
`process.extract(text, vocabulary, scorer=fuzz.WRatio)` scores all ~7,400 words: 4–17 ms
a question. `NearestWords.top` gives the same words in the same order and scores only
the words that could be among them: an upper bound of WRatio for every word, worked out
from letter counts and lengths for all words at once, rules out the rest. The bound holds
for every part of WRatio (see `_tables`), so the answer is the same; the tests compare it
with `process.extract` over thousands of questions.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import fuzz, process

# How many words with the highest bounds are scored first, to learn a score the answer's
# words reach at least.
PROBE = 16
# Scores are floats, and rapidfuzz drops scores a hair above a score_cutoff (it allows
# itself 1e-5 of a normalised distance): bounds and cutoffs stay this far below a score
# that must be kept. Lower is always safe (more words scored), never a different answer.
SLACK = 0.01
# WRatio's scales for the partial ratios (rapidfuzz.fuzz_py.WRatio).
PARTIAL_SCALE = 0.9
LONG_PARTIAL_SCALE = 0.6


class NearestWords:
    """Vocabulary words (single words, no spaces) by WRatio likeness to a text, best first."""

    def __init__(self, vocabulary: Sequence[str]) -> None:
        if any(not word or len(word.split()) != 1 or word != word.strip() for word in vocabulary):
            raise ValueError("vocabulary words are single words without spaces")
        self.vocabulary = tuple(vocabulary)
        self._index = {word: i for i, word in enumerate(self.vocabulary)}
        self._lengths = np.array([len(w) for w in self.vocabulary], dtype=np.intp)
        self._longest = int(self._lengths.max(initial=0))
        # Row (letter, k) says which words hold that letter at least k times: the letters a
        # word shares with a text (as multisets) are the sum of the rows the text selects.
        self._repeats = max((max(w.count(ch) for ch in w) for w in self.vocabulary), default=0)
        self._letters = {ch: i for i, ch in enumerate(sorted({ch for w in vocabulary for ch in w}))}
        at_least = np.zeros((len(self._letters) * self._repeats, len(self.vocabulary)), np.uint8)
        for column, word in enumerate(self.vocabulary):
            for letter in set(word):
                first = self._letters[letter] * self._repeats
                at_least[first : first + word.count(letter), column] = 1
        self._at_least = at_least
        # All words in one string, to find the words a text is a piece of.
        self._joined = "\n".join(self.vocabulary)
        self._starts = np.cumsum([0, *(len(w) + 1 for w in self.vocabulary[:-1])])

    def top(self, text: str, limit: int) -> list[str]:
        """The `limit` words `process.extract(text, vocabulary, scorer=fuzz.WRatio)` puts first."""
        if not text or limit <= 0 or not self.vocabulary:
            return []
        if len(self.vocabulary) <= max(PROBE, limit) + 1:
            every = self._scored(text, np.arange(len(self.vocabulary)), 0.0)
            return [self.vocabulary[index] for _score, index in every[:limit]]
        bounds = self._bounds(text)
        # The limit-th best score among the most promising words is reached by `limit`
        # words at least, so a word whose bound lies below it is not among the answer's.
        probe = max(PROBE, limit)
        promising = np.argpartition(-bounds, probe)[:probe]
        floor = self._scored(text, np.sort(promising), 0.0)[limit - 1][0]
        candidates = np.flatnonzero(bounds >= floor - SLACK)
        bounds = bounds[candidates]
        # Best bound first, in growing batches; stop when no word left could reach the
        # limit-th best score so far.
        order = np.argsort(-bounds, kind="stable")
        scored: list[tuple[float, int]] = []
        start, batch = 0, probe
        while start < len(order):
            if len(scored) >= limit:
                floor = scored[limit - 1][0]
                if bounds[order[start]] < floor - SLACK:
                    break
            chunk = candidates[order[start : start + batch]]
            start, batch = start + batch, 2 * batch
            scored = sorted([*scored, *self._scored(text, chunk, floor)], key=_rank)[:limit]
        return [self.vocabulary[index] for _score, index in scored[:limit]]

    def _scored(self, text: str, positions: np.ndarray, floor: float) -> list[tuple[float, int]]:
        """(WRatio, position) of the words that reach the floor, best first, ties by
        position (as process.extract ranks them)."""
        indexes = positions.tolist()
        words = [self.vocabulary[i] for i in indexes]
        cutoff = max(floor - SLACK, 0.0)
        found = process.extract(text, words, scorer=fuzz.WRatio, limit=None, score_cutoff=cutoff)
        return sorted(((score, indexes[at]) for _word, score, at in found), key=_rank)

    def _bounds(self, text: str) -> np.ndarray:
        """An upper bound of fuzz.WRatio(text, word) for every word of the vocabulary."""
        tokens = text.split()
        distinct = sorted(set(tokens))
        counts: dict[int, int] = {}
        for letter in text:
            column = self._letters.get(letter)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        rows = [
            column * self._repeats + k
            for column, count in counts.items()
            for k in range(min(count, self._repeats))
        ]
        common = self._at_least[rows].sum(axis=0, dtype=np.intp)
        sizes = (len(text), len(" ".join(sorted(tokens))), len(" ".join(distinct)))
        plain, piece = _tables(sizes, self._longest)
        bounds = plain[self._lengths, common]
        for index in self._pieces(text, distinct):
            bounds[index] = piece[self._lengths[index], common[index]]
        for token in distinct:
            known = self._index.get(token)
            if known is not None:
                bounds[known] = 100.0  # a word of the text: the token ratios give 100
        return bounds

    def _pieces(self, text: str, tokens: Sequence[str]) -> set[int]:
        """Words that are a piece of one of the text's tokens, or hold the text as a piece."""
        found: set[int] = set()
        for token in tokens:
            for start in range(len(token)):
                for end in range(start + 1, min(len(token), start + self._longest) + 1):
                    index = self._index.get(token[start:end])
                    if index is not None:
                        found.add(index)
        if len(tokens) == 1:
            at = self._joined.find(tokens[0])
            while at >= 0:
                found.add(int(np.searchsorted(self._starts, at, side="right")) - 1)
                at = self._joined.find(tokens[0], at + 1)
        return found


def _rank(scored: tuple[float, int]) -> tuple[float, int]:
    return (-scored[0], scored[1])


@lru_cache(maxsize=256)
def _tables(sizes: tuple[int, int, int], longest: int) -> tuple[np.ndarray, np.ndarray]:
    """Upper bounds of WRatio(text, word) by the word's length n and the letters c it shares
    with the text: for a word that is no piece of the text nor holds it, and for one that is.

    `sizes` are the lengths of the text, its words sorted and its distinct words sorted;
    every part of WRatio compares one of these strings x with the word w (unless w is one
    of the text's words: then a token ratio is 100, which the caller sets). ratio(x, w) =
    2·LCS/(|x|+n) ≤ 2c/(|x|+n). partial_ratio(x, w) compares the shorter of the two
    (length m) with pieces of the longer (of length m, and shorter ones at its ends): 100
    when the shorter is a piece of the longer; otherwise LCS ≤ m-1 and it is at most
    2c'/(m+c') with c' = min(c, m-1). WRatio takes the ratio and, only when one string is
    at least 1.5 times as long as the other, 0.9 (0.6 beyond 8 times) of the partial
    ratios (partial_ratio itself, and partial_token_ratio at 0.95 of that)."""
    length, shortest = sizes[0], min(sizes)
    n = np.arange(longest + 1)[:, None]
    c = np.arange(longest + 1)[None, :]
    whole = 200.0 * c / np.maximum(shortest + n, 1)
    partial = np.zeros((longest + 1, longest + 1))
    piece = np.zeros((longest + 1, longest + 1))
    for size in set(sizes):
        m = np.minimum(size, n)
        capped = np.maximum(np.minimum(c, m - 1), 0)
        not_a_piece = 2.0 * capped / np.maximum(m + capped, 1)
        partial = np.maximum(partial, not_a_piece)
        # A piece: the word inside the text (n < size) or the text inside the word (n > size).
        piece = np.maximum(piece, np.where(n != size, 1.0, not_a_piece))
    longer, shorter = np.maximum(length, n), np.minimum(length, n)
    scale = np.where(longer > 8 * shorter, LONG_PARTIAL_SCALE, PARTIAL_SCALE)
    branch = 2 * longer < 3 * np.maximum(shorter, 1)  # WRatio's len_ratio < 1.5
    plain = np.where(branch, whole, np.maximum(whole, 100.0 * scale * partial))
    pieces = np.where(branch, whole, np.maximum(whole, 100.0 * scale * piece))
    plain.setflags(write=False)
    pieces.setflags(write=False)
    return plain, pieces
