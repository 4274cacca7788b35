"""The directory benchmark runs in CI in its quick mode (5,000 people, 400 lookups) on the
suite's backend and produces every number. Speed itself is not asserted here: that is for
the documented full run (docs/benchmarks.md), not for a shared CI machine."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.migrate import ensure_database
from tests.conftest import BACKEND, PG_URL

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_the_directory_benchmark_runs_quickly_and_produces_every_number(tmp_path: Path) -> None:
    url = PG_URL + "_bench_directory"  # a database of its own next to the test database
    if BACKEND == "postgresql":
        asyncio.run(ensure_database(url))
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "directory",
            "--quick",
            "--backends",
            BACKEND,
            "--pg-url",
            url,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    results = json.loads(run.stdout[run.stdout.index("{") :])["directory"]
    numbers = results["backends"][BACKEND]
    assert numbers["imported_people"] == 5000 and numbers["reimport_changes"] == 0
    assert numbers["index_build_s"] > 0 and numbers["rss_after_index_mib"] > 0
    for path in ("index", "index_worked_out", "sql"):
        lookups = numbers[path]
        # Every lookup answered with people to call (or the oliemannetje when nothing fits).
        assert lookups["replies_without_contacts"] == 0, (path, lookups)
        assert 0 < lookups["wie_all"]["p50_ms"] <= lookups["wie_all"]["p99_ms"], (path, lookups)
        assert lookups["cpu_ms_per_lookup"] > 0
    assert len(numbers["load_average_before"]) == 3
