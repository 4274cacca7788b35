"""Tables that say when the directory changed, so in-memory copies know what to reload.

``directory_version`` has one row whose number every transaction that changes the
directory raises; ``directory_changes`` keeps, per person, the version of their last
change (person 0: themes, wijken or organisations; person -1: too much to list, reload
everything) and of their last change beyond their accounts. Written by
``directory.versioning`` in the writer's own transaction.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Integer
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base


class DirectoryVersion(Base):
    """The directory's version: one row (id 1), raised by every transaction that changes it."""

    __tablename__ = "directory_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)


class DirectoryChange(Base):
    """The version at which a person's entry (or the reference data: 0, everything: -1) changed."""

    __tablename__ = "directory_changes"

    person_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger, index=True)
    # The version of their last change beyond their accounts (entry, themes, wijken,
    # acquaintances); None when only their accounts ever changed. A copy that saw this
    # version but not `version` reloads only the person's accounts.
    entry_version: Mapped[int | None] = mapped_column(BigInteger)
