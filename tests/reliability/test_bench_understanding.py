"""`python -m bench understanding --report-test` gives the test half's numbers and nothing
that would let anyone tune on it: no question, no miss.

Recall is not asserted (it moves with the catalog); the numbers are in docs/benchmarks.md."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from bench import bench_understanding
from bench.__main__ import main as bench_main

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


HOLDOUT = """
[[question]]
id = "h001"
text = "wie weet iets van zeldzame geitenwolsokken in de schuur"
category = "free_text"
themes = ["schulden"]
split = "holdout"

[[question]]
id = "h002"
text = "mevrouw kan de huur van deze maand niet betalen"
category = "situation"
themes = ["schulden", "wonen"]
split = "holdout"

[[question]]
id = "h003"
text = "who helps with debts in Noord"
category = "wijk"
themes = ["schulden"]
wijk = "Noord"
split = "holdout"
"""


def test_the_holdout_report_shows_numbers_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    holdout = tmp_path / "holdout.toml"
    holdout.write_text(HOLDOUT, encoding="utf-8")
    monkeypatch.setenv(bench_understanding.HOLDOUT_ENV, str(holdout))
    assert bench_main(["understanding", "--report-holdout"]) == 0
    printed = capsys.readouterr().out
    result = json.loads(printed)["understanding"]
    assert set(result) == {"holdout", "measured_at", "load_average"}
    assert result["holdout"]["questions"] == 3
    assert set(result["holdout"]["per_category"]) == {"free_text", "situation", "wijk"}
    assert 0 <= result["holdout"]["recall@1"] <= result["holdout"]["recall@3"] <= 1
    assert "misses" not in result["holdout"]
    questions = bench_understanding.load_questions("all", holdout)
    leaked = sum(q["text"] in printed or q["id"] in printed for q in questions)
    assert leaked == 0
    # Not even a word that only the questions hold.
    assert "geitenwolsokken" not in printed and "huur" not in printed


def test_without_a_holdout_file_it_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(bench_understanding.HOLDOUT_ENV, str(tmp_path / "absent.toml"))
    assert bench_main(["understanding", "--report-holdout"]) == 0
    result = json.loads(capsys.readouterr().out)["understanding"]
    assert result["holdout"] is None
    assert "no held-out set" in result["note"]


def test_both_halves_are_development_data() -> None:
    result = asyncio.run(bench_understanding.run("all", show_misses=False))["all"]
    assert result["questions"] == len(bench_understanding.load_questions("all"))
    assert result["questions"] == len(bench_understanding.load_questions("dev")) + len(
        bench_understanding.load_questions("test")
    )
    assert all(m["miss_at"] == 3 for m in result["misses"])
