"""Which wijk a question names: 'schulden in Molenwijk', 'in de wijk Noord', 'in molenwjik'.

The wijk is the text after the last 'in' (or 'bij', 'rond', 'uit', 'around', 'near',
'from', or a team or role of the wijk: 'wijkteam noord', 'wijkagent oost'), without 'de',
'het', 'the' or 'wijk' in front, when it is a known wijk: exactly, or with a typo (the
same tolerance as /ik wijken), also when the question goes on after it ('in het centrum
hebben ...'). A name may lose its article ('weiden' for De Weiden), and a short one may be
one letter off ('cntrum'). A theme word there ('problemen in het gezin') is
part of the question, never a wijk. Professionals also just put the wijk in front or at
the end ('molenwyk traplift', 'noord: ...', '..., havenkwartier', 'haven kwartier ...'):
a known wijk as the first or last one or two words of the question, or of a part of it
between commas or colons, counts too (not when glued on with a dash: 'oost-europese').

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
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from directory.matching import STOPWORDS, matcher_for, normalise, understand_themes
from directory.words import spelling_variants

# A typed wijk this close to a known one (rapidfuzz ratio) is that wijk.
WIJK_CUTOFF = 85
# How many known wijken an answer to an unknown one suggests.
HINTS = 3
# At most this many words after 'in' can be the name of a wijk nobody knows.
MAX_UNKNOWN_WORDS = 2

_PREPOSITION = re.compile(
    r"\b(?P<prep>in|bij|rond|uit|around|near|from"
    r"|wijkteam|wijkagent|wijkcoach|buurtteam|sociaal team|wijkverpleegkundige)\s+",
    re.IGNORECASE,
)
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
    listed = tuple(wijken)
    names = _normalised(listed)
    themes = tuple(themes)
    found = list(_PREPOSITION.finditer(query))
    last_in = None
    for match in reversed(found):
        tail = query[match.end() :].rstrip().rstrip("?!.").strip()
        cut = re.search(r"[,;:?!.]", tail)
        if cut is not None:
            # 'raamprostitutie in het havenkwartier, wie is aanspreekpunt'
            after, tail = tail[cut.start() :], tail[: cut.start()].strip()
        else:
            after = ""
        if not tail:
            continue
        bare = _LEADING.sub("", tail)
        rest = (query[: match.start()].strip() + " " + after.lstrip(",;: ")).strip()
        known = _known_wijk((normalise(tail), normalise(bare)), names, themes)
        if known is not None:
            return Place(rest, known)
        # 'in het centrum hebben statushouders taalhulp nodig': the wijk, then the question.
        opening = _wijk_in_front(query[match.end() :], names, themes)
        if opening is not None:
            name, end = opening
            rest = " ".join(f"{query[: match.start()]} {query[match.end() + end :]}".split())
            return Place(rest.strip(" ,;:?!."), name)
        if last_in is None and cut is None and match.group("prep").lower() == "in":
            last_in = (rest, bare)
    edge = _wijk_at_an_edge(query, names, _squashed(listed), themes)
    if edge is not None:
        return edge
    if last_in is None:
        return Place(query)
    rest, bare = last_in
    if not _could_be_a_wijk(bare, themes):
        return Place(query)
    return Place(rest, unknown=bare, hints=_closest(bare, names))


@lru_cache(maxsize=16)
def _normalised(wijken: tuple[str, ...]) -> dict[str, str]:
    """Wijk names by their normalised form (the same few lists are asked about all day),
    and by that form without its article ('weiden' for De Weiden) when no other wijk has it."""
    names = {normalise(name): name for name in wijken}
    bare: dict[str, str | None] = {}
    for form, name in names.items():
        short = _ARTICLE.sub("", form)
        if short != form and len(short) >= 4:
            bare[short] = None if short in bare else name
    for short, wijk in bare.items():
        if wijk is not None and short not in names:
            names[short] = wijk
    return names


_ARTICLE = re.compile(r"^(?:de|het|t) ")


def _wijk_in_front(
    text: str, names: dict[str, str], themes: tuple[Any, ...]
) -> tuple[str, int] | None:
    """A known wijk as the first one or two words of `text` (after 'de', 'het', 'wijk'),
    and where it ends; a typo counts when the word is no theme or filler word."""
    lead = _LEADING.match(text)
    start = lead.end() if lead else 0
    tokens = list(_TOKEN.finditer(text, start))[:2]
    for size in (2, 1):
        if len(tokens) < size:
            continue
        end = tokens[size - 1].end()
        if text[end : end + 1] == "-" or re.search(r"[,;:?!.]", text[start:end]):
            continue
        form = normalise(text[start:end])
        name = names.get(form) or names.get(normalise(text[:end]))
        if name is None and _could_be_a_name(form.replace(" ", ""), themes):
            name = _typo_of(form, names)
        if name is not None:
            return name, end
    return None


_CHUNK = re.compile(r"[^,;:?!.]+")
_TOKEN = re.compile(r"[^\W_]+(?:'[^\W_]+)?")


@lru_cache(maxsize=16)
def _squashed(wijken: tuple[str, ...]) -> dict[str, str]:
    """Wijk names by their normalised form without spaces ('molen wijk' → Molenwijk)."""
    return {form.replace(" ", ""): name for form, name in _normalised(wijken).items()}


def _wijk_at_an_edge(
    query: str, names: dict[str, str], squashed: dict[str, str], themes: tuple[Any, ...]
) -> Place | None:
    """A known wijk as the first or last word(s) of the question or of a part of it."""
    two_word_names = any(" " in known for known in names)
    for chunk in _CHUNK.finditer(query):
        tokens = list(_TOKEN.finditer(chunk.group()))
        spans = []
        for size in (2, 1):
            if len(tokens) >= size:
                spans.append((tokens[0], tokens[size - 1]))
                spans.append((tokens[-size], tokens[-1]))
        for first, last in spans:
            start, end = chunk.start() + first.start(), chunk.start() + last.end()
            if query[end : end + 1] == "-" or query[start - 1 : start] == "-":
                continue
            form = normalise(query[start:end])
            name = names.get(form) or squashed.get(form.replace(" ", ""))
            if (
                name is None
                and (" " not in form or two_word_names)
                and _could_be_a_name(form.replace(" ", ""), themes)
            ):
                name = _typo_of(form, names)
            if name is not None:
                rest = f"{query[:start]} {query[end:]}"
                rest = " ".join(rest.split()).strip(" ,;:")
                return Place(_LEADING_IN.sub("", rest), name)
    return None


# 'jongeren in het' left over when the wijk was the last word after 'in het'
_LEADING_IN = re.compile(r"\s+(?:in|bij)(?:\s+(?:de|het))?$", re.IGNORECASE)


def _could_be_a_name(form: str, themes: tuple[Any, ...]) -> bool:
    """A word that may be a misspelt wijk: not a filler word, a time or a theme word
    (a word merely close to a theme word may be a wijk: 'cntrum')."""
    return (
        len(form) >= 4
        and form not in STOPWORDS
        and form not in NOT_A_PLACE
        and not matcher_for(themes).knows(form)
    )


def _typo_of(form: str, names: dict[str, str]) -> str | None:
    """The known wijk this word is a typo of ('molenwyk', 'havenkwartir', 'nord')."""
    for variant in spelling_variants(form):
        if variant in names:
            return names[variant]
    best = process.extractOne(form, list(names), scorer=fuzz.ratio, score_cutoff=WIJK_CUTOFF)
    if best is not None:
        return names[best[0]]
    if 4 <= len(form) <= 6:
        # A short name with one letter missing, doubled or wrong: 'cntrum', 'nord'.
        near = [known for known in names if Levenshtein.distance(form, known) <= 1]
        if len(near) == 1:
            return names[near[0]]
    return None


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
    found = process.extract(normalise(bare), list(names), scorer=fuzz.WRatio, limit=2 * HINTS)
    return tuple(dict.fromkeys(names[name] for name, _score, _index in found))[:HINTS]
