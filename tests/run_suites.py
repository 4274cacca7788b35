"""Run the test suite once on SQLite and once on PostgreSQL (the README's `make test`).

PostgreSQL comes from KROKODIL_TEST_PG_URL (default: a `krokodil_test` database on
127.0.0.1:5432, created when missing). pytest's exit code 5 (no tests collected)
counts as a failure: a suite that runs nothing proves nothing.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

from bot.migrate import ensure_database

DEFAULT_PG = "postgresql+asyncpg://postgres@127.0.0.1:5432/krokodil_test"


def main(argv: list[str]) -> int:
    """Run pytest per backend with any extra arguments; return the worst exit code."""
    pg_url = os.environ.get("KROKODIL_TEST_PG_URL", DEFAULT_PG)
    backends = os.environ.get("KROKODIL_TEST_BACKENDS", "sqlite,postgresql").split(",")
    worst = 0
    for backend in backends:
        env = dict(os.environ, KROKODIL_TEST_DB=backend)
        if backend == "postgresql":
            asyncio.run(ensure_database(pg_url))
            env["KROKODIL_TEST_PG_URL"] = pg_url
        print(f"\n=== test suite on {backend} ===", flush=True)
        code = subprocess.call([sys.executable, "-m", "pytest", "-q", *argv], env=env)
        if code == 5:
            print(f"no tests ran on {backend}: failing", flush=True)
            code = 1
        if code < 0:
            # Killed by a signal (a crash, a timeout): subprocess reports it as negative.
            print(f"pytest on {backend} was killed by signal {-code}: failing", flush=True)
            code = 1
        worst = max(worst, code)
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
