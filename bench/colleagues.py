"""A small directory for the platform benchmarks: N colleagues on the theme schulden."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from directory.models import Organisation, Person, Theme


async def add_colleagues(app: App, count: int) -> list[Person]:
    """Add and commit `Collega 0` … `Collega N-1` of one organisation, callable on working
    days 9–17; the caller links their chat accounts."""
    now = app.deps.clock.now()
    async with app.deps.uow() as uow:
        session = uow.session
        org = Organisation(name="Gemeente Bench", kind="gemeente")
        session.add(org)
        schulden = await session.scalar(select(Theme).where(Theme.key == "schulden"))
        people = [
            Person(
                name=f"Collega {i}",
                organisation=org,
                email=f"collega{i}@example.org",
                phone=f"+3161{i:07d}",
                availability=[[d, 540, 1020] for d in range(5)],
                roles=[],
                last_confirmed_at=now,
                created_at=now,
                updated_at=now,
                themes=[schulden] if schulden is not None else [],
                wijken=[],
            )
            for i in range(count)
        ]
        session.add_all(people)
        await uow.commit()
    return people
