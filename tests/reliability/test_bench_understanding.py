"""`python -m bench understanding --report-test` gives the test half's numbers and nothing
that would let anyone tune on it: no question, no miss.

Recall is not asserted (it moves with the catalog); the numbers are in docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import json

import pytest

from bench import bench_understanding

pytestmark = pytest.mark.slow


def test_the_test_half_report_shows_numbers_only() -> None:
    result = bench_understanding.main(["--report-test"])
    assert set(result) == {"test", "measured_at", "load_average"}
    test = result["test"]
    assert test["questions"] == len(bench_understanding.load_questions("test"))
    assert "misses" not in test and "misses_at_1_only" not in test
    assert 0 <= test["recall@1"] <= test["recall@3"] <= 1
    printed = json.dumps(result, ensure_ascii=False)
    # Counted, not compared one by one: a failure must not print a test question either.
    leaked = sum(
        q["text"] in printed or f'"{q["id"]}"' in printed
        for q in bench_understanding.load_questions("test")
    )
    assert leaked == 0


def test_the_dev_half_lists_its_misses() -> None:
    result = asyncio.run(bench_understanding.run("dev", show_misses=True))["dev"]
    dev_ids = {q["id"] for q in bench_understanding.load_questions("dev")}
    listed = [m["id"] for m in (*result["misses"], *result["misses_at_1_only"])]
    assert listed and set(listed) <= dev_ids
