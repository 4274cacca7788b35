"""Asking the directory both ways: the SQL path (the reference) and the in-memory index.

Every search test that goes through `search` or `roles` here checks that the two rank
the same people, in the same order, with the same scores, stand-ins and fallback.
"""

from __future__ import annotations

from typing import Any

from bot.bootstrap import App
from directory.roles import find_role_holders, role_holders
from directory.search import Match, SearchResult, find_people, search_people


def _match(match: Match | None) -> tuple[Any, ...] | None:
    if match is None:
        return None
    return (
        match.person.id,
        match.person.name,
        match.substitute_for.id if match.substitute_for is not None else None,
        match.score,
        match.reachable_now,
        match.matched_themes,
        match.knows_asker,
        sorted(t.key for t in match.person.themes),
        sorted(w.name for w in match.person.wijken),
        match.person.organisation.name,
    )


def summary(result: SearchResult) -> dict[str, Any]:
    """Everything an answer is made of."""
    return {
        "matches": [_match(m) for m in result.matches],
        "themes": result.themes,
        "wijk": result.wijk,
        "fallback": _match(result.fallback),
        "reason": result.fallback_reason,
        "values": dict(result.fallback_values),
        "names": dict(result.theme_names),
        "unknown_wijk": result.unknown_wijk,
        "hints": result.wijk_hints,
    }


async def _index(app: App):  # type: ignore[no-untyped-def]
    directory = app.deps.directory
    assert directory is not None
    state = await directory.fresh()
    directory.end_request()
    assert state is not None, "the index could not be built"
    return directory.source(state)


async def search(app: App, query: str, **kwargs: Any) -> SearchResult:
    """find_people on the database; the index must answer exactly the same."""
    now = kwargs.pop("now", app.deps.clock.now())
    async with app.deps.uow() as uow:
        reference = await find_people(uow.session, query, now=now, **kwargs)
    memory = await search_people(await _index(app), query, now=now, **kwargs)
    assert summary(memory) == summary(reference), f"index and SQL differ for {query!r}"
    return reference


async def roles(app: App, query: str, **kwargs: Any) -> tuple[str, SearchResult] | None:
    """find_role_holders on the database; the index must answer exactly the same."""
    now = kwargs.pop("now", app.deps.clock.now())
    async with app.deps.uow() as uow:
        reference = await find_role_holders(uow.session, query, now=now, **kwargs)
    memory = await role_holders(await _index(app), query, now=now, **kwargs)
    if reference is None or memory is None:
        assert memory is reference, f"index and SQL differ for {query!r}"
        return reference
    assert (memory[0], summary(memory[1])) == (reference[0], summary(reference[1])), query
    return reference
