"""Known words near an unknown one: typos ('schuldhulpverleneing'), swapped letters
('wrek' for 'werk'), the start of a longer word ('huur' → 'huurder') and, for 'did you
mean', the words most like a whole question. A part of `directory.matching.ThemeMatcher`
(its base class), which holds the vocabulary these work on."""

from __future__ import annotations

from bisect import bisect_left
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

if TYPE_CHECKING:
    from directory.nearest import NearestWords

# The start of a word that begins known words of more themes than this is no evidence.
MAX_PREFIX_THEMES = 2

Found = list[tuple[dict[str, float], float, str]]


class NearWords:
    """Typo, slip and prefix lookups over a matcher's vocabulary."""

    # Set by the matcher: form → theme → strength, every known form, the written words of
    # five letters or more, and written words by their first letter.
    words: dict[str, dict[str, float]]
    vocabulary: tuple[str, ...]
    long_words: tuple[str, ...]
    _by_initial: dict[str, list[str]]
    # True: skip none of the work that cannot change an answer (the tests' reference).
    exhaustive = False

    @cached_property
    def _long_words_sorted(self) -> tuple[str, ...]:
        """The long words in alphabetical order: those beginning alike stand together."""
        return tuple(sorted(set(self.long_words)))

    def _longer_words(self, start: str) -> list[str]:
        """Long words that begin with `start` (4+ letters) and go on after it, for 'huur' →
        'huurder', 'eenzaam' → 'eenzaamheid'. Found by bisection in the sorted words: a
        table of every prefix held 4.6 MiB at 100,000 people."""
        if len(start) < 4:
            return []
        words = self._long_words_sorted
        found: list[str] = []
        for at in range(bisect_left(words, start), len(words)):
            word = words[at]
            if not word.startswith(start):
                break
            if len(word) > len(start):
                found.append(word)
        return found

    @lru_cache(maxsize=4096)  # noqa: B019 - see _scores
    def closest(self, text: str, limit: int) -> tuple[str, ...]:
        """Theme keys of the vocabulary words most like the whole (normalised) text, by
        rapidfuzz's WRatio, from the best `limit * 4` words: the first `limit` keys."""
        keys: list[str] = []
        # The best few words usually name enough themes; the ranking is the same either way.
        for count in dict.fromkeys((limit, limit * 4)):
            keys = []
            for word in self._nearest.top(text, count):
                for key in sorted(self.words[word]):
                    if key not in keys:
                        keys.append(key)
            if len(keys) >= limit:
                break
        return tuple(keys[:limit])

    @cached_property
    def _nearest(self) -> NearestWords:
        # Imported here: numpy costs a process 0.05-0.1 s and 12 MiB, which only a question
        # that matches nothing needs (a command line start does not).
        from directory.nearest import NearestWords

        return NearestWords(self.vocabulary)

    @lru_cache(maxsize=64)  # noqa: B019 - see _scores
    def _long_words_near(self, length: int, cutoff: int) -> tuple[str, ...]:
        """The long words whose length allows fuzz.ratio ≥ cutoff with a word this long:
        ratio = 200·LCS/(sum of lengths) ≤ 200·(shorter length)/(sum), in the same order,
        so that process.extract ranks (and breaks ties) among them as among all."""
        if self.exhaustive:
            return self.long_words
        return tuple(
            w for w in self.long_words if 200 * min(len(w), length) >= cutoff * (len(w) + length)
        )

    def _near(self, word: str) -> Found:
        """Known words close to an unknown one: typos, and the start of a longer word."""
        found: Found = []
        if len(word) >= 5:
            cutoff = 85 if len(word) < 8 else 80
            for candidate, ratio, _index in process.extract(
                word,
                self._long_words_near(len(word), cutoff),
                scorer=fuzz.ratio,
                score_cutoff=cutoff,
                limit=3,
            ):
                found.append((self.words[candidate], 0.95 * ratio / 100, candidate))
        if not found:
            found = self._slips(word)
        if found:
            return found
        longer_words = self._longer_words(word)
        if len({key for longer in longer_words for key in self.words[longer]}) > MAX_PREFIX_THEMES:
            return []  # 'zelf' starts words of half the catalog: it says nothing
        for longer in longer_words:
            value = 0.75 if len(word) * 2 >= len(longer) else 0.62
            found.append((self.words[longer], value, longer))
        return found

    def _slips(self, word: str) -> Found:
        """Two neighbouring letters swapped, which the ratio scores low in short words
        ('wrek' for 'werk', 'huur' typed 'huru'). A swap rarely makes another Dutch word,
        unlike a wrong or missing letter ('delen' is no slip of 'dealen')."""
        if len(word) < 4 or not word.isalpha():
            return []
        letters = sorted(word)
        return [
            (self.words[candidate], 0.8, candidate)
            for candidate in self._by_initial.get(word[0], ())
            if len(candidate) == len(word)
            and sorted(candidate) == letters
            and OSA.distance(word, candidate, score_cutoff=1) == 1
        ][:3]
