"""A throwaway PostgreSQL cluster of our own, for tests that really restart the server.

The shared server on 127.0.0.1:5432 is never stopped: this cluster lives in a
temporary directory, runs as the `postgres` OS user on a free port, and is
stopped and deleted at the end. Where it cannot be created (no PostgreSQL
binaries, not allowed to switch user), :func:`private_cluster` skips the test.
"""

from __future__ import annotations

import asyncio
import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest


def _binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if found:
        return Path(found[-1]).parent
    pg_ctl = shutil.which("pg_ctl")
    return Path(pg_ctl).parent if pg_ctl else None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class PrivateCluster:
    """initdb'd data directory + pg_ctl, as the postgres user."""

    bin: Path
    root: Path
    port: int

    @property
    def data(self) -> Path:
        """The data directory."""
        return self.root / "data"

    @property
    def url(self) -> str:
        """The database URL of the `postgres` database on this cluster."""
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = ["runuser", "-u", "postgres", "--", *args]
        if os.geteuid() != 0:
            command = list(args)
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        """Create the cluster: trust authentication, no fsync (it is thrown away)."""
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "--no-sync",
            "--no-instructions",
        )

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "log"),
            "-w",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        """Stop (fast: clients are disconnected, as in a real restart)."""
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    async def cut(self) -> None:
        """The outage begins: the server stops."""
        await asyncio.to_thread(self.stop)

    async def restore(self) -> None:
        """The server is back."""
        await asyncio.to_thread(self.start)


@contextlib.asynccontextmanager
async def private_cluster() -> AsyncIterator[PrivateCluster]:
    """A running private cluster, stopped and removed afterwards; skips when impossible."""
    binaries = _binaries()
    if binaries is None:
        pytest.skip("no PostgreSQL server binaries for a private cluster")
    root = Path(tempfile.mkdtemp(prefix="krokodil-pg-"))
    cluster = PrivateCluster(binaries, root, _free_port())
    try:
        if os.geteuid() == 0:
            shutil.chown(root, "postgres", "postgres")
        await asyncio.to_thread(cluster.init)
        await asyncio.to_thread(cluster.start)
    except (OSError, LookupError, subprocess.SubprocessError) as error:
        shutil.rmtree(root, ignore_errors=True)
        pytest.skip(f"no private PostgreSQL cluster here: {type(error).__name__}")
    try:
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            await asyncio.to_thread(cluster.stop, "immediate")
        shutil.rmtree(root, ignore_errors=True)
