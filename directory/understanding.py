"""What a /wie question asks: which themes, weighted, where, and whether to ask back.

This is the step between the words someone typed and the search: `read_place` finds
the wijk, the theme matcher the themes. When the question stays unclear, /wie asks
back with the closest themes as buttons instead of guessing or falling back at once:

- nothing reaches the matcher's threshold, but some themes come close; or
- only weak evidence (hints, the start of a word) points at two or more themes
  about equally.

Clear questions (a name, a synonym, a phrase, a typo of one) are never asked back.
"""

from __future__ import annotations

from dataclasses import dataclass

from directory.matching import POPULATION_THEMES, matcher_for
from directory.place import Place, read_place
from directory.reference import Reference

# Below this, the best theme rests on hints or fragments only.
WEAK = 0.75
# Themes this close to the best one are as likely as the best one.
TIE = 0.05
# The faintest theme still worth offering as a button.
FAINT = 0.45
# How many themes an ask-back offers.
OPTIONS = 3


@dataclass(frozen=True)
class Understanding:
    """A question understood: the text without its wijk, the place, the weighted themes,
    and the themes to offer when it is unclear (empty when it is clear)."""

    place: Place
    themes: tuple[tuple[str, float], ...]
    options: tuple[str, ...] = ()

    @property
    def unclear(self) -> bool:
        """True when /wie should ask back rather than search."""
        return bool(self.options)


def understand(
    query: str, ref: Reference, *, ask_back: bool = True, place: Place | None = None
) -> Understanding:
    """The themes and wijk of a question, and whether to ask back (`place`: the question
    already read by `read_place`, when the caller has it)."""
    if place is None:
        place = read_place(query, list(ref.wijken), ref.themes)
    matcher = matcher_for(ref.themes)
    themes = tuple(matcher.score(place.text))
    if not ask_back:
        return Understanding(place, themes)
    if not themes:
        faint = matcher.score(place.text, floor=FAINT)
        return Understanding(place, (), tuple(k for k, _ in faint[:OPTIONS]))
    best = themes[0][1]
    close = [k for k, score in themes if score >= best - TIE]
    if themes[0][0] not in POPULATION_THEMES:
        # 'gast' next to 'financieel': who it is about is no rival for what it is about.
        close = [k for k in close if k not in POPULATION_THEMES]
    if best < WEAK and len(close) >= 2:
        return Understanding(place, themes, tuple(k for k, _ in themes[:OPTIONS]))
    return Understanding(place, themes)
