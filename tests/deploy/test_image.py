"""The container image, built with `docker build .` and run against this machine's PostgreSQL.

Slow (a build, then containers): runs in the PostgreSQL pass when a Docker engine answers,
and is skipped with the reason otherwise. With no internet for images, the base is the
debootstrap image of deploy/local-base.sh (or KROKODIL_TEST_BASE_IMAGE). docs/deploy.md
says how to run it.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.migrate import empty_database
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET
from tests.conftest import BACKEND, PG_URL
from tests.deploy import engine
from tests.deploy.calls import slash, until
from tests.reliability.botproc import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.docker,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(
        BACKEND != "postgresql",
        reason="runs in the PostgreSQL pass: the container uses the machine's PostgreSQL",
    ),
]
# A demo directory person (the image loads the demo directory into an empty database).
DEMO_EMAIL = "s.bouzid@example.org"


@pytest.fixture
async def database() -> str:
    """An empty PostgreSQL database of its own for the containers."""
    url = f"{PG_URL}_image"
    await empty_database(url)
    return url


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The Slack Web API stand-in on 127.0.0.1, which host networking lets the container reach."""
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.close()


def test_the_image_runs_as_non_root_with_tini_and_no_build_tools(image: str) -> None:
    config = json.loads(
        engine.docker("image", "inspect", "--format", "{{json .Config}}", image).stdout
    )
    assert config["User"] == "10001:10001"
    assert config["Entrypoint"] == ["/usr/bin/tini", "--", "krokodil"]
    assert config["Cmd"] == ["run", "--no-migrate"]
    assert "/healthz" in " ".join(config["Healthcheck"]["Test"])
    assert "8080/tcp" in config["ExposedPorts"]
    names = {entry.split("=", 1)[0] for entry in config["Env"]}
    assert names >= {"KROKODIL_HOST", "KROKODIL_PORT", "PATH"}
    leaked = {n for n in names if n.startswith(("PIP_", "SLACK_", "TELEGRAM_", "TEAMS_"))}
    assert not leaked, f"build settings or secrets in the image: {leaked}"
    assert "KROKODIL_DATABASE_URL" not in names
    assert engine.run_once({}, "-c", "id -u", entrypoint="sh").stdout.strip() == "10001"
    look = engine.run_once(
        {},
        "-c",
        "for tool in gcc cc g++ make pip pip3; do command -v $tool; done; "
        "ls -d /root/.cache /tmp/* /var/lib/apt/lists/*_* /opt/krokodil/app/tests 2>/dev/null; "
        "true",
        entrypoint="sh",
        user="0",  # root may look everywhere, /root included
    )
    found = look.stdout.split()
    assert found == [], f"compilers, pip, caches or tests in the final image: {found}"


async def test_migrate_serve_a_signed_slack_wie_and_stop_cleanly_on_sigterm(
    image: str, database: str, fake_slack: FakeSlack
) -> None:
    env = {"KROKODIL_DATABASE_URL": database}
    waited = engine.run_once(
        env, "-m", "bot.migrate_wait", "--timeout", "1", "--interval", "0.5", entrypoint="python"
    )
    assert waited.returncode == 1, "an unmigrated database must hold the replicas back"
    assert "waiting for migrations" in waited.stderr
    migrated = engine.run_once(env, "db", "upgrade")
    assert migrated.returncode == 0, migrated.stderr
    assert "database is up to date" in migrated.stdout
    waited = engine.run_once(env, "-m", "bot.migrate_wait", "--timeout", "30", entrypoint="python")
    assert waited.returncode == 0, waited.stderr

    fake_slack.add_user("U1", email=DEMO_EMAIL)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    container = engine.run_detached(
        f"krokodil-test-{os.getpid()}",
        {
            **env,
            "KROKODIL_PORT": str(port),
            "KROKODIL_LOG_LEVEL": "INFO",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake_slack.api_url,
        },
        "--health-interval",
        "1s",
    )
    try:
        started = time.monotonic()
        async with aiohttp.ClientSession() as http:
            await _until_ok(http, f"{base}/healthz", container, within=90)
            print(f"\n/healthz answered {time.monotonic() - started:.1f} s after docker run")
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 200
                assert (await response.json())["status"] == "ready"
            assert await slash(http, base, fake_slack) == 200
            [reply] = await fake_slack.wait_for("respond", within=30)
            assert "Wie helpt met Schulden" in reply.blocks_text()
            assert "<tel:" in reply.blocks_text()
            assert await slash(http, base, fake_slack, secret="not-the-secret") == 401
        await until(lambda: container.inspect("{{.State.Health.Status}}") == "healthy", 30)
        pid1 = engine.docker("exec", container.name, "cat", "/proc/1/cmdline").stdout
        assert pid1.split("\0")[:3] == ["/usr/bin/tini", "--", "krokodil"]

        engine.docker("stop", "--time", "60", container.name, timeout=90)
        state = json.loads(container.inspect("{{json .State}}"))
        assert state["ExitCode"] == 0, container.logs()[-3000:]
        assert not state["OOMKilled"]
        events = [json.loads(line) for line in container.logs().splitlines() if line[:1] == "{"]
        assert "shutting down" in [event["event"] for event in events]
    finally:
        container.remove()


async def _until_ok(
    http: aiohttp.ClientSession, url: str, container: engine.Container, within: float
) -> None:
    """Poll until `url` answers 200; fail with the container's log when it never does."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            async with http.get(url) as response:
                if response.status == 200:
                    return
        except aiohttp.ClientError:
            pass
        if container.inspect("{{.State.Running}}") != "true":
            break
        await asyncio.sleep(0.2)
    raise AssertionError(f"{url} never answered 200:\n{container.logs()[-3000:]}")
