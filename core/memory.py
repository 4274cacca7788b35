"""Python's garbage collector, kept out of the way of work that builds many lasting objects.

A full collection walks every object that could be in a cycle. Loading the directory or
importing a large CSV makes hundreds of thousands of objects that all live on, and every
few thousand of them the collector walks them all again: at 100,000 people that was about
a third of the work. Such work runs with the collector paused; long-lived objects of a
serving process are frozen out of it once they are built.
"""

from __future__ import annotations

import atexit
import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic collection inside the block (reference counting still frees most)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def collector_off_until_exit() -> None:
    """For a process that does one short thing and ends: no cycle collection at all.

    Not even the one Python runs at exit over every object still alive (0.15 s after a
    `krokodil say`, which imported some 700 modules): everything alive then is frozen out
    of it, and the process's memory goes back to the system as a whole anyway.
    """
    gc.disable()
    atexit.register(gc.freeze)


def freeze_survivors() -> None:
    """Collect once, then leave everything alive now out of later collections (gc.freeze).

    What an earlier call froze is unfrozen first, so whatever of it died since is freed.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def unfreeze() -> None:
    """Let frozen objects be collected again (before replacing what was frozen)."""
    gc.unfreeze()
