"""Which wijk a question names: 'schulden in Molenwijk', 'in de wijk Noord', 'in molenwjik'.

The wijk is the text after the last 'in' (or 'bij', 'rond', 'around', 'near'), without
'de', 'het', 'the' or 'wijk' in front, when it is a known wijk: exactly, or with a typo
(the same tolerance as /ik wijken). A theme word there ('problemen in het gezin') is
part of the question, never a wijk.

An explicit 'in <name>' that names no wijk is reported instead of ignored, so the
asker learns why the answer covers the whole municipality. Only a short name counts
(one or two words, with a letter) that is no theme or synonym and no word for a time,
a state or a place in general ('in het weekend', 'in de knel', 'in de buurt'): those
are free-text phrases, not wijken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process

from directory.matching import STOPWORDS, normalise, understand_themes

# A typed wijk this close to a known one (rapidfuzz ratio) is that wijk.
WIJK_CUTOFF = 85
# How many known wijken an answer to an unknown one suggests.
HINTS = 3
# At most this many words after 'in' can be the name of a wijk nobody knows.
MAX_UNKNOWN_WORDS = 2

_PREPOSITION = re.compile(r"\b(?P<prep>in|bij|rond|around|near)\s+", re.IGNORECASE)
_LEADING = re.compile(r"^(?:(?:de|het|the|wijk)\s+)+", re.IGNORECASE)
# Words after 'in' that say when, how or 'somewhere', never which wijk.
NOT_A_PLACE = frozenset(
    """
    weekend weekenden avond avonds ochtend ochtends middag middags nacht nachts vakantie
    zomer winter lente herfst week maand jaar tussentijd januari februari maart april mei
    juni juli augustus september oktober november december nood knel war zorgen thuis knoop
    praktijk principe gesprek overleg gemeente stad dorp regio buurt wijk wijken omgeving
    town city area neighbourhood neighborhood municipality general practice evening morning
    night weekends summer
    """.split()  # noqa: SIM905 - a word list reads better as text
)


@dataclass(frozen=True)
class Place:
    """A question split into what it is about and where."""

    text: str  # the question without its wijk part
    wijk: str | None = None  # a known wijk, as stored
    unknown: str | None = None  # what followed 'in' when it names no wijk we know
    hints: tuple[str, ...] = ()  # known wijken closest to `unknown`


def read_place(query: str, wijken: Sequence[str], themes: Iterable[Any]) -> Place:
    """Split 'schulden in Molenwijk' into ('schulden', 'Molenwijk'); report 'in Xyzwijk'."""
    found = list(_PREPOSITION.finditer(query))
    if not found:
        return Place(query)
    names = {normalise(name): name for name in wijken}
    themes = tuple(themes)
    last_in = None
    for match in reversed(found):
        tail = query[match.end() :].rstrip().rstrip("?!.").strip()
        if not tail or any(mark in tail for mark in ",;?!."):
            break
        bare = _LEADING.sub("", tail)
        rest = query[: match.start()].strip()
        known = _known_wijk((normalise(tail), normalise(bare)), names, themes)
        if known is not None:
            return Place(rest, known)
        if last_in is None and match.group("prep").lower() == "in":
            last_in = (rest, bare)
    if last_in is None:
        return Place(query)
    rest, bare = last_in
    if not _could_be_a_wijk(bare, themes):
        return Place(query)
    return Place(rest, unknown=bare, hints=_closest(bare, names))


def _known_wijk(
    forms: tuple[str, ...], names: dict[str, str], themes: tuple[Any, ...]
) -> str | None:
    """The known wijk these forms of a tail name, exactly or (when no theme) with a typo."""
    for form in forms:
        if form in names:
            return names[form]
    bare = forms[-1]
    if len(bare) < 4 or understand_themes(bare, themes):
        return None
    best = process.extractOne(bare, list(names), scorer=fuzz.ratio, score_cutoff=WIJK_CUTOFF)
    return names[best[0]] if best is not None else None


def _could_be_a_wijk(bare: str, themes: tuple[Any, ...]) -> bool:
    """One or two words, with a letter, no theme and no word for a time or a state."""
    words = normalise(bare).split()
    if not 1 <= len(words) <= MAX_UNKNOWN_WORDS or not re.search(r"[a-z]", " ".join(words)):
        return False
    if any(w in NOT_A_PLACE for w in words) or all(w in STOPWORDS for w in words):
        return False
    return not understand_themes(bare, themes)


def _closest(bare: str, names: dict[str, str]) -> tuple[str, ...]:
    """The known wijken that look most like what was typed."""
    found = process.extract(normalise(bare), list(names), scorer=fuzz.WRatio, limit=HINTS)
    return tuple(names[name] for name, _score, _index in found)
