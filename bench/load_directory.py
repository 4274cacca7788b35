"""The database of the load benchmark: a fresh schema, a large fictional directory (made by
the directory benchmark's generator, ``bench/generate_directory.py``), and the chat
accounts of the virtual users. Everything is fictional and seeded.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from bench.generate_directory import populate
from bot.migrate import empty_database, upgrade_async
from core.db import UnitOfWorkFactory, make_engine
from directory.demo import seed_if_empty
from directory.models import Account, Person, Theme, Wijk


@dataclass(frozen=True)
class VirtualUser:
    """A chat account of the load generator and the directory e-mail of its person."""

    account: str
    email: str


async def reset(url: str) -> None:
    """Empty the benchmark database and bring it to the newest schema."""
    await empty_database(url)
    await upgrade_async(url)


async def people_count(url: str) -> int:
    """How many people the database holds (0 when it has no schema yet)."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(Person)) or 0)
    except Exception:
        return 0
    finally:
        await engine.dispose()


async def fill(url: str, people: int, now: datetime, seed: int = 20261124) -> str:
    """Import `people` generated professionals; returns what made them."""
    engine = make_engine(url)
    try:
        await seed_if_empty(UnitOfWorkFactory(engine), now, load_demo=False)
        await populate(engine, people, now=now, seed=seed)
    finally:
        await engine.dispose()
    return "bench.generate_directory"


async def virtual_users(
    url: str, slack: int, telegram: int, now: datetime
) -> tuple[list[VirtualUser], list[VirtualUser]]:
    """Slack users (linked by e-mail on first contact) and Telegram users (linked here)."""
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(delete(Account).where(Account.platform.in_(("slack", "telegram"))))
            rows = (
                await conn.execute(
                    select(Person.id, Person.email)
                    .where(Person.email.is_not(None))
                    .order_by(Person.id)
                    .limit(slack + telegram)
                )
            ).all()
            slack_users = [
                VirtualUser(f"UB{n:07d}", str(email)) for n, (_id, email) in enumerate(rows[:slack])
            ]
            telegram_users = [
                VirtualUser(str(900_000_000 + n), str(email))
                for n, (_id, email) in enumerate(rows[slack:])
            ]
            if telegram_users:
                links = [
                    {
                        "person_id": pid,
                        "platform": "telegram",
                        "external_id": u.account,
                        "linked_at": now,
                    }
                    for (pid, _email), u in zip(rows[slack:], telegram_users, strict=True)
                ]
                await conn.execute(insert(Account), links)
        return slack_users, telegram_users
    finally:
        await engine.dispose()


async def theme_queries(url: str) -> list[str]:
    """What virtual users ask /wie about: theme names and synonyms, a third with a wijk."""
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            themes = (await conn.execute(select(Theme.name_nl, Theme.synonyms))).all()
            wijken = list((await conn.scalars(select(Wijk.name))).all())
    finally:
        await engine.dispose()
    queries: list[str] = []
    for name, synonyms in themes:
        queries.append(name.lower())
        queries.extend(list(synonyms or [])[:2])
    rng = random.Random(7)
    if wijken:
        queries += [
            f"{rng.choice(queries)} in {rng.choice(wijken)}" for _ in range(len(queries) // 3)
        ]
    return queries
