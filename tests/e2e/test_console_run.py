"""`krokodil run` without a platform: the console chat is the whole product.

It runs the same timers, outbox and HTTP server as a platform deployment: a mee-loop round
happens while people chat, its introductions appear in the console, the calendar feed link
that `/agenda feed` prints answers, and so do /healthz and /metrics. Piped input (as in
`printf '/meelopen aan\\n…' | make run`) ends with what the last lines set in motion.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import sys
from pathlib import Path

import aiohttp
import pytest

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
# Three demo people of three organisations (directory/data/demo.csv); Samira is the console user.
JOIN_THREE = "/meelopen aan\n/als j.kromodimedjo\n/meelopen aan\n/als a.schouten\n/meelopen aan\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _env(database_url: str, port: int) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TELEGRAM_", "TEAMS_"))
    }
    env.update(
        KROKODIL_DATABASE_URL=database_url,
        KROKODIL_HOST="127.0.0.1",
        KROKODIL_PORT=str(port),
        PYTHONUNBUFFERED="1",
    )
    env.pop("KROKODIL_PUBLIC_URL", None)
    return env


async def _console(
    tmp_path: Path, database_url: str, port: int, tick_seconds: float
) -> asyncio.subprocess.Process:
    config = tmp_path / "config.toml"
    config.write_text(f"[bot]\ntick_seconds = {tick_seconds}\n", encoding="utf-8")
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        "--config",
        str(config),
        "run",
        cwd=tmp_path,
        env=_env(database_url, port),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def _read_until(process: asyncio.subprocess.Process, pattern: str, seen: list[str]) -> str:
    """Read the console's output until a line matches; everything read is kept in `seen`."""
    assert process.stdout is not None
    async with asyncio.timeout(60):
        while True:
            line = (await process.stdout.readline()).decode()
            if not line:
                raise AssertionError(f"console ended before {pattern!r}:\n{''.join(seen)}")
            seen.append(line)
            if re.search(pattern, line):
                return line


async def test_the_console_runs_timers_and_the_http_server_while_people_chat(
    database_url: str, tmp_path: Path
) -> None:
    port = free_port()
    process = await _console(tmp_path, database_url, port, tick_seconds=0.5)
    assert process.stdin is not None
    seen: list[str] = []
    try:
        process.stdin.write(b"/agenda feed\n")
        await process.stdin.drain()
        link = await _read_until(process, r"http://127\.0\.0\.1:\d+/agenda/\S+\.ics", seen)
        url = re.search(r"http://\S+\.ics", link)
        assert url is not None and f":{port}/" in url.group(0)
        async with aiohttp.ClientSession() as http:
            async with http.get(url.group(0)) as feed:
                assert feed.status == 200
                assert feed.content_type == "text/calendar"
                assert "BEGIN:VCALENDAR" in await feed.text()
            async with http.get(f"http://127.0.0.1:{port}/healthz") as health:
                assert health.status == 200
            async with http.get(f"http://127.0.0.1:{port}/readyz") as ready:
                assert ready.status == 200
                assert (await ready.json())["scheduler_running"] is True
            async with http.get(f"http://127.0.0.1:{port}/metrics") as metrics:
                assert "krokodil_commands_total" in await metrics.text()
        # Input stays open: the round comes from the running timer, not from the end of input.
        process.stdin.write(JOIN_THREE.encode())
        await process.stdin.drain()
        await _read_until(process, r"--- bericht voor a\.schouten ---", seen)
        await _read_until(process, r"Deze ronde loop je mee met Samira Bouzid", seen)
        process.stdin.close()
        assert await asyncio.wait_for(process.wait(), timeout=30) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    transcript = "".join(seen)
    for who in ("s.bouzid", "j.kromodimedjo", "a.schouten"):
        assert transcript.count(f"--- bericht voor {who} ---") == 1, transcript


async def test_piped_input_shows_the_round_before_the_chat_ends(
    database_url: str, tmp_path: Path
) -> None:
    # The default tick: the three lines are read long before the next timer pass, so it is
    # the end of input that runs the round, as with `printf ... | make run`.
    process = await _console(tmp_path, database_url, free_port(), tick_seconds=15)
    out, err = await asyncio.wait_for(process.communicate(JOIN_THREE.encode()), timeout=60)
    transcript = out.decode()
    assert process.returncode == 0, err.decode()
    assert transcript.index("> /als a.schouten") < transcript.index("== Je mee-loop-dag ==")
    for who, others in (
        ("s.bouzid", "Joyce Kromodimedjo en Annemieke Schouten"),
        ("j.kromodimedjo", "Samira Bouzid en Annemieke Schouten"),
        ("a.schouten", "Samira Bouzid en Joyce Kromodimedjo"),
    ):
        block = transcript.split(f"--- bericht voor {who} ---", 1)[1].split("\n---", 1)[0]
        assert f"Deze ronde loop je mee met {others}" in block
        assert "☎ 038 003 0431" in block  # everyone's number, to call each other
    assert transcript.count("--- bericht voor") == 3, transcript


async def test_a_port_in_use_does_not_stop_the_console(database_url: str, tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])
        process = await _console(tmp_path, database_url, port, tick_seconds=15)
        out, err = await asyncio.wait_for(process.communicate(b"/wie schulden\n"), timeout=60)
    assert process.returncode == 0, err.decode()
    assert "Samira Bouzid" in out.decode() or "schulden" in out.decode().lower()
    assert "console: no HTTP server" in err.decode()
