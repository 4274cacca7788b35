"""A large import sets the indexes (and on PostgreSQL the foreign keys) aside: same rows,
same schema afterwards, nothing half-written when it fails, row by row when PostgreSQL's
tables are busy."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.bootstrap import App
from core.clock import FrozenClock
from core.db import make_engine
from directory import set_aside
from directory.csv_io import Sync, export_csv, import_csv
from directory.demo import DEMO_CSV
from tests.conftest import BACKEND

POSTGRES_CATALOG = text(
    "SELECT 'index ' || indexdef, i.indexrelid FROM pg_indexes x "
    "JOIN pg_class c ON c.relname = x.indexname JOIN pg_index i ON i.indexrelid = c.oid "
    "WHERE x.tablename = ANY(:tables) "
    "UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' "
    "|| pg_get_constraintdef(oid), oid FROM pg_constraint "
    "WHERE conrelid::regclass::text = ANY(:tables) ORDER BY 1"
)
# SQLite has no object ids; the page an index's tree starts on changes when it is rebuilt.
SQLITE_CATALOG = text(
    "SELECT type || ' ' || name || ' ' || coalesce(sql, ''), rootpage FROM sqlite_master "
    "WHERE tbl_name IN ('people', 'person_themes', 'person_wijken', 'accounts') ORDER BY 1"
)


@pytest.fixture
def large(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every import that writes a row counts as large."""
    monkeypatch.setattr(set_aside, "MIN_ROWS", 1)
    monkeypatch.setattr(set_aside, "MIN_SHARE", 0.0)


async def catalog(app: App) -> dict[str, int]:
    """Every index and constraint of the filled tables, with its object id."""
    async with app.deps.uow() as uow:
        if BACKEND == "sqlite":
            rows = await uow.session.execute(SQLITE_CATALOG)
        else:
            rows = await uow.session.execute(POSTGRES_CATALOG, {"tables": list(set_aside.FILLED)})
        return {definition: oid for definition, oid in rows}


async def test_a_large_import_gives_the_same_rows_and_schema(
    app: App, clock: FrozenClock, large: None
) -> None:
    before = await catalog(app)
    demo = DEMO_CSV.read_text(encoding="utf-8")
    report = await import_csv(app.deps.uow, demo, now=clock.now())
    assert report.ok and report.imported and report.created == 35
    after = await catalog(app)
    # The same definitions under the same names; the set-aside ones are new objects.
    assert sorted(after) == sorted(before)
    rebuilt = [d for d in before if before[d] != after[d]]
    assert any("CREATE INDEX ix_people_name" in d for d in rebuilt)
    if BACKEND == "postgresql":
        assert any("FOREIGN KEY (person_id)" in d for d in rebuilt)
        assert not any("PRIMARY KEY" in d or "UNIQUE" in d for d in rebuilt)
    else:
        assert not any("autoindex" in d for d in rebuilt)
    exported = await export_csv(app.deps.uow)
    again = await import_csv(app.deps.uow, exported, now=clock.now())
    assert (again.created, again.updated, again.unchanged) == (0, 0, 35)
    assert await export_csv(app.deps.uow) == exported


async def test_a_failure_after_setting_aside_leaves_nothing_half_written(
    app: App, clock: FrozenClock, large: None
) -> None:
    demo = DEMO_CSV.read_text(encoding="utf-8")
    lines = demo.splitlines(keepends=True)
    await import_csv(app.deps.uow, "".join(lines[:11]), now=clock.now())
    before = await catalog(app)
    exported = await export_csv(app.deps.uow)

    async def refuse(_session: AsyncSession, _leaving: list[int]) -> None:
        raise RuntimeError("the departures could not be written")

    # The rest of the demo directory comes in while its first people leave; then it fails.
    with pytest.raises(RuntimeError):
        await import_csv(
            app.deps.uow,
            lines[0] + "".join(lines[11:]),
            now=clock.now(),
            sync=Sync(),
            on_leave=refuse,
        )
    assert await catalog(app) == before
    assert await export_csv(app.deps.uow) == exported


@pytest.mark.skipif(BACKEND != "postgresql", reason="SQLite's readers keep their snapshot")
async def test_busy_tables_are_written_row_by_row(
    app: App, clock: FrozenClock, large: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(set_aside, "LOCK_WAIT", "200ms")
    before = await catalog(app)
    other = make_engine(app.deps.uow.engine.url.render_as_string(hide_password=False))
    try:
        async with other.connect() as reader:
            # A transaction that read the directory and is still open holds its lock.
            await reader.execute(text("BEGIN"))
            await reader.execute(text("SELECT count(*) FROM people"))
            report = await import_csv(
                app.deps.uow, DEMO_CSV.read_text(encoding="utf-8"), now=clock.now()
            )
            await reader.execute(text("ROLLBACK"))
    finally:
        await other.dispose()
    assert report.imported and report.created == 35
    assert await catalog(app) == before  # not one index rebuilt
