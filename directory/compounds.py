"""Dutch compounds: "schuldhulpverleningstraject" is "schuldhulpverlening" + s + "traject".

Dutch glues words together, with a linking s, e or en between them. Given the words
matching knows, a compound is cut into the longest known parts that cover most of it;
unknown parts ("brief" in "huurachterstandsbrief") are left out.
"""

from __future__ import annotations

from collections.abc import Callable

# Letters Dutch puts between the parts of a compound ("huurachterstand-s-brief").
LINKERS = ("s", "e", "en", "n")
# Parts shorter than this are too likely to be a chance substring ("ouder" is fine, "oud" not).
MIN_PART = 4
# A split must explain at least this share of the word's letters.
MIN_COVER = 0.5
# No known word is longer than this; longer pieces are not looked up.
MAX_PART = 30


def split_compound(word: str, known: Callable[[str], bool]) -> tuple[tuple[str, ...], bool]:
    """The known parts of a compound, left to right (() when it cannot be cut well), and
    whether they explain every letter."""
    size = len(word)
    if size < 2 * MIN_PART - 1:
        return (), False
    # best[i]: (letters covered, -parts, parts) for word[:i]
    best: list[tuple[int, int, tuple[str, ...]] | None] = [None] * (size + 1)
    best[0] = (0, 0, ())
    for start in range(size):
        here = best[start]
        if here is None:
            continue
        covered, parts, found = here
        _offer(best, start + 1, (covered, parts, found))  # an unknown letter
        for end in range(start + MIN_PART, min(start + MAX_PART, size) + 1):
            piece = word[start:end]
            if piece == word or not known(piece):
                continue
            step = (covered + len(piece), parts - 1, (*found, piece))
            _offer(best, end, step)
            for linker in LINKERS:
                if word.startswith(linker, end):
                    _offer(best, end + len(linker), (step[0] + len(linker), step[1], step[2]))
    final = best[size]
    if final is None or not final[2] or final[0] < MIN_COVER * size:
        return (), False
    return final[2], final[0] == size


def _offer(
    best: list[tuple[int, int, tuple[str, ...]] | None],
    at: int,
    candidate: tuple[int, int, tuple[str, ...]],
) -> None:
    current = best[at]
    if current is None or candidate[:2] > current[:2]:
        best[at] = candidate
