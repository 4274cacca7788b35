"""Ranking work that lookups share: kept for one index version and one minute.

What a lookup works out before it reads any person does not depend on who asks: the order
of the cells (``ranking._Lookup.cells``) follows from the question's theme weights, the
kind of wijk preference and the minute (reachability per schedule class, worked out to
the minute: call windows open and close on whole minutes). The people found for a
question and a wijk preference depend on the asker only through whom they exclude or
know, which each lookup filters out itself. Both are kept as a :class:`Replay`, read as
far as some lookup needed and extended by the next one that needs more. Everything is
dropped when the index's state or version, or the minute, changes.

:class:`KeptAnswers` keeps whole answers the same way (``handlers.directory.kept`` says
when an answer may be given to another asker).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from typing import Generic, TypeVar

from directory.index.state import State

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
# At most this many replays are kept; past it the least recently used go.
CAPACITY = 512
# The order of cells per question (few: one per distinct question), kept apart so the
# many rankings per wijk preference never push them out.
CELLS = 1024
# At most this many whole answers are kept (each a few contact cards), half of them those
# asked for more than once (see Segmented).
ANSWERS = 2048


class Recent(Generic[K, V]):
    """At most `capacity` values, those used least recently dropped first: kept in two
    generations, the values used since the last turn and those before, so a lookup or an
    addition is one or two dict operations. When the new generation is full the old one
    is dropped and the new one becomes the old; a value found in the old one moves to the
    new. (Dropping a dict's first key again and again, or an OrderedDict, cost a few per
    cent of a saturated bot: they hash or scan far more.)"""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._new: dict[K, V] = {}
        self._old: dict[K, V] = {}

    def __len__(self) -> int:
        return len(self._new) + len(self._old)

    def get(self, key: K) -> V | None:
        """The value kept under `key`, if any (now among the recently used)."""
        value = self._new.get(key)
        if value is None:
            value = self._old.pop(key, None)
            if value is not None:
                self._add(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key`."""
        self._old.pop(key, None)
        self._add(key, value)

    def pop(self, key: K) -> V | None:
        """The value kept under `key`, if any, no longer kept."""
        value = self._new.pop(key, None)
        return self._old.pop(key, None) if value is None else value

    def clear(self) -> None:
        """Forget everything."""
        self._new.clear()
        self._old.clear()

    def _add(self, key: K, value: V) -> None:
        new = self._new
        # The length first: most additions find room, and then the key is hashed once.
        if len(new) >= max(self.capacity // 2, 1) and key not in new:
            self._old, self._new = new, {}
            new = self._new
        new[key] = value


class Segmented(Generic[K, V]):
    """At most `capacity` values in two parts (a segmented LRU): a value enters on probation
    and moves to the protected part when it is asked for again; each part drops its least
    recently used. Values asked for once, such as an answer for one asker's own set of
    wijken, then pass through probation without pushing out the answers that many ask for
    again and again (a question from everyone without wijken, a question naming a wijk)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._probation: Recent[K, V] = Recent(capacity // 2)
        self._protected: Recent[K, V] = Recent(capacity - capacity // 2)

    def __len__(self) -> int:
        return len(self._probation) + len(self._protected)

    def get(self, key: K) -> V | None:
        """The value kept under `key`, if any (protected from now on)."""
        value = self._protected.get(key)
        if value is None:
            value = self._probation.pop(key)
            if value is not None:
                self._protected.put(key, value)
        return value

    def put(self, key: K, value: V) -> None:
        """Keep `value` under `key`: where it was kept before if protected, else on
        probation."""
        if self._protected.pop(key) is not None:
            self._protected.put(key, value)
        else:
            self._probation.put(key, value)

    def clear(self) -> None:
        """Forget everything."""
        self._probation.clear()
        self._protected.clear()


class Replay(Generic[T]):
    """An iterator read once and replayed to every later reader, who may read further."""

    def __init__(self, source: Iterator[T]) -> None:
        self._source: Iterator[T] | None = source
        self._items: list[T] = []
        self._failed: BaseException | None = None

    def __iter__(self) -> Iterator[T]:
        items = self._items
        position = 0
        while True:
            if position < len(items):
                yield items[position]
            else:
                if self._source is None:
                    if self._failed is not None:
                        raise RuntimeError("a kept ranking failed earlier") from self._failed
                    return
                try:
                    item = next(self._source)
                except StopIteration:
                    self._source = None
                    return
                except BaseException as error:
                    # Never replay a failed reading as if it were complete.
                    self._source, self._failed = None, error
                    raise
                items.append(item)
                yield item
            position += 1


class _ForOneMinute:
    """What is kept for one index state and version and one minute."""

    def __init__(self) -> None:
        self._state: State | None = None
        self._version = -1
        self._minute = -1

    def _turned(self, state: State, minute: int) -> bool:
        """The state, its version or the minute differs from what was kept for (now kept
        for these): everything kept before must go."""
        if state is self._state and state.version == self._version and minute == self._minute:
            return False
        self._state, self._version, self._minute = state, state.version, minute
        return True


class KeptRankings(_ForOneMinute):
    """Replays by key, for one index state and version and one minute."""

    def __init__(self, capacity: int = CAPACITY, cells: int = CELLS) -> None:
        super().__init__()
        self.capacity = capacity
        self._replays: Recent[Hashable, Replay[object]] = Recent(capacity)
        self._cells: Recent[Hashable, Replay[object]] = Recent(cells)

    def replay(
        self,
        state: State,
        minute: int,
        key: Hashable,
        make: Callable[[], Iterator[T]],
        *,
        cells: bool = False,
    ) -> Replay[T]:
        """The replay kept under `key`, or a new one of `make()`; `cells`: an order of
        cells (kept on a shelf of their own)."""
        if self._turned(state, minute):
            self._replays.clear()
            self._cells.clear()
        shelf = self._cells if cells else self._replays
        found = shelf.get(key)
        if found is None:
            found = Replay(make())
            shelf.put(key, found)
        return found  # type: ignore[return-value]


class KeptAnswers(_ForOneMinute, Generic[T]):
    """Whole answers by key, for one index state and version and one minute; those asked
    for again are protected from those asked for once (`Segmented`).

    Nothing is kept for a minute in which someone's absence begins or ends after its first
    second (`State.absence_turns_in`): within such a minute who is away changes."""

    def __init__(self, capacity: int = ANSWERS) -> None:
        super().__init__()
        self.capacity = capacity
        self._steady = False
        self._answers: Segmented[Hashable, T] = Segmented(capacity)

    def _keep_for(self, state: State, minute: int) -> None:
        if self._turned(state, minute):
            self._steady = not state.absence_turns_in(minute)
            self._answers.clear()

    def get(self, state: State, minute: int, key: Hashable) -> T | None:
        """The answer kept under `key` for this state, version and minute, if any."""
        self._keep_for(state, minute)
        if self.capacity <= 0:
            return None  # keeping nothing: nothing kept before is given either
        return self._answers.get(key)

    def keep(self, state: State, minute: int, key: Hashable, answer: T) -> None:
        """Keep `answer` under `key` (not in a minute in which an absence turns, nor with a
        capacity of 0: keeping nothing, as the tests compare)."""
        self._keep_for(state, minute)
        if not self._steady or self.capacity <= 0:
            return
        self._answers.put(key, answer)
