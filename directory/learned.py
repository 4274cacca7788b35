"""Remembering what people meant: learned synonyms, and an admin's review of them.

Only short questions are remembered, and only their content words (no filler, no
numbers), so a learned synonym reads like "lachgasballonnen" or "op tandvlees", never
like a story about a resident.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from directory.models_learned import ACCEPTED, PROPOSED, REJECTED, LearnedSynonym
from directory.stopwords import STOPWORDS
from directory.words import plain_words

# A question with more content words than this is a description, not a way to say a theme.
MAX_WORDS = 4
MAX_LENGTH = 120


def learnable_words(text: str) -> str | None:
    """The content words of a short question, or None when it is too long to remember."""
    words = [
        w for w in plain_words(text).split() if w not in STOPWORDS and len(w) >= 3 and w.isalpha()
    ]
    if not words or len(words) > MAX_WORDS:
        return None
    joined = " ".join(words)
    return joined if len(joined) <= MAX_LENGTH else None


async def remember(session: AsyncSession, words: str, theme_key: str, now: datetime) -> bool:
    """Record that `words` meant `theme_key`; False when an admin had rejected exactly that."""
    row = await session.scalar(
        select(LearnedSynonym).where(
            LearnedSynonym.words == words, LearnedSynonym.theme_key == theme_key
        )
    )
    if row is None:
        session.add(
            LearnedSynonym(
                words=words,
                theme_key=theme_key,
                status=PROPOSED,
                times=1,
                created_at=now,
                updated_at=now,
            )
        )
        return True
    if row.status == REJECTED:
        return False
    await session.execute(
        update(LearnedSynonym)
        .where(LearnedSynonym.id == row.id)
        .values(times=LearnedSynonym.times + 1, updated_at=now)
    )
    return True


async def proposals(session: AsyncSession, limit: int = 20) -> list[LearnedSynonym]:
    """Learned synonyms waiting for review, most chosen first."""
    rows = await session.scalars(
        select(LearnedSynonym)
        .where(LearnedSynonym.status == PROPOSED)
        .order_by(LearnedSynonym.times.desc(), LearnedSynonym.id)
        .limit(limit)
    )
    return list(rows)


async def decide(
    session: AsyncSession, learned_id: int, accept: bool, person_id: int, now: datetime
) -> LearnedSynonym | None:
    """Accept or reject one learned synonym; None when there is no such proposal."""
    row = await session.get(LearnedSynonym, learned_id)
    if row is None:
        return None
    row.status = ACCEPTED if accept else REJECTED
    row.decided_by = person_id
    row.updated_at = now
    return row
