"""Understand which themes free text is about: names, synonyms, compounds and typos.

"kan de huur niet betalen" → schulden (a synonym phrase) and wonen (huur- words);
"schuldhulpverleneing" → schulden (a typo); "who can help with debt" → schulden
(the English name). The matcher is built once per catalog version and cached, so a
lookup costs a few dictionary probes and one rapidfuzz scan of the vocabulary.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process

# Words that carry no theme: question words, helpers, filler (Dutch and English).
STOPWORDS = frozenset(
    """
    de het een en of in op met voor bij aan te is zijn kan kun kunnen wie wat waar hoe die dat
    dit er niet geen ik je jij we wij zij ze hij mijn mij me ons onze iemand hulp helpen help
    helpt zoek zoeken gezocht collega contact mensen persoon van naar over om tot ook nog
    weet weten doet werkt heeft hebben moet wil graag even snel nu vandaag alstublieft aub
    who can could with for the a an of to is are someone somebody anyone looking find need
    needs help helps about on at in and or my our me i you your please knows does do works
    """.split()  # noqa: SIM905 - a word list reads better as text
)
# Matches weaker than this are not a theme of the query.
MIN_SCORE = 0.65
# A theme far behind the best one is noise ("huurtoeslag" next to a schulden phrase).
RELATIVE_CUTOFF = 0.6


def normalise(text: str) -> str:
    """Lowercase, no accents, letters and digits only, single spaces."""
    plain = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^a-z0-9]+", " ", plain).split())


@dataclass(frozen=True)
class ThemeTerms:
    """A theme reduced to what matching needs."""

    key: str
    terms: tuple[str, ...]


def theme_terms(theme: Any) -> ThemeTerms:
    """Terms of a Theme row or a catalog entry: key, both names and every synonym."""
    names = (
        getattr(theme, "name_nl", None) or getattr(theme, "nl", ""),
        getattr(theme, "name_en", None) or getattr(theme, "en", ""),
    )
    raw = (str(theme.key).replace("_", " "), *names, *(theme.synonyms or ()))
    terms = tuple(dict.fromkeys(t for t in (normalise(str(r)) for r in raw) if t))
    return ThemeTerms(key=str(theme.key), terms=terms)


class ThemeMatcher:
    """Scores free text against a fixed set of themes."""

    def __init__(self, themes: tuple[ThemeTerms, ...]) -> None:
        self.keys = tuple(t.key for t in themes)
        # Whole one-word terms → themes; content words that are only part of a phrase → themes.
        self.tokens: dict[str, set[str]] = {}
        phrase_words: dict[str, set[str]] = {}
        self.phrases: list[tuple[str, frozenset[str], str]] = []
        for theme in themes:
            for term in theme.terms:
                words = term.split()
                if len(words) == 1:
                    self.tokens.setdefault(term, set()).add(theme.key)
                    continue
                content = frozenset(w for w in words if w not in STOPWORDS)
                self.phrases.append((f" {term} ", content, theme.key))
                for word in content:
                    if len(word) >= 5:
                        phrase_words.setdefault(word, set()).add(theme.key)
        # How strongly a word points at its themes: a whole term 1.0; a word that is only part
        # of a phrase less, and less still when phrases of several themes share it ("geweld").
        self.words: dict[str, tuple[frozenset[str], float]] = {}
        for word, keys in phrase_words.items():
            strength = {1: 0.8, 2: 0.7}.get(len(keys), 0.6)
            self.words[word] = (frozenset(keys), strength)
        for word, keys in self.tokens.items():
            extra = phrase_words.get(word, set()) - keys
            self.words[word] = (frozenset(keys), 1.0)
            if extra and word not in self.tokens:
                self.words[word] = (frozenset(keys | extra), 0.8)
        self.vocabulary = tuple(self.words)
        self.long_words = tuple(w for w in self.vocabulary if len(w) >= 5)
        self._long = frozenset(self.long_words)
        # Prefixes (4+ letters) of long words, for 'huur' → 'huurder', 'eenzaam' → 'eenzaamheid'.
        self._prefixes: dict[str, set[str]] = {}
        for word in self.long_words:
            for end in range(4, len(word)):
                self._prefixes.setdefault(word[:end], set()).add(word)

    def score(self, query: str) -> list[tuple[str, float]]:
        """Theme keys with a score (about 0..1.2), best first; empty when nothing fits."""
        text = normalise(query)
        if not text:
            return []
        return list(self._score(text))

    @lru_cache(maxsize=4096)  # noqa: B019 - matchers are few and live as long as the process
    def _score(self, text: str) -> tuple[tuple[str, float], ...]:
        padded = f" {text} "
        best: dict[str, float] = {}
        hits: dict[str, set[str]] = {}

        def hit(keys: frozenset[str], value: float, word: str) -> None:
            for key in keys:
                best[key] = max(best.get(key, 0.0), value)
                hits.setdefault(key, set()).add(word)

        words = [w for w in text.split() if w not in STOPWORDS and len(w) >= 2]
        present = set(words)
        for phrase, content, key in self.phrases:
            if phrase in padded:
                hit(frozenset((key,)), 1.0, phrase)
            elif content and content <= present:
                hit(frozenset((key,)), 0.9, phrase)
        for word in words:
            known = self.words.get(word)
            if known is not None:
                hit(known[0], known[1], word)
                continue
            for candidate, value in self._near(word):
                keys, strength = self.words[candidate]
                hit(keys, value * strength, candidate)
        if not best:
            return ()
        # Several different words pointing at one theme make it surer.
        scored = [(k, round(v + 0.03 * min(len(hits[k]) - 1, 4), 4)) for k, v in best.items()]
        cutoff = max(MIN_SCORE, max(v for _k, v in scored) * RELATIVE_CUTOFF)
        kept = [(k, v) for k, v in scored if v >= cutoff]
        return tuple(sorted(kept, key=lambda kv: (-kv[1], self.keys.index(kv[0]))))

    def _near(self, word: str) -> list[tuple[str, float]]:
        """Known words close to an unknown one: typos, and parts of Dutch compounds."""
        found: list[tuple[str, float]] = []
        if len(word) >= 5:
            cutoff = 85 if len(word) < 8 else 80
            for candidate, ratio, _index in process.extract(
                word, self.long_words, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5
            ):
                found.append((candidate, 0.95 * ratio / 100))
        if len(word) >= 7:
            # 'huurschuld' ends in 'schuld'; 'schuldenlast' starts with 'schulden'.
            for size in range(5, len(word) - 1):
                for part in (word[:size], word[-size:]):
                    if part in self._long:
                        found.append((part, 0.8))
        for longer in self._prefixes.get(word, ()):
            found.append((longer, 0.75 if len(word) * 2 >= len(longer) else 0.62))
        return found


def _signature(theme: Any) -> tuple[Any, ...]:
    return (
        theme.key,
        getattr(theme, "name_nl", None) or getattr(theme, "nl", ""),
        getattr(theme, "name_en", None) or getattr(theme, "en", ""),
        tuple(theme.synonyms or ()),
    )


@lru_cache(maxsize=8)
def _matcher(version: tuple[tuple[Any, ...], ...]) -> ThemeMatcher:
    return ThemeMatcher(tuple(theme_terms(_Plain(*entry)) for entry in version))


@dataclass(frozen=True)
class _Plain:
    key: str
    name_nl: str
    name_en: str
    synonyms: tuple[str, ...]


def matcher_for(themes: Iterable[Any]) -> ThemeMatcher:
    """The cached matcher for this set of themes (rebuilt when the catalog changes)."""
    return _matcher(tuple(_signature(t) for t in themes))


def understand_themes(query: str, themes: Iterable[Any]) -> list[tuple[str, float]]:
    """Theme keys with a score for free text (synonyms, compounds, typos), best first."""
    return matcher_for(themes).score(query)


def closest_themes(query: str, themes: Iterable[Any], limit: int = 3) -> list[str]:
    """Theme keys that look most like the text, however weakly (for 'did you mean')."""
    matcher = matcher_for(themes)
    text = normalise(query)
    if not text:
        return []
    found = process.extract(text, matcher.vocabulary, scorer=fuzz.WRatio, limit=limit * 4)
    keys: list[str] = []
    for word, _score, _index in found:
        for key in sorted(matcher.words[word][0]):
            if key not in keys:
                keys.append(key)
    return keys[:limit]
