"""Related themes: whom to show when nobody works on exactly the theme asked about.

The catalog lists for every theme the themes that often come with it ("hulpmiddelen"
→ wmo, ouderen, vervoer, wonen). When nobody has the exact theme, /wie offers the
people on those before it falls back to an oliemannetje. The first related theme is
the closest, so weights fall along the list.
"""

from __future__ import annotations

from collections.abc import Sequence

from directory.reference import Reference

# Weight of the first related theme, and how much each next one loses.
FIRST = 1.0
STEP = 0.1
LOWEST = 0.5


def related_themes(ref: Reference, themes: Sequence[tuple[str, float]]) -> list[tuple[str, float]]:
    """The themes related to the understood ones (not those themselves), weighted, best first."""
    asked = {key for key, _ in themes}
    weights: dict[str, float] = {}
    for key, score in themes:
        row = ref.by_key.get(key)
        if row is None:
            continue
        for place, other in enumerate(row.related):
            if other in asked or other not in ref.by_key:
                continue
            weight = round(min(score, 1.0) * max(FIRST - STEP * place, LOWEST), 4)
            weights[other] = max(weights.get(other, 0.0), weight)
    return sorted(weights.items(), key=lambda kv: -kv[1])
