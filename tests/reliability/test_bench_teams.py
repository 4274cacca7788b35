"""`python -m bench teams --quick` runs and every answer reaches the connector stand-in.

Speed is not asserted (a shared CI machine); the numbers are in docs/benchmarks.md."""

from __future__ import annotations

import pytest

from bench import bench_teams

pytestmark = pytest.mark.slow


async def test_the_teams_benchmark_runs_and_delivers_every_answer() -> None:
    results = await bench_teams.main(["--quick"])
    assert results["people"] == 20
    bot, bare = results["bot"], results["bare_app"]
    assert bot["answers_delivered"] == 60 + min(60, 100)
    for numbers in (bot, bare):
        assert 0 < numbers["latency_p50_ms"] <= numbers["latency_p95_ms"]
        assert numbers["throughput_per_s"] > 0
