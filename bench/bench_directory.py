"""Directory speed: import of a large fictional directory, and /wie through the dispatcher.

    python -m bench directory                      # 100,000 people, SQLite and PostgreSQL
    python -m bench directory --quick              # 5,000 people (fast enough for CI)
    python -m bench directory --people 20000 --backends sqlite

For each backend: a fresh database, migrations, the theme catalog; then the import of
the generated CSV (timed) and the same import again (idempotent, timed). Then a fresh
process starts as a bot would (bench/directory_answer.py): it builds the directory
index (timed, and how long after the process started it was ready), sends warm /wie
lookups in-process through the dispatcher as a registered console user (the whole path:
BSN guard, identity, routing, search, cards) answered from the index, and the same
lookups with the index switched off: the SQL path, measured beside it in the same run.
Reports p50/p95/p99 per query kind, CPU per lookup, the RSS of that process, the load
average before each part, and CPU seconds beside the wall times (the import's in this
process and in the PostgreSQL backends of the benchmark's database; the index build's
and, until the index was ready, the answering process's). PostgreSQL comes from
KROKODIL_BENCH_PG_URL (default a `krokodil_bench_directory` database on 127.0.0.1, created
when missing).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.generate_directory import generate
from bot.bootstrap import build
from bot.migrate import empty_database, upgrade_async
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from directory.csv_io import import_csv
from directory.demo import seed_if_empty

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_bench_directory"
ROOT = Path(__file__).resolve().parent.parent
# Tuesday 24 November 2026, 10:00 in Amsterdam: most people are reachable.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


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
    """Import and re-import on one database, then answer /wie from a fresh process."""
    await empty_database(url)
    await upgrade_async(url)
    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=url, pool_size=5),
        bot=replace(base.bot, demo_data=False),
    )
    app = build(settings, clock=FrozenClock(NOW))
    result: dict[str, Any] = {
        "backend": backend,
        "load_average_before": _load(),
        "calibration_s": calibration_s(),
    }
    try:
        await seed_if_empty(app.deps.uow, NOW, load_demo=False)
        started, cpu = time.perf_counter(), _cpu_s(url)
        report = await import_csv(app.deps.uow, csv_text, now=NOW)
        result["import_s"] = round(time.perf_counter() - started, 2)
        result["import_cpu_s"] = _spent(cpu, _cpu_s(url))
        if not report.imported:
            raise RuntimeError(report.summary()[:1000])
        result["imported_people"] = report.created
        result["rss_after_import_mib"] = _rss_mib()
        started, cpu = time.perf_counter(), _cpu_s(url)
        again = await import_csv(app.deps.uow, csv_text, now=NOW)
        result["reimport_unchanged_s"] = round(time.perf_counter() - started, 2)
        result["reimport_cpu_s"] = _spent(cpu, _cpu_s(url))
        result["reimport_changes"] = again.created + again.updated
    finally:
        await app.close()
    # The bot that answers /wie is not the process that imported 100,000 rows.
    result["load_average_before_lookups"] = _load()
    result.update(await answer(url, queries=queries, warmup=warmup))
    return result


async def answer(url: str, *, queries: int, warmup: int) -> dict[str, Any]:
    """Run bench.directory_answer in a process of its own; its JSON."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bench.directory_answer",
        "--db",
        url,
        "--queries",
        str(queries),
        "--sql-queries",
        str(max(queries // 4, 100)),
        "--warmup",
        str(warmup),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"bench.directory_answer failed:\n{err.decode()[-3000:]}")
    found: dict[str, Any] = json.loads(out.decode().strip().splitlines()[-1])
    return found


def _cpu_s(url: str) -> dict[str, float]:
    """CPU seconds so far of this process and, on PostgreSQL, of the server processes serving
    this benchmark's database (on a shared machine wall time measures the queue for the CPU
    as much as the work)."""
    mine = psutil.Process().cpu_times()
    spent = {"bot": mine.user + mine.system}
    if not url.startswith("sqlite"):
        database = url.rsplit("/", 1)[-1].split("?")[0]
        server = 0.0
        for process in psutil.process_iter(["cmdline"]):
            try:
                line = " ".join(process.info["cmdline"] or [])
                if line.startswith("postgres: ") and f" {database} " in line:
                    times = process.cpu_times()
                    server += times.user + times.system
            except psutil.Error:
                continue
        spent["postgresql"] = server
    return spent


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    """CPU seconds per side between two readings of `_cpu_s`."""
    return {side: round(after[side] - before[side], 2) for side in after}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def calibration_s() -> float:
    """Seconds for ten million additions in a plain loop: how fast this machine is right now
    (the VM's speed moves by a factor of two or more between days and even within an hour)."""
    started = time.perf_counter()
    total = 0
    for number in range(10_000_000):
        total += number
    return round(time.perf_counter() - started, 2)


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
    wie, sql = numbers["index"]["wie_all"], numbers["sql"]["wie_all"]
    worked = numbers.get("index_worked_out", {}).get("wie_all", {})
    return (
        f"{numbers['backend']} (load {numbers['load_average_before'][0]}): import "
        f"{numbers['import_s']} s (CPU {numbers['import_cpu_s']}), re-import "
        f"{numbers['reimport_unchanged_s']} s (CPU {numbers['reimport_cpu_s']}), index built in "
        f"{numbers['index_build_s']} s (CPU {numbers['index_build_cpu_s']} s; ready "
        f"{numbers['index_ready_after_start_s']} s after start, CPU "
        f"{numbers['index_ready_cpu_s']} s), /wie p50 "
        f"{wie['p50_ms']} ms p99 {wie['p99_ms']} ms (each worked out: p50 {worked.get('p50_ms')} "
        f"ms p99 {worked.get('p99_ms')} ms; SQL path beside it: p99 {sql['p99_ms']} ms), "
        f"{numbers['index']['cpu_ms_per_lookup']} ms CPU per lookup, RSS "
        f"{numbers['rss_after_index_mib']} → {numbers['rss_after_lookups_mib']} MiB"
    )
