"""The fictional demo directory, loaded into an empty database on first start."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from core.db import UnitOfWorkFactory
from directory.models import Person

DEMO_CSV = Path(__file__).resolve().parent / "data" / "demo.csv"


async def seed_if_empty(uow: UnitOfWorkFactory, now: datetime, *, load_demo: bool) -> int:
    """Sync the theme catalog; import the demo CSV when asked and nobody is registered yet."""
    from directory.themes import sync_catalog

    async with uow() as unit:
        await sync_catalog(unit.session)
        await unit.commit()
    if not load_demo:
        return 0
    async with uow() as unit:
        count = await unit.session.scalar(select(func.count()).select_from(Person))
    if count:
        return 0
    from directory.csv_io import import_csv

    report = await import_csv(uow, DEMO_CSV.read_text(encoding="utf-8-sig"), now=now)
    return report.created
