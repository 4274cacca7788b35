"""The garbage collector is paused for bulk work and comes back as it was."""

from __future__ import annotations

import gc
import weakref

import pytest

from core.memory import collector_paused, freeze_survivors, unfreeze


def test_the_collector_is_paused_inside_and_back_after() -> None:
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_the_collector_comes_back_after_an_error() -> None:
    with pytest.raises(ValueError), collector_paused():
        raise ValueError("half-way")
    assert gc.isenabled()


def test_a_collector_switched_off_by_someone_else_stays_off() -> None:
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


class _Cycle:
    """An object that only the collector can free (it refers to itself)."""

    def __init__(self) -> None:
        self.me = self


def test_what_was_frozen_and_died_since_is_freed_by_the_next_freeze() -> None:
    cycle = _Cycle()
    freeze_survivors()
    try:
        assert gc.get_freeze_count() > 0
        gone = weakref.ref(cycle)
        del cycle
        gc.collect()
        assert gone() is not None  # frozen: a collection does not look at it
        freeze_survivors()
        assert gone() is None
    finally:
        unfreeze()
