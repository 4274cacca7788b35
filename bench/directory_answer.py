"""The answering side of the directory benchmark, in a process of its own.

    python -m bench.directory_answer --db URL --queries 2000 --warmup 20

A fresh process, as a bot that starts next to an imported directory: it builds the bot,
builds the directory index (timed), then sends /wie lookups in-process through the
dispatcher as a registered console user, first answered from the index (most of them,
asked again, from kept answers), then from the index with nothing kept (each answer worked
out), then the same lookups with the index switched off (the SQL path, the baseline
beside it). Prints one
JSON object: timings per path and query kind, CPU per lookup, RSS after start and after
the lookups.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import statistics
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

STARTED = time.monotonic()

import psutil  # noqa: E402 - the clock above starts before the imports, as a process would

from bot.bootstrap import App, build  # noqa: E402
from core.clock import FrozenClock  # noqa: E402
from core.config import DatabaseConfig, Settings  # noqa: E402
from core.messages import Invocation  # noqa: E402

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


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99/max/mean in milliseconds."""
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


def rss_mib() -> float:
    """This process's resident memory."""
    return round(psutil.Process().memory_info().rss / 2**20, 1)


def cpu_seconds() -> float:
    """This process's CPU time so far."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def plan(queries: int, wijken: list[str]) -> list[tuple[str, str]]:
    """(kind, line) per lookup: mostly themes, a quarter with a wijk, one in fifty no match."""
    kinds = {
        "theme": list(THEME_QUERIES),
        "theme_in_wijk": [q.format(wijk=w) for q in WIJK_QUERIES for w in wijken],
        "no_match_fallback": list(FALLBACK_QUERIES),
    }
    chosen = []
    for index in range(queries):
        kind = (
            "no_match_fallback"
            if index % 50 == 49
            else ("theme_in_wijk" if index % 4 == 3 else "theme")
        )
        lines = kinds[kind]
        chosen.append((kind, lines[(index // 4) % len(lines)]))
    return chosen


async def lookups(app: App, handle: str, lines: list[tuple[str, str]]) -> dict[str, Any]:
    """Send each line through the dispatcher; timings, CPU per lookup, empty answers."""
    timings: dict[str, list[float]] = {}
    empty = 0
    gc.collect()
    cpu = cpu_seconds()
    began = time.perf_counter()
    for kind, line in lines:
        invocation = Invocation(
            platform="console", account=handle, chat=f"console:{handle}", text=line
        )
        started = time.perf_counter()
        reply = await app.dispatcher.handle(invocation)
        timings.setdefault(kind, []).append(time.perf_counter() - started)
        if not reply.data.get("contacts"):
            empty += 1
    wall = time.perf_counter() - began
    every = [t for samples in timings.values() for t in samples]
    return {
        "wie_all": percentiles(every),
        "wie_by_kind": {kind: percentiles(s) for kind, s in timings.items()},
        "cpu_ms_per_lookup": round((cpu_seconds() - cpu) / len(every) * 1000, 3),
        "lookups_per_second": round(len(every) / wall, 1),
        "replies_without_contacts": empty,
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Build, index, ask; everything measured."""
    from sqlalchemy import select

    from directory.identity import console_handle
    from directory.models import Person, Wijk

    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=args.db, pool_size=5),
        bot=replace(base.bot, demo_data=False),
    )
    app = build(settings, clock=FrozenClock(NOW))
    result: dict[str, Any] = {"imports_s": round(time.monotonic() - STARTED, 2)}
    try:
        directory = app.deps.directory
        assert directory is not None
        started, cpu = time.perf_counter(), cpu_seconds()
        await directory.start()
        result["index_build_s"] = round(time.perf_counter() - started, 2)
        result["index_ready_after_start_s"] = round(time.monotonic() - STARTED, 2)
        result["index_build_cpu_s"] = round(cpu_seconds() - cpu, 2)
        # The process's CPU from its start (imports included) until the index was ready.
        result["index_ready_cpu_s"] = round(cpu_seconds(), 2)
        gc.collect()
        result["rss_after_index_mib"] = rss_mib()
        async with app.deps.uow() as uow:
            asker = (await uow.session.execute(select(Person.email, Person.name).limit(1))).one()
            wijken = list(await uow.session.scalars(select(Wijk.name).order_by(Wijk.id).limit(20)))
        handle = console_handle(asker.email, asker.name)
        warm = plan(args.warmup * 3, wijken)
        lines = plan(args.queries, wijken)
        await lookups(app, handle, warm)
        result["index"] = await lookups(app, handle, lines)
        result["rss_after_lookups_mib"] = rss_mib()
        # One asker asks the same few questions over and over, so most of the above are
        # kept answers (handlers.directory.kept): the same lookups again, each worked out.
        kept = directory.answers.capacity
        directory.answers.capacity = 0
        try:
            result["index_worked_out"] = await lookups(app, handle, lines)
        finally:
            directory.answers.capacity = kept
        # The baseline beside it: the same lookups answered from the database alone.
        app.deps.directory = None
        await lookups(app, handle, warm)
        result["sql"] = await lookups(app, handle, lines[: args.sql_queries])
    finally:
        app.deps.directory = directory
        await app.close()
    return result


def main(argv: list[str]) -> int:
    """Print the measurements as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.directory_answer")
    parser.add_argument("--db", required=True)
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--sql-queries", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
