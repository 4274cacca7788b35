"""Run Alembic migrations from code (`krokodil db upgrade`, bootstrap of tests and benchmarks)."""

from __future__ import annotations

import ast
import asyncio
import re
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from core.db import make_engine

if TYPE_CHECKING:
    from alembic.config import Config

ROOT = Path(__file__).resolve().parent.parent
VERSIONS = ROOT / "migrations" / "versions"


def alembic_config(url: str) -> Config:
    """An Alembic config for this project's migrations and the given database."""
    from alembic.config import Config

    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "heads") -> None:
    """Bring the database to the newest schema (every branch head)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


@cache
def heads_on_disk(folder: Path = VERSIONS) -> frozenset[str]:
    """The newest revisions of this code's migrations, read from the files' `revision` and
    `down_revision` (importing Alembic, with Mako and Pygments, costs a start ~0.4 s)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in sorted(folder.glob("*.py")):
        values = _assignments(path, ("revision", "down_revision"))
        if not isinstance(values.get("revision"), str):
            continue
        revisions.add(values["revision"])
        down = values.get("down_revision")
        parents.update([down] if isinstance(down, str) else list(down or ()))
    return frozenset(revisions - parents)


# Where a migration's functions (most of its text) begin: the identifiers stand above.
_FIRST_DEFINITION = re.compile(r"^(?:def |async def |class |@)", re.MULTILINE)


def _assignments(path: Path, names: tuple[str, ...]) -> dict[str, Any]:
    source = path.read_text(encoding="utf-8")
    try:
        # Only the part above the first function is parsed (a tenth of the time).
        tree = ast.parse(_FIRST_DEFINITION.split(source, maxsplit=1)[0])
    except SyntaxError:  # cut inside a string that holds such a line
        tree = ast.parse(source)
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            name, value = node.target.id, node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            name, value = node.targets[0].id, node.value
        else:
            continue
        if name in names and value is not None:
            found[name] = ast.literal_eval(value)
    return found


async def at_heads(engine: AsyncEngine) -> bool:
    """Whether the database holds exactly this code's migration heads: nothing to upgrade.
    False when it cannot tell (no alembic_version table yet, another release's schema)."""
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT version_num FROM alembic_version"))
            applied = {str(row[0]) for row in rows}
    except SQLAlchemyError:
        return False
    return bool(applied) and applied == heads_on_disk()


async def upgrade_async(url: str, revision: str = "heads") -> None:
    """The same, from inside a running event loop."""
    await asyncio.to_thread(upgrade, url, revision)


async def ensure_database(url: str) -> None:
    """Create the PostgreSQL database a URL names when it is missing (SQLite makes its own)."""
    if not url.startswith("postgresql"):
        return
    import asyncpg

    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    base, _, name = dsn.rpartition("/")
    conn = await asyncpg.connect(f"{base}/postgres")
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


async def empty_database(url: str) -> None:
    """Throw away every table (tests and benchmarks only): a new SQLite file, an empty schema."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[1] if "///" in url else ""
        if path and path != ":memory:":
            await asyncio.to_thread(Path(path).unlink, missing_ok=True)
        return
    await ensure_database(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()
