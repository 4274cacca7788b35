"""Starting, watching and stopping the server processes of the load benchmark."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """One `python -m bench.load_server ROLE …` process with its log file."""

    role: str
    args: list[str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: asyncio.subprocess.Process | None = None
    started_at: float = 0.0
    ready_seconds: float = 0.0  # from start() until /readyz answered 200

    @property
    def url(self) -> str:
        """Where it listens."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        """Its stderr (JSON logs for the bot)."""
        return self.log_dir / f"{self.role}.log"

    async def start(self) -> None:
        """Launch the process (it keeps running until stop())."""
        log = self.log_path.open("wb")
        self.started_at = time.monotonic()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.load_server",
            self.role,
            "--port",
            str(self.port),
            *self.args,
            cwd=ROOT,
            stdout=log,
            stderr=log,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()

    async def ready(self, within: float = 90.0) -> None:
        """Wait until GET /readyz answers 200; fail with the log's tail otherwise."""
        deadline = time.monotonic() + within
        async with aiohttp.ClientSession() as session:
            while time.monotonic() < deadline:
                assert self.process is not None
                if self.process.returncode is not None:
                    break
                with contextlib.suppress(aiohttp.ClientError, OSError):
                    async with session.get(f"{self.url}/readyz") as response:
                        if response.status == 200:
                            self.ready_seconds = time.monotonic() - self.started_at
                            return
                await asyncio.sleep(0.2)
        tail = self.log_path.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{self.role} did not become ready:\n{tail}")

    def rss_mib(self) -> float:
        """The process's resident memory now (MiB; 0 when it is gone)."""
        if self.process is None or self.process.returncode is not None:
            return 0.0
        try:
            return round(psutil.Process(self.process.pid).memory_info().rss / 2**20, 1)
        except psutil.Error:
            return 0.0

    def cpu_seconds(self) -> float:
        """User + system CPU time the process has used so far."""
        if self.process is None or self.process.returncode is not None:
            return 0.0
        try:
            times = psutil.Process(self.process.pid).cpu_times()
        except psutil.Error:
            return 0.0
        return float(times.user + times.system)

    async def stop(self) -> None:
        """SIGTERM (graceful drain), then SIGKILL if it takes longer than 30 s."""
        if self.process is None or self.process.returncode is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(self.process.wait(), 30)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()


def own_cpu_seconds() -> float:
    """CPU time of this (load generator and stand-ins) process."""
    times = psutil.Process().cpu_times()
    return float(times.user + times.system)


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all processes, all cores)."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))
