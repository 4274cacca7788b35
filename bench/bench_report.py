"""Network report timing: one month, the six-month trend, the chart, and the scrape-time gauges.

    python -m bench report                 # 2,000 people, 10,000 handovers, 5,000 acquaintances
    python -m bench report --quick         # a tenth of that
    python -m bench report --db postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_bench_report

A fresh migrated database (a temporary SQLite file unless --db is given; a PostgreSQL
database given with --db is emptied first) is filled with fictional people in 40
organisations with two themes each, handovers spread over six months (accepted, declined
or open), and acquaintances. Reported per run (the second run shows warm caches): building
November's report, the trend over six months, drawing the chart, and refreshing the two
database-backed gauges that /metrics reads on every scrape.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from bot.bootstrap import build
from bot.gauges import refresh
from bot.migrate import empty_database, upgrade_async
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from core.i18n import Translator
from directory.demo import seed_if_empty
from directory.models import Acquaintance, Organisation, Person, Theme, person_themes
from handovers.models import Handover, HandoverCase
from reports.build import ReportOptions, build_report, trend
from reports.chart import trend_chart
from reports.period import Month

NOW = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)


async def main(argv: list[str]) -> dict[str, Any]:
    """Fill a database and time the report; returns milliseconds per step and run."""
    parser = argparse.ArgumentParser(prog="python -m bench report")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default=None, help="database URL (default: temporary SQLite)")
    args = parser.parse_args(argv)
    scale = 10 if args.quick else 1
    with tempfile.TemporaryDirectory() as folder:
        url = args.db or f"sqlite+aiosqlite:///{Path(folder) / 'report.db'}"
        await empty_database(url)
        await upgrade_async(url)
        return await _measure(url, 2000 // scale, 10_000 // scale, 5000 // scale)


async def _measure(url: str, people: int, handovers: int, pairs: int) -> dict[str, Any]:
    app = build(replace(Settings(), database=DatabaseConfig(url=url)), clock=FrozenClock(NOW))
    try:
        await seed_if_empty(app.deps.uow, NOW, load_demo=False)
        await _fill(app.deps.uow, random.Random(20261201), people, handovers, pairs)
        options, tr = ReportOptions(), Translator.for_language("nl")
        runs = []
        for _ in range(2):
            async with app.deps.uow() as uow:
                started = time.perf_counter()
                report = await build_report(uow.session, Month(2026, 11), NOW, options)
                month_ms = (time.perf_counter() - started) * 1000
                started = time.perf_counter()
                points = await trend(uow.session, Month(2026, 11), NOW, options)
                trend_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            png = trend_chart(points, tr, "Netwerkrapport november 2026")
            chart_ms = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            await refresh(app.deps.uow, app.metrics, NOW)
            gauges_ms = (time.perf_counter() - started) * 1000
            runs.append(
                {
                    "month_report_ms": round(month_ms),
                    "six_month_trend_ms": round(trend_ms),
                    "chart_ms": round(chart_ms),
                    "chart_bytes": len(png),
                    "gauges_ms": round(gauges_ms, 1),
                }
            )
        sent = report.handovers.sent if report.handovers else 0
        return {
            "backend": app.engine.dialect.name,
            "people": people,
            "handovers": handovers,
            "acquaintances": pairs,
            "handovers_in_november": sent,
            "runs": runs,
        }
    finally:
        await app.close()


async def _fill(uow: Any, rng: random.Random, people: int, handovers: int, pairs: int) -> None:
    async with uow() as unit:
        session = unit.session
        orgs = [Organisation(name=f"Organisatie {i}", kind="overig") for i in range(40)]
        session.add_all(orgs)
        await session.flush()
        themes = list(await session.scalars(select(Theme)))
        rows = [
            Person(
                name=f"Professional {i}",
                organisation_id=rng.choice(orgs).id,
                email=f"p{i}@example.org",
                phone="+31380000000",
                availability=[],
                roles=[],
                last_confirmed_at=NOW - timedelta(days=rng.randint(0, 200)),
                created_at=NOW,
                updated_at=NOW,
            )
            for i in range(people)
        ]
        session.add_all(rows)
        await session.flush()
        ids = [p.id for p in rows]
        org_of = {p.id: p.organisation_id for p in rows}
        await session.execute(
            insert(person_themes),
            [{"person_id": p, "theme_id": t.id} for p in ids for t in rng.sample(themes, 2)],
        )
        known: set[tuple[int, int]] = set()
        while len(known) < pairs:
            a, b = sorted(rng.sample(ids, 2))
            known.add((a, b))
        await session.execute(
            insert(Acquaintance),
            [
                {
                    "person_a": a,
                    "person_b": b,
                    "source": "bench",
                    "since": NOW - timedelta(days=rng.randint(0, 180)),
                }
                for a, b in known
            ],
        )
        cases = [
            HandoverCase(
                regie_holder_id=rng.choice(ids),
                regie_since=NOW,
                themes=[],
                created_by=ids[0],
                created_at=NOW,
            )
            for _ in range(handovers)
        ]
        session.add_all(cases)
        await session.flush()
        values = []
        for case in cases:
            sender, receiver = rng.sample(ids, 2)
            created = NOW - timedelta(hours=rng.randint(1, 24 * 180))
            state = rng.choice(("accepted", "accepted", "declined", "open"))
            values.append(
                {
                    "case_id": case.id,
                    "sender_id": sender,
                    "receiver_id": receiver,
                    "sender_organisation_id": org_of[sender],
                    "state": state,
                    "version": 1,
                    "themes": [],
                    "consent_at": created,
                    "created_at": created,
                    "decided_at": None
                    if state == "open"
                    else created + timedelta(hours=rng.randint(1, 60)),
                    "decline_reason": "theme" if state == "declined" else None,
                }
            )
        await session.execute(insert(Handover), values)
        await unit.commit()
