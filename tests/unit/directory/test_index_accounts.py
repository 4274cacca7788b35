"""The index's accounts, kept link by link, equal accounts loaded at once.

`State.set_accounts` touches only the accounts of the people it is given (the inverse map
`account_keys` finds them). Here random links, moves and unlinks are applied to a truth
table and to a State; after each step the State must equal one built from the truth,
also when an account moves to someone else and only the new holder is listed as changed
(a writer that names only the person it links).
"""

from __future__ import annotations

import random

from directory.index.state import State
from tests.unit.directory.test_index_ranking import _reference


def _built(truth: dict[str, int]) -> State:
    state = State(reference=_reference())
    state.add_accounts(dict(truth))
    return state


def _keys(state: State) -> dict[int, set[str]]:
    return {pid: set(state.keys_of(pid)) for pid in state.account_keys}


def test_accounts_kept_link_by_link_equal_accounts_built_at_once() -> None:
    rng = random.Random(20261207)
    truth = {f"console\x1fp{pid}": pid for pid in range(1, 41)}
    kept = _built(truth)
    for _ in range(2000):
        key = f"{rng.choice(['slack', 'telegram'])}\x1fu{rng.randint(1, 30)}"
        person = rng.randint(1, 40)
        before = truth.get(key)
        kind = rng.random()
        if kind < 0.6:
            truth[key] = person  # linked, or moved from `before`
            # Writers list both holders of a moved account; some name only the new one.
            changed = {person} if before is None or rng.random() < 0.5 else {person, before}
        elif before is not None:
            del truth[key]
            changed = {before}
        else:
            continue
        kept.set_accounts(changed, {k: p for k, p in truth.items() if p in changed})
        built = _built(truth)
        assert kept.accounts == built.accounts
        assert _keys(kept) == _keys(built)
