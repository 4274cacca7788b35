"""How long a text may be where it is stored: the VARCHAR lengths of the directory's tables.

PostgreSQL refuses a longer text (and with it the whole transaction); SQLite would keep it.
So text from users is measured against the column it goes into before it is written, and a
text that does not fit gets a clear answer. The lengths come from the models, never copies;
PostgreSQL counts them in characters, as ``len`` does.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, String


def stored_length(*columns: ColumnElement[Any]) -> int:
    """The longest text that fits in every one of these VARCHAR columns."""
    lengths = []
    for column in columns:
        kind = column.type
        if not isinstance(kind, String) or kind.length is None:
            raise TypeError(f"{column} has no length")
        lengths.append(kind.length)
    return min(lengths)


def start_of(text: str, size: int = 20) -> str:
    """The first characters of a text, enough to find it again without echoing all of it."""
    return text[:size].rstrip()
