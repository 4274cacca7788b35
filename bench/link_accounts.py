"""CPU of linking accounts one after another with the directory index kept true.

    python -m bench.link_accounts --db sqlite+aiosqlite:////tmp/link.db --people 100000

Fills the database with the generated directory when it holds fewer people (once; reused
after), then, through the dispatcher as a Slack user's first message does, links
`--links` people by e-mail (`/help` with an e-mail hint), each in its own request, so the
index catches up with every link before the next one. Prints the bot's CPU seconds for
the links (index build excluded), the part of it the index spent catching up with them,
and the load average; `--profile` adds the top of a cProfile by cumulative time. Each
run removes the Slack accounts it made first.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import psutil
from sqlalchemy import delete, select

from bench.load_directory import fill, people_count, reset
from bot.bootstrap import build
from bot.migrate import upgrade_async
from core.clock import FrozenClock
from core.config import DatabaseConfig, Settings
from core.db import make_engine
from core.messages import Invocation
from directory.models import Account, Person

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def _prepare(url: str, people: int, links: int) -> list[str]:
    if await people_count(url) < people:
        await reset(url)
        await fill(url, people, NOW)
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(delete(Account).where(Account.external_id.like("ulink%")))
            rows = await conn.scalars(
                select(Person.email)
                .where(Person.email.is_not(None), ~Person.accounts.any(Account.platform == "slack"))
                .order_by(Person.id)
                .limit(links)
            )
            return [str(e) for e in rows]
    finally:
        await engine.dispose()


async def run(args: argparse.Namespace) -> dict[str, Any]:
    """Link, measured."""
    emails = await _prepare(args.db, args.people, args.links)
    base = Settings()
    settings = replace(
        base,
        database=DatabaseConfig(url=args.db, pool_size=5),
        bot=replace(base.bot, demo_data=False),
    )
    app = build(settings, clock=FrozenClock(NOW))
    try:
        directory = app.deps.directory
        assert directory is not None
        await directory.start()
        state = directory.state
        assert state is not None
        result: dict[str, Any] = {
            "people": len(state.entries),
            "accounts_before": len(state.accounts),
            "links": len(emails),
            "rss_after_index_mib": round(psutil.Process().memory_info().rss / 2**20, 1),
            "load_before": [round(x, 2) for x in os.getloadavg()],
        }
        # The index's share: CPU spent catching up with the links (wrapped on this instance).
        catch_up, caught = directory._catch_up, [0.0]

        async def timed() -> None:
            started = time.process_time()
            await catch_up()
            caught[0] += time.process_time() - started

        directory._catch_up = timed  # type: ignore[method-assign]
        profile = cProfile.Profile() if args.profile else None
        cpu, wall = time.process_time(), time.perf_counter()
        if profile:
            profile.enable()
        for number, email in enumerate(emails):
            await app.dispatcher.handle(
                Invocation(
                    platform="slack",
                    account=f"ULINK{number:06d}",
                    chat=f"D{number}",
                    is_direct=True,
                    text="/help",
                    email_hint=email,
                )
            )
        if profile:
            profile.disable()
        result["cpu_s"] = round(time.process_time() - cpu, 2)
        result["wall_s"] = round(time.perf_counter() - wall, 2)
        result["index_catch_up_cpu_s"] = round(caught[0], 2)
        result["cpu_ms_per_link"] = round(result["cpu_s"] / max(len(emails), 1) * 1000, 2)
        await directory.fresh()
        directory.end_request()
        final = directory.state
        assert final is not None
        result["accounts_after"] = len(final.accounts)
        result["linked_in_index"] = sum(
            1 for n in range(len(emails)) if f"slack\x1fulink{n:06d}" in final.accounts
        )
        result["load_after"] = [round(x, 2) for x in os.getloadavg()]
        if profile:
            out = io.StringIO()
            pstats.Stats(profile, stream=out).sort_stats("cumulative").print_stats(25)
            print(out.getvalue(), file=sys.stderr)
        return result
    finally:
        await app.close()


def main(argv: list[str] | None = None) -> int:
    """Run and print the figures as JSON."""
    parser = argparse.ArgumentParser(prog="python -m bench.link_accounts")
    parser.add_argument("--db", required=True, help="database URL (filled when short of people)")
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--links", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
