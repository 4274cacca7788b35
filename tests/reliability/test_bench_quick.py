"""The end-to-end load benchmark runs in CI in its quick mode (2,000 people, 100 requests per
target) and produces its numbers. Speed itself is not asserted here: that is for the
documented full run (docs/benchmarks.md), not for a shared CI machine."""

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
TARGETS = (
    "slack_bare",
    "slack_bot",
    "slack_bot_paced",
    "telegram_bare",
    "telegram_bot",
    "telegram_bot_paced",
)


def test_the_load_benchmark_runs_quickly_and_produces_every_number(tmp_path: Path) -> None:
    if BACKEND == "postgresql":
        url = PG_URL + "_bench"  # a database of its own next to the test database
        asyncio.run(ensure_database(url))
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'bench.db'}"
    out = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, "-m", "bench", "load", "--quick", "--db", url, "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-4000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    assert results["people"] == 2000
    assert results["bot_ready_seconds"] > 0 and results["bot_rss_mib"]["end"] > 0
    assert len(results["load_average_before"]) == 3
    for name in TARGETS:
        target = results["targets"][name]
        assert target["requests"] == 100 and target["ok"] > 0, (name, target)
        assert target["http_errors"] == 0, (name, target)
        # Only an answer with a contact card counts; under load a slow machine may make an
        # answer late, but never wrong: no "probeer het zo nog eens", no answer without a card.
        assert set(target["failures"]) <= {"timeout"}, (name, target)
        assert 0 < target["p50_ms"] <= target["p99_ms"], (name, target)
        assert target["throughput_rps"] > 0, (name, target)
    assert set(results["verdict"]) == {"slack", "telegram"}
    assert "| slack_bot |" in run.stdout
