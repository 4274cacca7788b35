"""500 handovers answered at once on PostgreSQL: accept, decline and withdraw racing on each.

    python -m bench handovers            # 500 handovers, 25 sender/receiver pairs
    python -m bench handovers --quick    # 100 handovers

Runs the same workload as tests/reliability/test_handover_storm.py (bench/handover_storm.py)
through the dispatcher, on a fresh `krokodil_bench_handovers` database, and reports how long
the storm took, the answer latencies, the final states and any broken invariant.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bench.handover_storm import handles_of, open_handovers, storm
from bench.load_clients import percentile
from bench.load_directory import reset
from bot.bootstrap import build
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from directory.demo import seed_if_empty
from tests.support import make_person

DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_bench_handovers"


def main(argv: list[str]) -> dict[str, Any]:
    """Run the storm; returns its numbers."""
    parser = argparse.ArgumentParser(prog="python -m bench handovers", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--handovers", type=int, default=None)
    parser.add_argument("--pairs", type=int, default=25)
    parser.add_argument("--pool", type=int, default=10, help="connection pool size")
    parser.add_argument("--db", default=os.environ.get("KROKODIL_BENCH_HANDOVERS_DB", DEFAULT_DB))
    args = parser.parse_args(argv)
    args.handovers = args.handovers or (100 if args.quick else 500)
    results = asyncio.run(run(args))
    print(
        f"{results['handovers']} handovers, {results['operations']} answers at once: "
        f"{results['seconds']} s, {results['answers_per_second']} answers/s, "
        f"p50 {results['p50_ms']} ms, p99 {results['p99_ms']} ms; states {results['states']}; "
        f"invariants broken: {results['problems']}",
        flush=True,
    )
    return results


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Fresh database, people, open handovers, the storm, the checks."""
    await reset(args.db)
    clock = FrozenClock(datetime.now(UTC).replace(microsecond=0))
    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=args.db, pool_size=args.pool),
        bot=replace(base.bot, demo_data=False),
    )
    app = build(settings, clock=clock, rng=random.Random(1))
    try:
        await seed_if_empty(app.deps.uow, clock.now(), load_demo=False)
        pairs = []
        for n in range(args.pairs):
            sender = await make_person(app, f"Afzender {n}", email=f"afzender{n}@example.org")
            receiver = await make_person(
                app, f"Ontvanger {n}", email=f"ontvanger{n}@example.org", organisation="Wijkteam"
            )
            pairs.append((sender, receiver))
        ids = await open_handovers(app, pairs, args.handovers)
        handles = handles_of({hid: pairs[n % len(pairs)] for n, hid in enumerate(ids)})
        result = await storm(app, ids, handles)
    finally:
        await app.close()
    return {
        "database": "postgresql" if args.db.startswith("postgresql") else "sqlite",
        "handovers": result.handovers,
        "operations": result.operations,
        "pool_size": args.pool,
        "seconds": round(result.seconds, 2),
        "answers_per_second": round(result.operations / result.seconds, 1),
        "p50_ms": round(percentile(result.latencies, 50) * 1000, 1),
        "p99_ms": round(percentile(result.latencies, 99) * 1000, 1),
        "states": dict(result.states),
        "problems": len(result.problems),
        "first_problems": result.problems[:10],
    }
