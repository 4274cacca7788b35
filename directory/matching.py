"""Understand which themes free text is about: names, synonyms, stems, compounds and typos.

"kan de huur niet betalen" → schulden (a synonym phrase) and wonen (huur- words);
"drinkt elke dag" → verslaving (Snowball stems: drinkt ~ drinken);
"schuldhulpverleningstraject" → schulden (a compound of known parts);
"schuldhulpverleneing" → schulden (a typo); "who can help with debt" → schulden.

Each word of the question is looked up as written, by its Dutch and English stem, in
its usual spelling variants, as a compound of known words, as a typo (rapidfuzz) and
as the start of a longer word, in that order; the first way that finds something wins.
A theme scores by its strongest evidence, plus a little for every other word that
points at it. The matcher is built once per catalog version and cached.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

from directory import kept
from directory.compounds import split_compound
from directory.near_words import NearWords
from directory.reading import forms, in_order, relative_age, story_settings
from directory.stopwords import STOPWORDS
from directory.theme_terms import COMMON, Phrase, ThemeTerms, theme_terms
from directory.words import normalise, plain_words, spelling_variants, stemmer_modules, stems

__all__ = [
    "MIN_SCORE",
    "STOPWORDS",
    "ThemeMatcher",
    "ThemeTerms",
    "closest_themes",
    "matcher_for",
    "normalise",
    "theme_terms",
    "understand_themes",
]

# Matches weaker than this are not a theme of the query.
MIN_SCORE = 0.62
# A theme far behind the best one is noise ("huurtoeslag" next to a schulden phrase).
RELATIVE_CUTOFF = 0.6
# Each further word pointing at a theme adds this much of its own strength.
SUPPORT = 0.08
SUPPORT_CAP = 0.24
# Longer "words" are not words (pasted codes, a key held down): looked up as written only.
MAX_WORD = 40
# How much a part of a compound is worth next to the whole word.
COMPOUND = 0.85
# A hint ("bier" for verslaving) says less than a synonym: it describes, it does not name.
HINT = 0.7
# Each further content word of a matched phrase makes it surer than one word alone.
PHRASE_BONUS = 0.05
# Themes that name a group of residents rather than a problem: next to a problem theme
# they count this much of their score, so 'kind met autisme' puts autisme first.
POPULATION_THEMES = frozenset({"jeugd", "ouderen", "jongvolwassenen"})
POPULATION = 0.93
# A word inside a phrase of another theme counts this much of its own strength.
CLAIMED = 0.85
# A place word that is only the setting of a story ('op haar werk') counts this much.
SETTING = 0.8


class ThemeMatcher(NearWords):
    """Scores free text against a fixed set of themes."""

    def __init__(self, themes: tuple[ThemeTerms, ...]) -> None:
        self.keys = tuple(t.key for t in themes)
        self._order = {k: i for i, k in enumerate(self.keys)}
        # form of a word → theme → how strongly the word points at it
        self.words: dict[str, dict[str, float]] = {}
        # the same for words as the catalog writes them, without the stems
        self._exact: dict[str, dict[str, float]] = {}
        parts: dict[str, set[str]] = {}  # content words of phrases, by every form
        # Words as the catalog writes them (not their stems): what a typo can be of.
        written: set[str] = set()
        self.phrases: list[Phrase] = []
        for theme in themes:
            for weight, terms in ((1.0, theme.terms), (HINT, theme.hints)):
                for term in terms:
                    words = term.split()
                    if len(words) == 1:
                        written.add(term)
                        self._add(term, theme.key, weight, self._exact)
                        for form in forms(term):
                            self._add(form, theme.key, weight)
                        continue
                    content = [w for w in words if w not in STOPWORDS]
                    self.phrases.append(
                        Phrase(
                            f" {term} ",
                            tuple(frozenset(forms(w)) for w in content),
                            theme.key,
                            weight * (1.0 + PHRASE_BONUS * min(len(content) - 1, 3)),
                            all(w in COMMON for w in content),
                        )
                    )
                    if weight < 1.0:
                        continue
                    for word in content:
                        if len(word) >= 4 and word not in COMMON:
                            parts.setdefault(word, set()).add(theme.key)
        # A word that is only part of a phrase points less strongly, and less still when
        # phrases of two themes share it.
        named = set(self.words)  # every form of a word the catalog names on its own
        common_forms = {form for word in COMMON for form in forms(word)}
        by_form: dict[str, set[str]] = {}
        pending: dict[str, dict[str, float]] = {}
        for word, keys in parts.items():
            if any(form in named for form in forms(word)):
                # A word named on its own, in any form ('financieel', a hint of schulden;
                # 'schreeuwt' next to the hint 'schreeuwen') means that, not whatever
                # phrase it is also part of. As written it is still a word a typo can be
                # of ('psygische' for 'psychische'), meaning what its named form means.
                if len(word) >= 5 and word not in self.words:
                    pending[word] = self._merged(forms(word))
                continue
            written.add(word)
            for form in forms(word):
                if form != word and form in common_forms:
                    continue  # 'vriendjes' stems to 'vriend', an everyday word: not evidence
                by_form.setdefault(form, set()).update(keys)
        for form, keys in by_form.items():
            if len(keys) > 2:
                continue  # in phrases of three themes or more: an everyday word ('kwijt')
            strength = 0.75 if len(keys) == 1 else 0.65
            for key in keys:
                self._add(form, key, strength)
                if form in written:
                    self._add(form, key, strength, self._exact)
        for word, meaning in pending.items():
            if meaning and word not in self.words:
                written.add(word)
                for key, strength in meaning.items():
                    self._add(word, key, strength)
        # Which phrases hold a form among their content words; which hold none at all.
        self._phrases_with: dict[str, list[int]] = {}
        self._bare_phrases: list[int] = []
        for index, phrase in enumerate(self.phrases):
            if not phrase.content:
                self._bare_phrases.append(index)
            for form in set().union(*phrase.content) if phrase.content else ():
                self._phrases_with.setdefault(form, []).append(index)
        self.vocabulary = tuple(self.words)
        self._pieces = frozenset(
            w for w in self.vocabulary if len(w) >= 5 or (w in self._exact and w in named)
        )
        # A typo is of a word as written, not of a stem ('voordeur' is no 'vorder').
        self.long_words = tuple(w for w in self.vocabulary if len(w) >= 5 and w in written)
        # Written words by their first letter, for swapped letters.
        self._by_initial: dict[str, list[str]] = {}
        for word in sorted(written):
            if len(word) >= 4 and word.isalpha() and word in self.words:
                self._by_initial.setdefault(word[0], []).append(word)

    def state(self) -> dict[str, Any]:
        """What the matcher knows, as plain values (to keep it on disk, `directory.kept`)."""
        return {
            "keys": self.keys,
            "words": self.words,
            "exact": self._exact,
            "phrases": [(p.padded, p.content, p.key, p.weight, p.everyday) for p in self.phrases],
            "phrases_with": self._phrases_with,
            "bare_phrases": self._bare_phrases,
            "pieces": self._pieces,
            "long_words": self.long_words,
            "by_initial": self._by_initial,
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> ThemeMatcher:
        """The matcher `state()` describes, as it was built."""
        matcher = cls.__new__(cls)
        matcher.keys = tuple(state["keys"])
        matcher._order = {k: i for i, k in enumerate(matcher.keys)}
        matcher.words = state["words"]
        matcher._exact = state["exact"]
        matcher.phrases = [Phrase(*phrase) for phrase in state["phrases"]]
        matcher._phrases_with = state["phrases_with"]
        matcher._bare_phrases = state["bare_phrases"]
        matcher.vocabulary = tuple(matcher.words)
        matcher._pieces = frozenset(state["pieces"])
        matcher.long_words = tuple(state["long_words"])
        matcher._by_initial = state["by_initial"]
        return matcher

    def _add(
        self, form: str, key: str, strength: float, into: dict[str, dict[str, float]] | None = None
    ) -> None:
        known = (self.words if into is None else into).setdefault(form, {})
        known[key] = max(known.get(key, 0.0), strength)

    def score(self, query: str, floor: float = MIN_SCORE) -> list[tuple[str, float]]:
        """Theme keys with a score (about 0..1.3), best first; empty when nothing fits.

        `floor` is the weakest score kept; a lower one shows the faint candidates too
        (what to offer when asking back)."""
        text = plain_words(query)
        if not text:
            return []
        return list(self._score(text, floor))

    def _score(self, text: str, floor: float) -> tuple[tuple[str, float], ...]:
        # /wie asks at the threshold and, when nothing reaches it, again at the ask-back
        # floor: the evidence is the same, only the cutoff differs.
        scored = self._scores(text)
        if not scored:
            return ()
        cutoff = max(floor, max(v for _k, v in scored) * RELATIVE_CUTOFF)
        kept = [(k, v) for k, v in scored if v >= cutoff]
        return tuple(sorted(kept, key=lambda kv: (-kv[1], self._order[kv[0]])))

    @lru_cache(maxsize=4096)  # noqa: B019 - matchers are few and live as long as the process
    def _scores(self, text: str) -> tuple[tuple[str, float], ...]:
        """Every theme with evidence in the text and its score, before any cutoff."""
        padded = f" {text} "
        evidence: dict[str, dict[str, float]] = {}  # theme → word → strength

        def hit(key: str, value: float, word: str) -> None:
            seen = evidence.setdefault(key, {})
            seen[word] = max(seen.get(word, 0.0), value)

        all_words = text.split()
        relative = relative_age(all_words)
        words = [
            w
            for i, w in enumerate(all_words)
            if w not in STOPWORDS and len(w) >= 2 and i not in relative
        ]
        found = {word: self._lookup(word) for word in words}
        settings = story_settings(text)
        # Every form of every word, and what a typo or compound turned out to be (with how
        # sure that reading is).
        present: dict[str, float] = {}
        for word in words:
            for form in forms(word):
                present[form] = 1.0
            for _keys, factor, source in found[word]:
                for form in forms(source):
                    present[form] = max(present.get(form, 0.0), factor)
        # Every form of every word as written, stop words too (for everyday phrases).
        text_forms = {form for word in all_words for form in forms(word)}
        # Only phrases sharing a word with the question can match (or have no content words).
        candidates = set(self._bare_phrases)
        for form in present:
            candidates.update(self._phrases_with.get(form, ()))
        # Words inside a naming phrase found as written speak mostly for that phrase's theme:
        # 'wonen' in 'beschermd wonen' is weaker evidence for wonen.
        claimed: dict[str, set[str]] = {}
        for index in sorted(candidates):
            phrase = self.phrases[index]
            if phrase.padded in padded:
                hit(phrase.key, phrase.weight, phrase.padded)
                if phrase.weight >= 1.0 and len(phrase.content) > 1:
                    for word in phrase.padded.split():
                        claimed.setdefault(word, set()).add(phrase.key)
            elif phrase.everyday:
                if self._may_be_in_order(index, text_forms) and in_order(
                    phrase.padded.split(), all_words
                ):
                    hit(phrase.key, phrase.weight * 0.9, phrase.padded)
            elif len(phrase.content) > 1:
                sure = [
                    max((present.get(f, 0.0) for f in known), default=0.0)
                    for known in phrase.content
                ]
                if min(sure) > 0:
                    hit(phrase.key, phrase.weight * 0.9 * min(sure), phrase.padded)
        for word in words:
            for keys, factor, source in found[word]:
                for key, strength in keys.items():
                    if word in claimed and key not in claimed[word]:
                        strength *= CLAIMED
                    if word in settings:
                        strength *= SETTING
                    hit(key, strength * factor, source)
        if not evidence:
            return ()
        scored = []
        for key, seen in evidence.items():
            ranked = sorted(seen.values(), reverse=True)
            support = min(SUPPORT * sum(ranked[1:]), SUPPORT_CAP)
            scored.append((key, round(ranked[0] + support, 4)))
        if len(scored) > 1:
            # 'a kid with autism': who the resident is matters less than what is going on.
            scored = [(k, v * POPULATION if k in POPULATION_THEMES else v) for k, v in scored]
        return tuple(scored)

    @lru_cache(maxsize=16384)  # noqa: B019 - see _scores
    def _lookup(self, word: str) -> tuple[tuple[dict[str, float], float, str], ...]:
        """(theme → strength, factor for how it was found, known word) for one word."""
        if len(word) > MAX_WORD:
            known = self.words.get(word)
            return ((known, 1.0, word),) if known else ()
        direct = self._as_written(word)
        if direct:
            return ((direct, 1.0, word),)
        for variant in spelling_variants(word):
            known = self._merged(forms(variant))
            if known:
                return ((known, 0.95, variant),)
        parts, whole = split_compound(word, self._knows)
        found = [(self._known(piece), COMPOUND, piece) for piece in parts]
        if whole:
            return tuple(found)
        # A compound with an unknown part may as well be a typo: 'jeudzorg' is 'jeugdzorg'.
        return (*self._near(word), *found)

    def _may_be_in_order(self, index: int, text_forms: set[str]) -> bool:
        """False when a word of the everyday phrase has no form among the text's, so that
        `reading.in_order` cannot find it (it compares words by their forms)."""
        return self.exhaustive or all(
            not known.isdisjoint(text_forms) for known in self._everyday_forms[index]
        )

    @cached_property
    def _everyday_forms(self) -> dict[int, tuple[frozenset[str], ...]]:
        return {
            index: tuple(frozenset(forms(word)) for word in phrase.padded.split())
            for index, phrase in enumerate(self.phrases)
            if phrase.everyday
        }

    def knows(self, word: str) -> bool:
        """True when the word, one of its stems or a usual spelling of it is a theme word
        (not merely close to one)."""
        text = plain_words(word)
        return bool(text) and all(
            self._merged(forms(w)) or any(self._merged(forms(v)) for v in spelling_variants(w))
            for w in text.split()
        )

    def _as_written(self, word: str) -> dict[str, float]:
        """Theme → strength for a word. A word the catalog writes means what it says there;
        its stems only strengthen that ('ouders' is about parents, though it shares the stem
        'ouder' with 'ouderen'). Other words mean what their stems mean."""
        exact = self._exact.get(word)
        if exact is None:
            return self._merged(forms(word))
        found = dict(exact)
        for key, strength in self._merged(stems(word)).items():
            if key in found:
                found[key] = max(found[key], strength)
        return found

    def _merged(self, forms: Iterable[str]) -> dict[str, float]:
        """Theme → strength over all forms of a word ('drinkt' a hint, its stem a synonym)."""
        merged: dict[str, float] = {}
        for form in forms:
            for key, strength in self.words.get(form, {}).items():
                merged[key] = max(merged.get(key, 0.0), strength)
        return merged

    def _knows(self, piece: str) -> bool:
        # Words and their stems are both keys, so a part needs no stemming of its own. A
        # short piece must be a word the catalog names ('huur'), not a stem or a part of a
        # phrase: 'hele' in 'helemaal' or 'ends' in 'ochtends' is chance.
        return piece in self._pieces

    def _known(self, piece: str) -> dict[str, float]:
        return self.words[piece]


def _signature(theme: Any) -> tuple[Any, ...]:
    return (
        theme.key,
        getattr(theme, "name_nl", None) or getattr(theme, "nl", ""),
        getattr(theme, "name_en", None) or getattr(theme, "en", ""),
        tuple(theme.synonyms or ()),
        tuple(getattr(theme, "hints", None) or ()),
    )


@lru_cache(maxsize=8)
def _matcher(version: tuple[tuple[Any, ...], ...]) -> ThemeMatcher:
    # Built in 0.05 s for the shipped catalog, loaded in 0.01 s when a process before kept it
    # (what a command line start notices).
    return kept.load_or_make(
        "theme-matcher",
        _fingerprint(version),
        lambda: ThemeMatcher(tuple(theme_terms(_Plain(*entry)) for entry in version)),
        to_state=ThemeMatcher.state,
        from_state=ThemeMatcher.from_state,
    )


def _fingerprint(version: tuple[tuple[Any, ...], ...]) -> str:
    """A name for everything that shapes a matcher: the themes, the code that builds it, the
    stemmers and Python's version."""
    digest = hashlib.sha256(repr(version).encode())
    digest.update(sys.version.encode())
    for name in (
        __name__,
        "directory.near_words",
        "directory.reading",
        "directory.theme_terms",
        "directory.words",
        "directory.compounds",
        "directory.stopwords",
    ):
        digest.update(Path(str(sys.modules[name].__file__)).read_bytes())
    for stemmer in stemmer_modules():
        stat = os.stat(str(stemmer.__file__))
        digest.update(f"{stemmer.__file__} {stat.st_size} {stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:32]


@dataclass(frozen=True)
class _Plain:
    key: str
    name_nl: str
    name_en: str
    synonyms: tuple[str, ...]
    hints: tuple[str, ...]


# The last theme collection seen, by identity: the per-database reference hands the same
# tuple to every question until the themes change, so its signature is worked out once.
_LAST: list[tuple[Any, ThemeMatcher]] = []


def matcher_for(themes: Iterable[Any]) -> ThemeMatcher:
    """The cached matcher for this set of themes (rebuilt when the catalog changes)."""
    if isinstance(themes, tuple) and _LAST and _LAST[0][0] is themes:
        return _LAST[0][1]
    matcher = _matcher(tuple(_signature(t) for t in themes))
    if isinstance(themes, tuple):
        _LAST[:] = [(themes, matcher)]
    return matcher


def understand_themes(query: str, themes: Iterable[Any]) -> list[tuple[str, float]]:
    """Theme keys with a score for free text (synonyms, stems, compounds, typos), best first."""
    return matcher_for(themes).score(query)


def closest_themes(query: str, themes: Iterable[Any], limit: int = 3) -> list[str]:
    """Theme keys that look most like the text, however weakly (for 'did you mean')."""
    text = normalise(query)
    if not text or limit <= 0:
        return []
    return list(matcher_for(themes).closest(text, limit))
