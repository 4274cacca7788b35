"""Words of a question as matching sees them: plain letters, contractions, stems.

Dutch inflects and English too: "drinkt", "drinken" and "drinking" should meet
the catalog's "drinken". Snowball's Dutch and English stemmers (the
`snowballstemmer` package) reduce a word to its stem; both stems are tried, so
an English question needs no language switch.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from functools import cache, lru_cache
from types import ModuleType

import snowballstemmer

# Chat contractions and spellings that normalising alone leaves unrecognisable.
CONTRACTIONS = {
    "z n": "zijn",
    "d r": "haar",
    "m n": "mijn",
    "cant": "cannot",
    "can t": "cannot",
    "wont": "will not",
    "won t": "will not",
    "doesnt": "does not",
    "doesn t": "does not",
    "dont": "do not",
    "don t": "do not",
    "isnt": "is not",
    "isn t": "is not",
}
_CONTRACTION = re.compile(r"\b(" + "|".join(sorted(CONTRACTIONS, key=len, reverse=True)) + r")\b")


def normalise(text: str) -> str:
    """Lowercase, no accents, letters and digits only, single spaces."""
    plain = text.lower()
    if not plain.isascii():  # plain ASCII (most text) has no accents to take off
        plain = unicodedata.normalize("NFKD", plain)
        plain = "".join(ch for ch in plain if not unicodedata.combining(ch))
    return " ".join(_NOT_LETTER_OR_DIGIT.sub(" ", plain).split())


_NOT_LETTER_OR_DIGIT = re.compile(r"[^a-z0-9]+")


def plain_words(text: str) -> str:
    """`normalise`, with chat contractions written out ("z'n" → "zijn", "can't" → "cannot")."""
    return _CONTRACTION.sub(lambda m: CONTRACTIONS[m.group(1)], normalise(text))


@cache
def _stemmers() -> tuple[snowballstemmer.stemmer, snowballstemmer.stemmer]:
    return snowballstemmer.stemmer("dutch"), snowballstemmer.stemmer("english")


def stemmer_modules() -> tuple[ModuleType, ...]:
    """The libraries that stem: snowballstemmer, and PyStemmer when it does the work."""
    used = {sys.modules[type(stemmer).__module__.split(".")[0]] for stemmer in _stemmers()}
    return tuple(sorted(used | {snowballstemmer}, key=lambda module: module.__name__))


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The word's Dutch and English stems (one when they agree), never shorter than 3."""
    dutch, english = _stemmers()
    found = [dutch.stemWord(word), english.stemWord(word)]
    if len(word) >= 5 and word[-1] in "td":
        # Dutch verb forms the stemmer leaves alone: 'woont' → 'woon', 'betaald' → 'betaal'.
        found += [word[:-1], dutch.stemWord(word[:-1])]
    return tuple(dict.fromkeys(s for s in found if len(s) >= 3 and s != word))


def spelling_variants(word: str) -> tuple[str, ...]:
    """Usual Dutch spelling slips: y for ij, ei for ij, c for k, ph for f, a doubled letter."""
    variants = {
        word.replace("y", "ij"),
        word.replace("ij", "ei"),
        word.replace("ei", "ij"),
        word.replace("ph", "f"),
        re.sub(r"c(?=[aou])", "k", word),
        re.sub(r"(.)\1", r"\1", word),
    }
    variants.discard(word)
    return tuple(sorted(variants))
