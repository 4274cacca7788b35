"""What the index keeps between lookups: least recently used goes first, and whole answers
(directory.index.kept.KeptAnswers) never outlive the version or the minute they were made in,
nor are kept in a minute in which someone's absence begins or ends."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from directory.index.kept import KeptAnswers, KeptRankings, Recent, Segmented
from tests.unit.directory.test_index_ranking import _directory

NOON = datetime(2026, 11, 24, 11, 0, tzinfo=UTC)
MINUTE = int(NOON.timestamp() // 60)


def test_the_least_recently_used_goes_first() -> None:
    kept: Recent[str, int] = Recent(capacity=4)
    kept.put("a", 1)
    kept.put("b", 2)
    kept.put("c", 3)  # a and b are now the older generation
    assert kept.get("a") == 1  # used again: a moves to the new one
    assert kept.get("x") is None
    kept.put("d", 4)  # the new generation (c, a) is full: b, used least recently, goes
    assert [kept.get(k) for k in "abcd"] == [1, None, 3, 4]
    assert len(kept) <= 4
    for n in range(100):
        kept.put(str(n), n)
        assert len(kept) <= 4
    kept.clear()
    assert len(kept) == 0 and kept.get("99") is None


def test_values_asked_for_again_outlast_a_stream_asked_for_once() -> None:
    kept: Segmented[str, int] = Segmented(capacity=8)
    for key in "abc":
        kept.put(key, ord(key))
        assert kept.get(key) == ord(key)  # asked again: protected
    for n in range(1000):
        kept.put(f"once {n}", n)
        assert len(kept) <= 8
    assert [kept.get(k) for k in "abc"] == [ord(k) for k in "abc"]
    assert kept.get("once 0") is None and kept.get("once 999") == 999
    # The protected part drops its least recently used too, and a value put again where
    # it is protected stays protected.
    for key in "defghij":
        kept.put(key, 0)
        kept.get(key)
    assert kept.get("a") is None and kept.get("j") == 0
    kept.put("j", 1)
    for n in range(100):
        kept.put(f"later {n}", n)
    assert kept.get("j") == 1
    kept.clear()
    assert len(kept) == 0 and kept.get("j") is None


def test_answers_are_kept_for_one_version_and_one_minute() -> None:
    state = _directory(random.Random(7), 40)
    answers: KeptAnswers[str] = KeptAnswers(capacity=4)
    answers.keep(state, MINUTE, "schulden", "A")
    answers.keep(state, MINUTE, "wonen", "B")
    assert answers.get(state, MINUTE, "schulden") == "A"
    for n in range(6):
        answers.keep(state, MINUTE, f"eenmalig {n}", str(n))  # asked once each
    assert answers.get(state, MINUTE, "wonen") is None  # asked once: gone
    assert answers.get(state, MINUTE, "schulden") == "A"  # asked again: protected
    assert answers.get(state, MINUTE + 1, "schulden") is None  # the next minute
    answers.keep(state, MINUTE + 1, "schulden", "A2")
    state.version += 1
    assert answers.get(state, MINUTE + 1, "schulden") is None  # the directory changed


def test_nothing_is_kept_in_a_minute_an_absence_begins_or_ends() -> None:
    state = _directory(random.Random(8), 40)
    answers: KeptAnswers[str] = KeptAnswers()
    first = next(iter(state.entries.values()))
    state.put(replace(first, absent_from=NOON + timedelta(seconds=30), absent_until=None))
    assert state.absence_turns_in(MINUTE) and not state.absence_turns_in(MINUTE + 1)
    answers.keep(state, MINUTE, "schulden", "A")
    assert answers.get(state, MINUTE, "schulden") is None
    answers.keep(state, MINUTE + 1, "schulden", "A")
    assert answers.get(state, MINUTE + 1, "schulden") == "A"
    # Back on a whole minute: every minute can keep again; so does forgetting the person.
    state.put(replace(first, absent_from=NOON, absent_until=None))
    assert not state.absence_turns_in(MINUTE)
    state.put(replace(first, absent_until=NOON + timedelta(seconds=1)))
    state.drop(first.id)
    assert not state.absence_turns_in(MINUTE)


def test_a_capacity_of_nothing_keeps_nothing() -> None:
    state = _directory(random.Random(9), 10)
    answers: KeptAnswers[str] = KeptAnswers(capacity=0)
    answers.keep(state, MINUTE, "schulden", "A")
    assert answers.get(state, MINUTE, "schulden") is None
    # Set to nothing later (as the tests and the benchmark compare): nothing kept is given.
    answers.capacity = 512
    answers.keep(state, MINUTE, "schulden", "A")
    answers.capacity = 0
    assert answers.get(state, MINUTE, "schulden") is None


def test_orders_of_cells_are_not_pushed_out_by_rankings() -> None:
    """Rankings per wijk preference are many, the orders of cells few: each on its own shelf,
    so a cells order stays while rankings come and go, and both go with the minute."""
    state = _directory(random.Random(9), 40)
    kept = KeptRankings(capacity=2, cells=2)
    cells = kept.replay(state, MINUTE, ("cells", "schulden"), lambda: iter([1, 2]), cells=True)
    for n in range(10):
        kept.replay(state, MINUTE, ("people", n), lambda n=n: iter([n]))  # type: ignore[misc]
    again = kept.replay(state, MINUTE, ("cells", "schulden"), lambda: iter([9]), cells=True)
    assert again is cells and list(again) == [1, 2]
    first = kept.replay(state, MINUTE, ("people", 9), lambda: iter([0]))
    assert list(first) == [9]  # still kept: made two rankings ago
    assert list(kept.replay(state, MINUTE, ("people", 0), lambda: iter([0]))) == [0]  # gone
    later = kept.replay(state, MINUTE + 1, ("cells", "schulden"), lambda: iter([3]), cells=True)
    assert later is not cells and list(later) == [3]
