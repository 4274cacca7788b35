"""The pilot of deploy/compose.yaml: PostgreSQL, the migration, two replicas and nginx in front.

Runs the compose file as it is, with the bot's test image and, since no image can be pulled
here, stand-ins for the official postgres and nginx images (tests/deploy/standins). A Slack
/wie goes through the proxy to the replicas, which answer through the Slack stand-in; then
one replica stops and the other takes over. Slow; skipped without a Docker engine or Compose.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web

from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import SECRET
from tests.conftest import BACKEND
from tests.deploy import engine
from tests.deploy.calls import slash, until
from tests.reliability.botproc import free_port

pytestmark = [
    pytest.mark.slow,
    pytest.mark.docker,
    pytest.mark.timeout(1800),
    pytest.mark.skipif(
        BACKEND != "postgresql", reason="runs once, in the PostgreSQL pass (it brings its own)"
    ),
]
COMPOSE_FILE = engine.ROOT / "deploy" / "compose.yaml"
DEMO_CSV = "/opt/krokodil/app/directory/data/demo.csv"
# Containers on the compose network reach the test's Slack stand-in by this name.
SLACK_HOST = "slack.test"


def compose_command() -> list[str]:
    """`docker compose` (v2) or `docker-compose` (1.29); skips the test when neither is there."""
    if engine.docker("compose", "version", check=False).returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    pytest.skip("no container test: neither `docker compose` nor docker-compose is installed")


@dataclass
class Pilot:
    """One compose project of the pilot."""

    command: list[str]
    env: dict[str, str]
    http_port: int

    def __call__(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run a compose subcommand on the project; fails the test (with the logs) on an error."""
        done = self.run(*args, timeout=timeout)
        if done.returncode != 0:
            logs = self.run("logs", "--no-color", "--tail", "40").stdout
            raise AssertionError(f"{args[0]} failed:\n{done.stdout}{done.stderr}\n{logs}")
        return done

    def run(self, *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run a compose subcommand on the project, whatever its exit code."""
        return subprocess.run(
            [*self.command, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=self.env,
            check=False,
        )

    def container(self, service: str) -> str:
        """The container id of a service."""
        return self("ps", "-q", service).stdout.strip()

    def readiness(self, service: str) -> dict[str, object]:
        """/readyz of one replica, asked from inside its container (it is not published)."""
        script = (
            "import urllib.request as u; "
            "print(u.urlopen('http://127.0.0.1:8080/readyz', timeout=4).read().decode())"
        )
        done = engine.docker("exec", self.container(service), "python3", "-c", script)
        return dict(json.loads(done.stdout))


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    """The Slack stand-in, also on every interface so the compose network's containers reach it."""
    fake = FakeSlack()
    await fake.start()
    assert fake._runner is not None
    port = free_port()
    site = web.TCPSite(fake._runner, "0.0.0.0", port)
    await site.start()
    fake.url = f"http://{SLACK_HOST}:{port}"
    yield fake
    await fake.close()


@pytest.fixture
def pilot(image: str, base_image: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Pilot]:
    """The compose project up, with a pilot.env of test tokens; taken down with its volume."""
    command = compose_command()
    env_file = tmp_path / "pilot.env"
    env_file.write_text(
        "POSTGRES_PASSWORD=pilotTest2026\n"
        f"SLACK_BOT_TOKEN=xoxb-test\nSLACK_SIGNING_SECRET={SECRET}\n"
        f"SLACK_API_URL={fake_slack.api_url}\n",
        encoding="utf-8",
    )
    override = tmp_path / "compose.test.yaml"
    override.write_text(
        "services:\n"
        + "".join(
            f"  {bot}:\n    extra_hosts: ['{SLACK_HOST}:host-gateway']\n"
            for bot in ("bot-1", "bot-2")
        ),
        encoding="utf-8",
    )
    http_port = free_port()
    env = {
        **os.environ,
        "KROKODIL_IMAGE": image,
        "POSTGRES_IMAGE": engine.build_standin("postgres", base_image),
        "PROXY_IMAGE": engine.build_standin("nginx", base_image),
        "KROKODIL_ENV_FILE": str(env_file),
        "KROKODIL_HTTP_PORT": str(http_port),
    }
    project = [
        *command,
        "--project-name",
        f"krokodil-pilot-test-{os.getpid()}",
        "--env-file",
        str(env_file),
        "--file",
        str(COMPOSE_FILE),
        "--file",
        str(override),
    ]
    running = Pilot(project, env, http_port)
    try:
        running("up", "--detach")
        yield running
    finally:
        running.run("down", "--volumes", "--timeout", "60", timeout=300)


async def test_the_pilot_answers_through_the_proxy_and_survives_a_replica_stopping(
    pilot: Pilot, fake_slack: FakeSlack
) -> None:
    # The pilot's directory is imported (it never loads the demo people itself).
    imported = pilot(
        "run", "--rm", "--no-deps", "bot-1", "--config", "/etc/krokodil/config.toml",
        "directory", "import", DEMO_CSV,
    )  # fmt: skip
    assert "demo" not in imported.stdout.lower()
    fake_slack.add_user("U1", email="s.bouzid@example.org")
    base = f"http://127.0.0.1:{pilot.http_port}"

    async with aiohttp.ClientSession() as http:
        assert await slash(http, base, fake_slack) == 200
        [reply] = await fake_slack.wait_for("respond", within=30)
        assert "Wie helpt met Schulden" in reply.blocks_text()
        for path in ("/healthz", "/readyz", "/metrics", "/"):
            async with http.get(f"{base}{path}") as response:
                assert response.status == 404, f"{path} must not be published"
        # The web view is published: the bot itself asks a visitor to sign in from chat.
        async with http.get(f"{base}/web/") as response:
            assert response.status == 401
            assert "/web" in await response.text()

        # Both replicas ready on the one database; exactly one of them runs the timers.
        def one_leader() -> bool:
            states = [pilot.readiness(bot) for bot in ("bot-1", "bot-2")]
            return all(s["status"] == "ready" for s in states) and sorted(
                bool(s["scheduler_leader"]) for s in states
            ) == [False, True]

        await until(one_leader, 60, "one scheduler leader among two ready replicas")

        stopped = pilot.container("bot-1")
        pilot("stop", "--timeout", "60", "bot-1")
        assert engine.docker("inspect", "--format", "{{.State.ExitCode}}", stopped).stdout == "0\n"
        for n in range(2, 5):
            assert await slash(http, base, fake_slack) == 200
            await fake_slack.wait_for("respond", n, within=30)
        assert pilot.readiness("bot-2")["status"] == "ready"
