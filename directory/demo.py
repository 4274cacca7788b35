"""The fictional demo directory, loaded into an empty database on first start."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core.db import UnitOfWorkFactory
from directory.admins import grant_admins
from directory.models import Person

SEED_ATTEMPTS = 3
DEMO_CSV = Path(__file__).resolve().parent / "data" / "demo.csv"


async def seed_if_empty(
    uow: UnitOfWorkFactory, now: datetime, *, load_demo: bool, admins: Collection[str] = ()
) -> int:
    """Sync the theme catalog and the admins; import the demo CSV when asked and nobody is there."""
    from directory.themes import sync_catalog

    # Another process may seed the same empty database at the same moment (two replicas, or
    # `krokodil say` beside `krokodil run` on SQLite): whoever loses the race on a unique key
    # looks again and finds the work done. PostgreSQL replicas also take turns (bot.runtime).
    for attempt in range(1, SEED_ATTEMPTS + 1):
        try:
            async with uow() as unit:
                await sync_catalog(unit.session)
                await grant_admins(unit.session, admins, now)
                await unit.commit()
            if not load_demo:
                return 0
            async with uow() as unit:
                count = await unit.session.scalar(select(func.count()).select_from(Person))
            if count:
                return 0
            from directory.csv_io import import_csv

            csv_text = DEMO_CSV.read_text(encoding="utf-8-sig")
            report = await import_csv(uow, csv_text, now=now, admins=admins)
            return report.created
        except IntegrityError:
            if attempt == SEED_ATTEMPTS:
                raise
    return 0
