"""Directory speed: import of a large fictional directory, and /wie through the dispatcher.

    python -m bench directory                      # 100,000 people, SQLite and PostgreSQL
    python -m bench directory --quick              # 5,000 people (fast enough for CI)
    python -m bench directory --people 20000 --backends sqlite

For each backend: a fresh database, migrations, the theme catalog; then the import of
the generated CSV (timed), the same import again (idempotent, timed), and warm /wie
lookups sent in-process through the dispatcher as a registered console user (the
whole path: BSN guard, identity, routing, search, cards). Reports p50/p95/p99 per
query kind and the process RSS. PostgreSQL comes from KROKODIL_BENCH_PG_URL (default
a `krokodil_bench_directory` database on 127.0.0.1, created when missing).
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import select

from bench.generate_directory import generate
from bot.bootstrap import build
from bot.migrate import empty_database, upgrade_async
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from core.messages import Invocation
from directory.csv_io import import_csv
from directory.demo import seed_if_empty
from directory.identity import console_handle
from directory.models import Person, Wijk

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_bench_directory"
# Tuesday 24 November 2026, 10:00 in Amsterdam: most people are reachable.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
THEME_QUERIES = (
    "/wie schulden",
    "/wie jeugd",
    "/wie huiselijk geweld",
    "/wie kan de huur niet betalen",
    "/wie schuldhulpverleneing",
    "/wie verslaving",
    "/wie eenzaamheid",
    "/wie dakloos",
    "/wie mantelzorg",
    "/wie psychische problemen",
    "/who debt",
    "ik zoek iemand voor huurachterstand",
)
WIJK_QUERIES = (
    "/wie schulden in {wijk}",
    "/wie opvoeding in {wijk}",
    "wie kan helpen met werk in {wijk}?",
    "/wie leerplicht in {wijk}",
)
FALLBACK_QUERIES = ("/wie xyzzy", "/wie paarse krokodil")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": pick(0.50),
        "p95_ms": pick(0.95),
        "p99_ms": pick(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def _rss_mib() -> float:
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    return {
        "cpu": platform.processor() or platform.machine(),
        "cpus": os.cpu_count(),
        "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


async def run_backend(
    backend: str, url: str, csv_text: str, *, queries: int, warmup: int
) -> dict[str, Any]:
    """Import, re-import and query on one database."""
    await empty_database(url)
    await upgrade_async(url)
    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=url, pool_size=5),
        bot=replace(base.bot, demo_data=False),
    )
    app = build(settings, clock=FrozenClock(NOW))
    result: dict[str, Any] = {"backend": backend}
    try:
        await seed_if_empty(app.deps.uow, NOW, load_demo=False)
        started = time.perf_counter()
        report = await import_csv(app.deps.uow, csv_text, now=NOW)
        result["import_s"] = round(time.perf_counter() - started, 2)
        if not report.imported:
            raise RuntimeError(report.summary()[:1000])
        result["imported_people"] = report.created
        result["rss_after_import_mib"] = _rss_mib()
        started = time.perf_counter()
        again = await import_csv(app.deps.uow, csv_text, now=NOW)
        result["reimport_unchanged_s"] = round(time.perf_counter() - started, 2)
        result["reimport_changes"] = again.created + again.updated
        async with app.deps.uow() as uow:
            asker = (await uow.session.execute(select(Person.email, Person.name).limit(1))).one()
            wijken = list(await uow.session.scalars(select(Wijk.name).order_by(Wijk.id).limit(20)))
        handle = console_handle(asker.email, asker.name)
        # The bot that answers /wie is not the process that imported 100,000 rows: drop the
        # import's garbage now, so a full collection of it does not land inside a lookup.
        gc.collect()
        kinds = {
            "theme": list(THEME_QUERIES),
            "theme_in_wijk": [q.format(wijk=w) for q in WIJK_QUERIES for w in wijken],
            "no_match_fallback": list(FALLBACK_QUERIES),
        }
        empty = 0

        async def ask(line: str) -> float:
            nonlocal empty
            invocation = Invocation(
                platform="console", account=handle, chat=f"console:{handle}", text=line
            )
            began = time.perf_counter()
            reply = await app.dispatcher.handle(invocation)
            took = time.perf_counter() - began
            if not reply.data.get("contacts"):
                empty += 1
            return took

        for index in range(warmup):
            for lines in kinds.values():
                await ask(lines[index % len(lines)])
        empty = 0
        timings: dict[str, list[float]] = {kind: [] for kind in kinds}
        all_samples: list[float] = []
        for index in range(queries):
            # Mostly theme lookups, a quarter with a wijk, a few that match nothing.
            kind = (
                "no_match_fallback"
                if index % 50 == 49
                else ("theme_in_wijk" if index % 4 == 3 else "theme")
            )
            lines = kinds[kind]
            took = await ask(lines[(index // 4) % len(lines)])
            timings[kind].append(took)
            all_samples.append(took)
        result["wie_all"] = _percentiles(all_samples)
        result["wie_by_kind"] = {kind: _percentiles(s) for kind, s in timings.items() if s}
        result["replies_without_contacts"] = empty
        result["rss_after_queries_mib"] = _rss_mib()
    finally:
        await app.close()
    return result


async def main(argv: list[str]) -> dict[str, Any]:
    """Run the directory benchmark; returns the numbers (also written to stderr as it goes)."""
    parser = argparse.ArgumentParser(prog="python -m bench directory")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--organisations", type=int, default=None)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--quick", action="store_true", help="5,000 people, 400 queries")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=os.environ.get("KROKODIL_BENCH_PG_URL", DEFAULT_PG))
    args = parser.parse_args(argv)
    if args.quick:
        args.people, args.queries = 5_000, 400
    organisations = args.organisations or max(args.people // 20, 5)
    started = time.perf_counter()
    csv_text = generate(args.people, organisations)
    results: dict[str, Any] = {
        "machine": machine(),
        "people": args.people,
        "organisations": organisations,
        "queries": args.queries,
        "generate_s": round(time.perf_counter() - started, 2),
        "csv_mib": round(len(csv_text.encode()) / 2**20, 1),
        "backends": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        for backend in args.backends.split(","):
            url = (
                f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
                if backend == "sqlite"
                else args.pg_url
            )
            try:
                numbers = await run_backend(
                    backend, url, csv_text, queries=args.queries, warmup=args.warmup
                )
            except OSError as error:
                numbers = {"backend": backend, "skipped": f"database unreachable: {error}"}
            results["backends"][backend] = numbers
            print(_line(numbers), file=sys.stderr, flush=True)
    results["peak_rss_mib"] = round(psutil.Process().memory_info().rss / 2**20, 1)
    return results


def _line(numbers: dict[str, Any]) -> str:
    if "skipped" in numbers:
        return f"{numbers['backend']}: skipped ({numbers['skipped']})"
    wie = numbers["wie_all"]
    return (
        f"{numbers['backend']}: import {numbers['import_s']} s, re-import "
        f"{numbers['reimport_unchanged_s']} s, /wie p50 {wie['p50_ms']} ms p99 {wie['p99_ms']} ms, "
        f"RSS {numbers['rss_after_queries_mib']} MiB"
    )
