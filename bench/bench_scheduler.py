"""Scheduler timing: how late reminders fire with 10,000 recurring meetings, start-up, memory.

    python -m bench scheduler                  # 10,000 meetings, 60 s window, SQLite and PostgreSQL
    python -m bench scheduler --quick          # 1,000 meetings, 15 s window
    python -m bench scheduler --backends sqlite --window 30
    python -m bench scheduler --quick --no-wakeups   # the periodic tick alone, for comparison

For each backend: a fresh migrated database holding N recurring meetings (weekly, every two
weeks, monthly; spread over channels and the working week), people with answers, a ledger
of future reminders, and a set of personal reminders falling due during a short window
from now, whole seconds apart and partly in bursts (many meetings start at the same time).
Then the real bot starts as `krokodil run` would: `prepare` (migration check, catalog),
the real Ticker with APScheduler and its PostgreSQL leader lock, the outbox worker, and a
console adapter that notes when each message arrives. Nothing is mocked and the clock is
the system clock. Reported: start-up time until the first timer pass is done, lateness of
each reminder (claimed in the ledger, and arrived at the adapter) against its due moment as
p50/p95/p99/max, duplicates (must be 0), and the process RSS.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psutil
from sqlalchemy import func, insert, select

from bot.adapters.base import Adapter, Target
from bot.bootstrap import App, build
from bot.migrate import empty_database, upgrade_async
from bot.runtime import prepare
from core.config import BotConfig, DatabaseConfig, Settings
from core.db import make_engine
from core.messages import Reply
from core.outbox import OutboxMessage
from directory.models import Account, Organisation, Person
from scheduler.models import Meeting, Reminder, Rsvp

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_bench_scheduler"
RULES = (
    "FREQ=WEEKLY;BYDAY={day}",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY={day}",
    "FREQ=MONTHLY;BYDAY=+2{day}",
)
DAYS = ("MO", "TU", "WE", "TH", "FR")


class ArrivalAdapter(Adapter):
    """The console platform as a stopwatch: when did each reminder arrive, and for whom."""

    name = "console"

    def __init__(self) -> None:
        self.arrivals: list[tuple[str, int, datetime]] = []

    async def start(self) -> None:
        """Nothing to receive."""

    async def stop(self) -> None:
        """Nothing to flush."""

    async def send(self, target: Target, reply: Reply) -> str:
        """Note the arrival moment of reminders."""
        if reply.data.get("reminder") == "day_before":
            self.arrivals.append(
                (target.user or "", int(reply.data["meeting_id"]), datetime.now(UTC))
            )
        return f"bench:{len(self.arrivals)}"


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def pick(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {
        "p50_ms": round(statistics.median(ordered) * 1000, 1),
        "p95_ms": round(pick(0.95) * 1000, 1),
        "p99_ms": round(pick(0.99) * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
    }


async def _fill(url: str, args: argparse.Namespace, window_start: datetime) -> dict[str, int]:
    """The schedule: people, meetings, answers, and reminders (future and in the window)."""
    rng = random.Random(20261124)
    engine = make_engine(url)
    now = datetime.now(UTC)
    people = args.people
    async with engine.begin() as conn:
        await conn.execute(
            insert(Organisation),
            [{"name": f"Organisatie {i}", "kind": "overig"} for i in range(1, 31)],
        )
        await conn.execute(
            insert(Person),
            [
                {
                    "name": f"Bench Persoon {i}",
                    "organisation_id": 1 + i % 30,
                    "department": "",
                    "role_title": "consulent",
                    "phone": None,
                    "email": f"bench{i}@example.org",
                    "availability": [],
                    "roles": [],
                    "is_admin": False,
                    "active": True,
                    "last_confirmed_at": now,
                    "confirm_reminders_sent": 0,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(1, people + 1)
            ],
        )
        await conn.execute(
            insert(Account),
            [
                {
                    "person_id": i,
                    "platform": "console",
                    "external_id": f"bench{i}",
                    "linked_at": now,
                }
                for i in range(1, people + 1)
            ],
        )
        meetings = []
        for i in range(1, args.meetings + 1):
            day = rng.randrange(5)
            first = now + timedelta(days=2 + rng.randrange(28))
            first = first.replace(
                hour=8 + rng.randrange(9), minute=rng.choice((0, 30)), second=0, microsecond=0
            )
            meetings.append(
                {
                    "kind": rng.choice(("netwerkbijeenkomst", "intervisie", "casuistiekoverleg")),
                    "title": f"Bijeenkomst {i}",
                    "themes": [],
                    "place": "Wijkcentrum",
                    "organiser_id": 1 + i % people,
                    "platform": "console",
                    "chat": f"kanaal-{i % args.channels}",
                    "timezone": "Europe/Amsterdam",
                    "starts_at": first,
                    "duration_minutes": 90,
                    "rrule": rng.choice(RULES).format(day=DAYS[day]),
                    "holiday_policy": rng.choice(("skip", "move", "keep")),
                    "seat_limit": None,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        # The meetings whose reminders fall in the window: one series each, starting exactly a
        # day after its reminder moment (whole seconds; some moments shared, as at 14:00 sharp).
        due_moments: list[datetime] = []
        while len(due_moments) < args.due:
            moment = window_start + timedelta(seconds=rng.randrange(int(args.window)))
            due_moments.extend(
                [moment] * min(rng.choice((1, 1, 1, 2, 5)), args.due - len(due_moments))
            )
        window_meetings = []
        for j, due in enumerate(due_moments):
            window_meetings.append(
                {
                    **meetings[j],
                    "title": f"Binnenkort {j}",
                    "starts_at": due + timedelta(hours=24),
                    "rrule": f"FREQ=WEEKLY;BYDAY={DAYS[(due + timedelta(hours=24)).weekday() % 5]}"
                    if (due + timedelta(hours=24)).weekday() < 5
                    else "",
                    "holiday_policy": "keep",
                }
            )
        # Window meetings replace the first ones, so the total stays args.meetings.
        meetings = window_meetings + meetings[len(window_meetings) :]
        await conn.execute(insert(Meeting), meetings)
        rsvps, reminders = [], []
        for j, due in enumerate(due_moments):
            person = 1 + j % people
            rsvps.append(
                {
                    "meeting_id": j + 1,
                    "occurrence_start": due + timedelta(hours=24),
                    "person_id": person,
                    "answer": "ja",
                    "waitlisted": False,
                    "answered_at": now,
                }
            )
            reminders.append(
                {
                    "meeting_id": j + 1,
                    "occurrence_start": due + timedelta(hours=24),
                    "kind": "day_before",
                    "recipient": f"person:{person}",
                    "due_at": due,
                    "status": "pending",
                    "created_at": now,
                }
            )
        # A realistic ledger behind them: reminders due later (not in the window).
        for k in range(args.future):
            meeting_id = len(due_moments) + 1 + k % (args.meetings - len(due_moments))
            later = now + timedelta(days=3, seconds=rng.randrange(30 * 86400))
            reminders.append(
                {
                    "meeting_id": meeting_id,
                    "occurrence_start": later + timedelta(hours=24),
                    "kind": "day_before",
                    "recipient": f"person:{1 + k % people}",
                    "due_at": later,
                    "status": "pending",
                    "created_at": now,
                }
            )
        await conn.execute(insert(Rsvp), rsvps)
        for start in range(0, len(reminders), 5000):
            await conn.execute(insert(Reminder), reminders[start : start + 5000])
    await engine.dispose()
    return {
        "meetings": args.meetings,
        "due_in_window": len(due_moments),
        "future_reminders": args.future,
    }


async def _one_backend(url: str, args: argparse.Namespace) -> dict[str, Any]:
    await empty_database(url)
    await upgrade_async(url)
    lead = timedelta(seconds=args.lead)
    window_start = (datetime.now(UTC) + lead).replace(microsecond=0)
    filled_at = time.perf_counter()
    counts = await _fill(url, args, window_start)
    fill_seconds = time.perf_counter() - filled_at
    if datetime.now(UTC) > window_start - timedelta(seconds=5):
        raise SystemExit("filling took longer than --lead; raise --lead")
    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=url, pool_size=10),
        bot=BotConfig(demo_data=False, tick_seconds=args.tick),
    )
    started = time.perf_counter()
    app = build(settings)
    await prepare(app)
    adapter = ArrivalAdapter()
    app.add_adapter(adapter)
    delivery = asyncio.create_task(app.delivery.serve(interval=1.0))
    assert app.ticker is not None
    app.ticker.start()
    if args.no_wakeups:
        # For comparison only: the periodic tick alone, as without exact wake-ups.
        app.deps.wake_at = lambda _when: None
    while app.ticker.last_pass is None:  # noqa: ASYNC110 - the ticker has no event to wait on
        await asyncio.sleep(0.005)
    startup = time.perf_counter() - started
    rss_started = psutil.Process().memory_info().rss
    end = window_start + timedelta(seconds=args.window + 3)
    await asyncio.sleep(max((end - datetime.now(UTC)).total_seconds(), 0))
    await asyncio.sleep(1.5)
    rss_end = psutil.Process().memory_info().rss
    await app.ticker.stop()
    delivery.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await delivery
    result = await _measure(app, adapter, window_start, args)
    await app.close()
    return {
        **counts,
        **result,
        "fill_seconds": round(fill_seconds, 1),
        "startup_seconds": round(startup, 3),
        "rss_mb_after_start": round(rss_started / 2**20, 1),
        "rss_mb_end": round(rss_end / 2**20, 1),
        "tick_seconds": args.tick,
        # Other processes share the machine; a high load shows in the tail latencies.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


async def _measure(
    app: App, adapter: ArrivalAdapter, window_start: datetime, args: argparse.Namespace
) -> dict[str, Any]:
    window_end = window_start + timedelta(seconds=args.window)
    async with app.deps.uow() as uow:
        rows = list(
            await uow.session.scalars(
                select(Reminder).where(
                    Reminder.due_at >= window_start, Reminder.due_at <= window_end
                )
            )
        )
        queued = await uow.session.scalar(
            select(func.count()).select_from(OutboxMessage).where(OutboxMessage.kind == "reminder")
        )
    fired = [(r.fired_at - r.due_at).total_seconds() for r in rows if r.fired_at is not None]
    due_of = {(f"bench{r.recipient.split(':')[1]}", r.meeting_id): r.due_at for r in rows}
    arrived = [
        (at - due_of[(who, mid)]).total_seconds()
        for who, mid, at in adapter.arrivals
        if (who, mid) in due_of
    ]
    statuses: dict[str, int] = {}
    for row in rows:
        statuses[row.status] = statuses.get(row.status, 0) + 1
    early = sum(1 for value in fired if value < 0)
    return {
        "statuses": statuses,
        "queued_reminder_messages": queued,
        "duplicates": len(adapter.arrivals) - len({(w, m) for w, m, _at in adapter.arrivals}),
        "fired_early": early,
        "lateness_claimed": _percentiles(fired),
        "lateness_arrived": _percentiles(arrived),
        "arrived": len(arrived),
    }


async def _main(argv: list[str]) -> dict[str, Any]:
    parser = argparse.ArgumentParser(prog="python -m bench scheduler")
    parser.add_argument("--quick", action="store_true", help="1,000 meetings, 15 s window")
    parser.add_argument("--meetings", type=int, default=None)
    parser.add_argument("--due", type=int, default=None, help="reminders due in the window")
    parser.add_argument("--future", type=int, default=None, help="reminders due later")
    parser.add_argument("--window", type=float, default=None, help="seconds")
    parser.add_argument("--lead", type=float, default=None, help="seconds before the window opens")
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=200)
    parser.add_argument("--tick", type=float, default=15.0, help="bot.tick_seconds")
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument(
        "--no-wakeups", action="store_true", help="compare: only the periodic tick, no wake_at"
    )
    args = parser.parse_args(argv)
    quick = args.quick
    args.meetings = args.meetings or (1000 if quick else 10_000)
    args.due = args.due or (150 if quick else 1200)
    args.future = args.future if args.future is not None else (2000 if quick else 40_000)
    args.window = args.window or (15.0 if quick else 60.0)
    args.lead = args.lead or (25.0 if quick else 60.0)
    args.people = min(args.people, 200) if quick else args.people
    results: dict[str, Any] = {
        "python": sys.version.split()[0],
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus",
    }
    for backend in args.backends.split(","):
        if backend == "sqlite":
            folder = tempfile.mkdtemp(prefix="krokodil-bench-")
            url = f"sqlite+aiosqlite:///{Path(folder) / 'scheduler.db'}"
        else:
            url = os.environ.get("KROKODIL_BENCH_PG_URL", DEFAULT_PG)
        try:
            results[backend] = await _one_backend(url, args)
        except OSError as error:
            results[backend] = {"skipped": f"database not reachable: {type(error).__name__}"}
        print(f"{backend}: {results[backend]}", file=sys.stderr, flush=True)
    return results


def main(argv: list[str]) -> Any:
    """Entry point for `python -m bench scheduler`."""
    return _main(argv)
