"""The Docker engine for the image tests: is one there, build the bot's image, run containers."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
IMAGE = "krokodil:test"
TEST_LABEL = "org.groene-krokodil.test=1"
# Certificates this machine trusts besides the public ones (a TLS-inspecting proxy's CA);
# pip inside the build needs them to reach the package index through it.
LOCAL_CA_DIR = Path("/usr/local/share/ca-certificates")


class Unavailable(Exception):
    """No Docker engine, or no base image can be had here: the image tests are skipped."""


def docker(
    *args: str, timeout: float = 120, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run the docker CLI; output captured as text."""
    done = subprocess.run(
        ["docker", *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and done.returncode != 0:
        raise AssertionError(
            f"docker {' '.join(args[:3])} … failed ({done.returncode}):\n"
            f"{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        )
    return done


def require_engine() -> None:
    """Raise Unavailable unless the docker CLI reaches a running engine."""
    if shutil.which("docker") is None:
        raise Unavailable("the docker CLI is not installed")
    try:
        done = docker("info", "--format", "{{.ServerVersion}}", timeout=20, check=False)
    except subprocess.TimeoutExpired as error:
        raise Unavailable("the Docker engine does not answer") from error
    if done.returncode != 0 or not done.stdout.strip():
        raise Unavailable(f"no Docker engine is running ({done.stderr.strip()[:200]})")


def base_image() -> str:
    """KROKODIL_TEST_BASE_IMAGE, else the debootstrap base of deploy/local-base.sh (cached)."""
    chosen = os.environ.get("KROKODIL_TEST_BASE_IMAGE")
    if chosen:
        return chosen
    if (
        shutil.which("debootstrap") is None
        and docker("image", "inspect", "krokodil-base:bookworm", check=False).returncode
    ):
        raise Unavailable(
            "no base image: install debootstrap (deploy/local-base.sh) or set "
            "KROKODIL_TEST_BASE_IMAGE to a Python 3.11 image this engine has"
        )
    done = subprocess.run(
        [str(ROOT / "deploy" / "local-base.sh")],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"deploy/local-base.sh failed:\n{done.stderr[-3000:]}")
    return done.stdout.strip().splitlines()[-1]


def build_args() -> list[str]:
    """The machine's package index and extra CA certificates, for pip inside the build only."""
    args: list[str] = []
    index = os.environ.get("PIP_INDEX_URL", "")
    if index.startswith(("http://", "https://")):
        args += ["--build-arg", f"PIP_INDEX_URL={index}"]
    certificates = sorted(LOCAL_CA_DIR.glob("*.crt")) if LOCAL_CA_DIR.is_dir() else []
    if certificates:
        pem = "\n".join(path.read_text(encoding="ascii") for path in certificates)
        args += ["--build-arg", f"EXTRA_CA_CERTS={pem}"]
    return args


def build(base: str, context: Path = ROOT, tag: str = IMAGE) -> str:
    """`docker build` of a context (default: the bot, `.`) on the given base; returns the tag."""
    docker(
        "build",
        "--build-arg",
        f"BASE_IMAGE={base}",
        *build_args(),
        "--label",
        TEST_LABEL,
        "--tag",
        tag,
        str(context),
        timeout=1500,
    )
    # Earlier test builds that lost their tag: nothing else refers to them.
    docker("image", "prune", "--force", "--filter", f"label={TEST_LABEL}", check=False)
    return tag


def build_standin(name: str, base: str) -> str:
    """A stand-in for an official image (postgres, nginx) from tests/deploy/standins/NAME."""
    return build(base, Path(__file__).parent / "standins" / name, f"krokodil-standin-{name}:test")


@dataclass
class Container:
    """A detached container of the test image, on the host's network."""

    name: str

    def inspect(self, template: str) -> str:
        """`docker inspect -f TEMPLATE`."""
        return docker("inspect", "--format", template, self.name).stdout.strip()

    def logs(self) -> str:
        """Everything it wrote (the bot logs to stderr)."""
        done = docker("logs", self.name, check=False)
        return done.stdout + done.stderr

    def remove(self) -> None:
        """Gone, whatever its state."""
        docker("rm", "--force", self.name, check=False)


def run_detached(name: str, env: dict[str, str], *extra: str) -> Container:
    """Start the image's default command (`krokodil run --no-migrate`) in the background."""
    docker("rm", "--force", name, check=False)
    variables = [part for key, value in env.items() for part in ("--env", f"{key}={value}")]
    docker("run", "--detach", "--name", name, "--network", "host", *variables, *extra, IMAGE)
    return Container(name)


def run_once(
    env: dict[str, str], *command: str, entrypoint: str | None = None, user: str | None = None
) -> subprocess.CompletedProcess[str]:
    """A one-off container (`db upgrade`, a shell look inside); not checked."""
    variables = [part for key, value in env.items() for part in ("--env", f"{key}={value}")]
    chosen = ["--entrypoint", entrypoint] if entrypoint else []
    chosen += ["--user", user] if user else []
    return docker(
        "run", "--rm", "--network", "host", *variables, *chosen, IMAGE, *command, check=False
    )
