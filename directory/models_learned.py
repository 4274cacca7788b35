"""Learned synonyms: words a professional chose a theme for after the bot asked back.

When /wie is unsure and asks "Bedoel je: Verslaving · GGZ · Jeugd?", the choice is
remembered for the same words in this municipality (one database is one municipality):
the next question with those words finds the theme at once. An admin reviews what was
learned with /themas voorstellen (accept, reject); a rejected one is no longer used.
Only the question's content words are kept, never more than a few, and only for short
questions, so no story about a resident ends up here.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.db import Base, UTCDateTime

PROPOSED = "voorgesteld"
ACCEPTED = "geaccepteerd"
REJECTED = "afgewezen"


class LearnedSynonym(Base):
    """Words that meant a theme to someone who was asked back, and what an admin decided."""

    __tablename__ = "learned_synonyms"
    __table_args__ = (UniqueConstraint("words", "theme_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    words: Mapped[str] = mapped_column(String(120))  # normalised content words, in order
    theme_key: Mapped[str] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(20), default=PROPOSED)
    times: Mapped[int] = mapped_column(Integer, default=1)  # how often it was chosen
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
