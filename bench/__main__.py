"""Run benchmarks: `python -m bench` (all, defaults) or `python -m bench directory --quick`.

Every module bench/bench_<name>.py has ``main(argv) -> dict`` (sync or async); the
returned numbers are printed as JSON at the end.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import pkgutil
import sys
from collections.abc import Awaitable
from pathlib import Path
from typing import Any


def discover() -> dict[str, str]:
    """Benchmark names → module names."""
    folder = Path(__file__).resolve().parent
    return {
        info.name.removeprefix("bench_"): f"bench.{info.name}"
        for info in pkgutil.iter_modules([str(folder)])
        if info.name.startswith("bench_")
    }


def run(name: str, module_name: str, argv: list[str]) -> Any:
    """Run one benchmark's main with its own arguments."""
    module = importlib.import_module(module_name)
    result = module.main(argv)
    if inspect.isawaitable(result):
        result = asyncio.run(_wait(result))
    return result


async def _wait(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def main(argv: list[str]) -> int:
    """Entry point."""
    found = discover()
    if argv and argv[0] in ("-h", "--help"):
        print("usage: python -m bench [NAME [ARGS...]]\nbenchmarks: " + ", ".join(sorted(found)))
        return 0
    if argv and not argv[0].startswith("-"):
        name, rest = argv[0], argv[1:]
        if name not in found:
            print(f"unknown benchmark {name!r}; known: {', '.join(sorted(found))}", file=sys.stderr)
            return 2
        selected = {name: found[name]}
    else:
        selected, rest = found, argv
    results = {name: run(name, module, rest) for name, module in sorted(selected.items())}
    print(json.dumps(results, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
