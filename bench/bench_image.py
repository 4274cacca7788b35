"""The container image: its size, how fast a replica starts, and how much memory it uses.

    python -m bench image                 # 5 starts, 100 /wie, on PostgreSQL at 127.0.0.1
    python -m bench image --quick         # 2 starts, 20 /wie

Builds the image as the container test does (`docker build .` on deploy/local-base.sh's
base, or KROKODIL_TEST_BASE_IMAGE), migrates a database of its own with `db upgrade`, then
times `docker run` to the first 200 from /healthz and /readyz. The last replica answers
signed Slack /wie commands against the Slack stand-in, then one /rapport (the chart loads
matplotlib); the bot process's resident set size is read after each. Needs a Docker engine.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import time
from typing import Any

import aiohttp

from bot.migrate import empty_database
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET
from tests.deploy import engine
from tests.deploy.calls import slash
from tests.reliability.botproc import free_port

DEFAULT_DB = "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_bench_image"


async def main(argv: list[str]) -> dict[str, Any]:
    """Image size (MB), start times (s) and resident memory (MiB)."""
    parser = argparse.ArgumentParser(prog="python -m bench image")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--db", default=DEFAULT_DB, help="a PostgreSQL URL it may empty")
    args = parser.parse_args(argv)
    starts, commands = (2, 20) if args.quick else (5, 100)
    try:
        engine.require_engine()
        base = engine.base_image()
    except engine.Unavailable as reason:
        return {"skipped": str(reason)}
    image = engine.build(base)
    size = int(engine.docker("image", "inspect", "--format", "{{.Size}}", image).stdout)
    await empty_database(args.db)
    moment = time.monotonic()
    migrated = engine.run_once({"KROKODIL_DATABASE_URL": args.db}, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    migrate_seconds = time.monotonic() - moment
    fake = FakeSlack()
    await fake.start()
    try:
        timings, memory = await _replicas(image, args.db, fake, starts, commands)
    finally:
        await fake.close()
    healthz = [t[0] for t in timings]
    readyz = [t[1] for t in timings]
    return {
        "base": base,
        "image_mb": round(size / 1e6),
        "image_gzip_mb": round(_gzip_size(image) / 1e6),
        "db_upgrade_s": round(migrate_seconds, 2),
        "starts": starts,
        "run_to_healthz_s": _spread(healthz),
        "run_to_readyz_s": _spread(readyz),
        "commands": commands,
        **memory,
    }


async def _replicas(
    image: str, url: str, fake: FakeSlack, starts: int, commands: int
) -> tuple[list[tuple[float, float]], dict[str, float]]:
    """Start the image `starts` times; the last one also answers the commands."""
    fake.add_user("U1", email="s.bouzid@example.org")
    fake.add_user("U2", email="i.veldkamp@example.org")  # an oliemannetje: may see /rapport
    timings: list[tuple[float, float]] = []
    memory: dict[str, float] = {}
    for n in range(starts):
        port = free_port()
        name = f"krokodil-bench-{os.getpid()}"
        env = {
            "KROKODIL_DATABASE_URL": url,
            "KROKODIL_PORT": str(port),
            "SLACK_BOT_TOKEN": "xoxb-bench",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url,
        }
        moment = time.monotonic()
        container = engine.run_detached(name, env)
        try:
            base = f"http://127.0.0.1:{port}"
            async with aiohttp.ClientSession() as http:
                healthz = await _first_200(http, f"{base}/healthz", moment)
                readyz = await _first_200(http, f"{base}/readyz", moment)
                timings.append((healthz, readyz))
                if n == starts - 1:
                    memory["rss_started_mib"] = _rss_mib(container)
                    before = len(fake.to("respond"))
                    for _ in range(commands):
                        assert await slash(http, base, fake) == 200
                    await fake.wait_for("respond", before + commands, within=120)
                    memory["rss_after_wie_mib"] = _rss_mib(container)
                    assert await slash(http, base, fake, "/rapport", "", user="U2") == 200
                    await fake.wait_for("respond", before + commands + 1, within=120)
                    await fake.wait_for("upload", within=60)  # the chart was drawn and sent
                    memory["rss_after_rapport_mib"] = _rss_mib(container)
            engine.docker("stop", "--time", "60", name, timeout=90)
        finally:
            container.remove()
    return timings, memory


async def _first_200(http: aiohttp.ClientSession, url: str, since: float) -> float:
    """Seconds from `since` until `url` answers 200."""
    while time.monotonic() - since < 120:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return time.monotonic() - since
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.02)
    raise AssertionError(f"{url} did not answer 200 within 120 s")


def _rss_mib(container: engine.Container) -> float:
    """Resident set size of the bot's Python process in the container (not tini)."""
    table = engine.docker("top", container.name, "-o", "pid,rss,args").stdout.splitlines()[1:]
    [kib] = [int(row.split()[1]) for row in table if "python" in row]
    return round(kib / 1024, 1)


def _gzip_size(image: str) -> int:
    """Bytes of `docker save IMAGE | gzip`: about what a registry stores and a node pulls."""
    with subprocess.Popen(["docker", "save", image], stdout=subprocess.PIPE) as save:
        gzip = subprocess.run(
            ["gzip", "-6"], stdin=save.stdout, capture_output=True, check=True, timeout=600
        )
    return len(gzip.stdout)


def _spread(values: list[float]) -> dict[str, float]:
    """Median, minimum and maximum, rounded."""
    return {
        "median": round(statistics.median(values), 2),
        "min": round(min(values), 2),
        "max": round(max(values), 2),
    }
