"""Every table of the bot, for migrations and tests: import each capability's models."""

from __future__ import annotations

from sqlalchemy import MetaData


def metadata() -> MetaData:
    """The complete metadata (importing the model modules registers their tables)."""
    import directory.models  # noqa: F401
    from core.db import Base

    return Base.metadata
