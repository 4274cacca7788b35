"""Understanding: do real questions find the right people? Recall on the frozen eval set.

    python -m bench understanding                 # the dev half, its misses listed
    python -m bench understanding --split all     # both halves (development data), misses listed
    python -m bench understanding --misses-at-1   # also the questions missed only at 1
    python -m bench understanding --report-test   # the test half: numbers only, no questions
    python -m bench understanding --report-holdout  # the held-out set: numbers only

Since the third round both halves of questions.toml are development data (the test half's
misses were read by an earlier round): `--split all` measures them together and lists the
misses. `--report-test` still gives the test half's numbers only. The held-out set
(`directory/data/eval/holdout.toml`, or the file named by KROKODIL_EVAL_HOLDOUT) is never
printed: `--report-holdout` gives its overall and per-category recall and nothing else,
so that running it cannot turn into tuning on it. Run it rarely, and report the last run.

The questions are `directory/data/eval/questions.toml` (frozen; see its README). Each is
sent as `/wie <question>` through the dispatcher, as an unregistered console user (so no
asker's wijk or acquaintances tilt the ranking), to a fresh SQLite directory in which
every theme of the catalog has exactly one specialist: a person who works on that theme
only, for the whole municipality, reachable at the time asked. The six wijken exist.

What counts (the headline, "people recall@k"): a question is a hit at k when one of the
first k people /wie shows works on a theme the question's label accepts, and for `wijk`
questions /wie also understood the intended wijk. An ask-back ("Bedoel je: …?") or a
fallback to an oliemannetje shows no such people, so it is a miss; ask-backs are counted
separately, with how often the offered buttons held an acceptable theme.

With one person per theme, the first k people are the k best themes understood that have
people, so this equals the understanding step's theme recall@k, measured through the whole
/wie. The theme-level recall of the understanding step alone (`directory.understanding`) is
reported beside it, and so is the time the step takes next to the whole /wie.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
import tomllib
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.bootstrap import build
from bot.migrate import upgrade_async
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from core.messages import Invocation
from directory.csv_io import import_csv
from directory.demo import seed_if_empty
from directory.matching import ThemeMatcher
from directory.models import Wijk
from directory.reference import reference
from directory.themes import load_catalog
from directory.understanding import understand
from directory.words import stems

EVAL = Path(__file__).resolve().parents[1] / "directory/data/eval"
QUESTIONS = EVAL / "questions.toml"
HOLDOUT = EVAL / "holdout.toml"
HOLDOUT_ENV = "KROKODIL_EVAL_HOLDOUT"
WIJKEN = ("Molenwijk", "Centrum", "Noord", "Oost", "Havenkwartier", "De Weiden")
# Tuesday 24 November 2026, 10:00 in Amsterdam: office hours, everyone reachable.
NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
CATEGORIES = ("synonym", "typo", "free_text", "colloquial", "situation", "aid", "wijk", "english")


def specialists_csv() -> tuple[str, dict[str, str]]:
    """One specialist per catalog theme; also the name → theme key map."""
    lines = ["naam,organisatie,functie,telefoon,email,themas,wijken,bereikbaar"]
    names: dict[str, str] = {}
    for index, theme in enumerate(load_catalog()):
        name = f"Specialist {index:02d}"
        names[name] = theme.key
        phone = f"038 0{index:02d} {1000 + index:04d}"
        lines.append(
            f"{name},Expertisecentrum,specialist,{phone},s{index}@example.org,"
            f"{theme.key},,ma-vr 08:00-18:00"
        )
    return "\n".join(lines) + "\n", names


def load_questions(split: str, path: Path | None = None) -> list[dict[str, Any]]:
    """The frozen questions of one split (or both, "all") of questions.toml or `path`."""
    raw = tomllib.loads((path or QUESTIONS).read_text(encoding="utf-8"))["question"]
    return [q for q in raw if split == "all" or q["split"] == split]


def holdout_path() -> Path:
    """Where the held-out set lives: KROKODIL_EVAL_HOLDOUT, else holdout.toml beside the set."""
    named = os.environ.get(HOLDOUT_ENV, "").strip()
    return Path(named) if named else HOLDOUT


# Splits whose misses may be printed: the development data. Never "test" or "holdout".
SHOWN_SPLITS = ("dev", "all")


async def run(split: str, show_misses: bool, path: Path | None = None) -> dict[str, Any]:
    """Ask every question of one split; returns recall overall and per category.

    Misses are listed for the development splits ("dev", "all") only."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/understanding.db"
        await upgrade_async(url)
        base = Settings()
        settings = replace(
            base,
            database=DatabaseConfig(url=url),
            bot=replace(base.bot, demo_data=False),
        )
        app = build(settings, clock=FrozenClock(NOW))
        try:
            await seed_if_empty(app.deps.uow, NOW, load_demo=False)
            text, names = specialists_csv()
            report = await import_csv(app.deps.uow, text, now=NOW)
            if not report.imported:
                raise RuntimeError(report.summary()[:1000])
            async with app.deps.uow() as uow:
                uow.session.add_all(Wijk(name=w) for w in WIJKEN)
                await uow.commit()
            # A file of its own (the held-out set) is measured whole, whatever its split says.
            questions = load_questions("all" if path else split, path)
            result = await _measure(app, names, questions, show_misses)
            if split not in SHOWN_SPLITS:
                del result["misses"], result["misses_at_1_only"]
            return {
                split: result,
                "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "load_average": [round(x, 2) for x in os.getloadavg()],
            }
        finally:
            await app.close()


async def _measure(
    app: Any, names: dict[str, str], questions: list[dict[str, Any]], show_misses: bool
) -> dict[str, Any]:
    hits: dict[str, Counter[str]] = {k: Counter() for k in ("p1", "p3", "t1", "t3")}
    count: Counter[str] = Counter()
    asked_back: Counter[str] = Counter()
    asked_back_ok = 0
    misses: list[dict[str, Any]] = []
    step_times: list[float] = []
    whole_times: list[float] = []
    async with app.deps.uow() as uow:
        ref = await reference(uow.session)
    for number, q in enumerate(questions):
        category, accept = q["category"], set(q["themes"])
        count[category] += 1
        # Both timings start cold: the matcher's word caches would otherwise carry one
        # measurement's work into the other.
        _forget()
        invocation = Invocation(
            platform="console",
            account="eval",
            chat="console:eval",
            text=f"/wie {q['text']}",
            event_id=f"eval-{q['id']}-{number}",
        )
        began = time.perf_counter()
        reply = await app.dispatcher.handle(invocation)
        whole_times.append(time.perf_counter() - began)
        _forget()
        began = time.perf_counter()
        understood = understand(q["text"], ref)
        step_times.append(time.perf_counter() - began)
        wijk_ok = "wijk" not in q or understood.place.wijk == q["wijk"]
        keys = [k for k, _ in understood.themes] if not understood.unclear else []
        hits["t1"][category] += bool(wijk_ok and keys[:1] and keys[0] in accept)
        hits["t3"][category] += bool(wijk_ok and accept & set(keys[:3]))
        shown = [] if reply.data.get("fallback") else reply.data.get("contacts", [])
        people = [names.get(c.get("name", ""), "") for c in shown]
        shown_wijk_ok = "wijk" not in q or reply.data.get("wijk") == q["wijk"]
        hit1 = shown_wijk_ok and bool(people[:1]) and people[0] in accept
        hit3 = shown_wijk_ok and bool(accept & set(people[:3]))
        hits["p1"][category] += hit1
        hits["p3"][category] += hit3
        if reply.data.get("ask_back"):
            asked_back[category] += 1
            asked_back_ok += bool(accept & set(reply.data.get("options", [])))
        if not hit3 or (show_misses and not hit1):
            misses.append(
                {
                    "id": q["id"],
                    "category": category,
                    "text": q["text"],
                    "want": sorted(accept),
                    "want_wijk": q.get("wijk"),
                    "shown": people[:3],
                    "wijk": reply.data.get("wijk"),
                    "ask_back": reply.data.get("options") if reply.data.get("ask_back") else None,
                    "miss_at": 1 if hit3 else 3,
                }
            )
    total = sum(count.values())

    def rate(counter: Counter[str], category: str | None = None) -> float:
        if category is None:
            return round(sum(counter.values()) / total, 3)
        return round(counter[category] / count[category], 3)

    per_category = {
        c: {
            "n": count[c],
            "recall@1": rate(hits["p1"], c),
            "recall@3": rate(hits["p3"], c),
            "theme_recall@1": rate(hits["t1"], c),
            "theme_recall@3": rate(hits["t3"], c),
            "ask_backs": asked_back[c],
        }
        for c in CATEGORIES
        if count[c]
    }
    by_category: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)
    for miss in misses:
        by_category[miss["category"]].append(miss)
    return {
        "questions": total,
        "recall@1": rate(hits["p1"]),
        "recall@3": rate(hits["p3"]),
        "theme_recall@1": rate(hits["t1"]),
        "theme_recall@3": rate(hits["t3"]),
        "ask_backs": sum(asked_back.values()),
        "ask_backs_offering_an_acceptable_theme": asked_back_ok,
        "per_category": per_category,
        "understanding_step_ms": _times(step_times),
        "whole_wie_ms": _times(whole_times),
        "step_share_of_wie_mean": round(
            statistics.fmean(step_times) / statistics.fmean(whole_times), 3
        ),
        "misses": [m for m in misses if m["miss_at"] == 3],
        "misses_at_1_only": [m for m in misses if m["miss_at"] == 1] if show_misses else [],
    }


def _forget() -> None:
    """Empty the matcher's per-text and per-word caches and the stem cache."""
    ThemeMatcher._scores.cache_clear()
    ThemeMatcher._lookup.cache_clear()
    ThemeMatcher.closest.cache_clear()
    stems.cache_clear()


def _times(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "p50": round(ordered[len(ordered) // 2] * 1000, 2),
        "p95": round(ordered[int(0.95 * len(ordered))] * 1000, 2),
        "mean": round(statistics.fmean(ordered) * 1000, 2),
    }


def main(argv: list[str]) -> dict[str, Any]:
    """Entry point: `python -m bench understanding [--split S] [--misses-at-1 | --report-test
    | --report-holdout]`."""
    parser = argparse.ArgumentParser(
        prog="python -m bench understanding",
        description="Recall of /wie on the frozen evaluation set. Without options: the dev "
        "half, with its misses.",
    )
    parser.add_argument(
        "--split",
        choices=SHOWN_SPLITS,
        default="dev",
        help="development questions to measure and list misses of: dev (default) or all "
        "(both halves of questions.toml)",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--misses-at-1", action="store_true", help="also list questions missed only at 1"
    )
    mode.add_argument(
        "--report-test",
        action="store_true",
        help="measure the test half instead: overall and per-category numbers only, "
        "never its questions or misses",
    )
    mode.add_argument(
        "--report-holdout",
        action="store_true",
        help=f"measure the held-out set ({HOLDOUT.name}, or the file {HOLDOUT_ENV} names): "
        "overall and per-category numbers only, never its questions or misses",
    )
    args = parser.parse_args(argv)
    if args.report_test:
        return asyncio.run(run("test", show_misses=False))
    if args.report_holdout:
        path = holdout_path()
        if not path.is_file():
            return {"holdout": None, "note": f"no held-out set at {path}: nothing measured"}
        return asyncio.run(run("holdout", show_misses=False, path=path))
    return asyncio.run(run(args.split, args.misses_at_1))
