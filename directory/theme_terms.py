"""A theme as matching sees it: its names and synonyms (terms), its weaker hints, and its
terms of more than one word as phrases; and the everyday words that, inside a phrase, do
not point at its theme on their own. Used by `directory.matching`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from directory.words import plain_words

# Everyday words that, as part of a phrase, do not point at its theme on their own
# ("moeder" in "zorgt voor haar moeder"); they still count inside the whole phrase.
COMMON = frozenset(
    """
    moeder vader ouder ouders kind kinderen zoon dochter partner familie gezin huis thuis
    school geld werk zorg zorgt zorgen laat laten gaat open dicht terug buiten binnen nieuw
    oude oudere jong jonge goed slecht lang vrij vast hele eigen andere elke eten naar
    kwijt tegen helemaal alleen steeds ineens bang vriend vriendin vrienden man vrouw
    blauw blauwe rood rode zwart zwarte wit witte week weken weeks dag dagen day days maand
    maanden month months jaar jaren year years nacht nachten night nights avond evening
    kapot spullen dingen alles twee drie vier vijf zes zeven acht negen tien half
    beetje paar zelf
    mother father parent parents child children family home house school money work
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True)
class ThemeTerms:
    """A theme reduced to what matching needs: names and synonyms, and weaker hints."""

    key: str
    terms: tuple[str, ...]
    hints: tuple[str, ...] = ()


def theme_terms(theme: Any) -> ThemeTerms:
    """Terms of a Theme row or a catalog entry: key, both names and every synonym."""
    names = (
        getattr(theme, "name_nl", None) or getattr(theme, "nl", ""),
        getattr(theme, "name_en", None) or getattr(theme, "en", ""),
    )
    raw = (str(theme.key).replace("_", " "), *names, *(theme.synonyms or ()))
    terms = tuple(dict.fromkeys(t for t in (plain_words(str(r)) for r in raw) if t))
    hints = tuple(
        dict.fromkeys(h for h in (plain_words(str(r)) for r in getattr(theme, "hints", ())) if h)
    )
    return ThemeTerms(key=str(theme.key), terms=terms, hints=hints)


@dataclass(frozen=True)
class Phrase:
    """A theme's term of more than one word, as the matcher compares it with a question."""

    padded: str  # " kan de huur niet betalen "
    content: tuple[frozenset[str], ...]  # forms of each content word
    key: str
    weight: float  # as written; all its content words in another order count 0.9 of it
    # Only everyday content words ('kinderen niet naar school', 'zorgt voor haar vader'):
    # counts only with all its words in their order, a few others between them allowed,
    # since in another order or without its small words it says nothing ('kinderen op
    # school').
    everyday: bool = False
