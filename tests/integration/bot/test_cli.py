"""`krokodil say` and `krokodil db upgrade` through the real entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main


@pytest.fixture
def no_demo(tmp_path: Path) -> Path:
    config = tmp_path / "config.toml"
    config.write_text("[bot]\ndemo_data = false\n")
    return config


def test_say_prints_the_dutch_help(
    database_url: str, no_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["--config", str(no_demo), "--db", database_url, "say", "--as", "iemand", "/help"])
    out = capsys.readouterr().out
    assert code == 0
    assert "== Wat ik kan ==" in out
    assert "/help — laat zien wat ik kan" in out


def test_say_json_prints_one_object(
    database_url: str, no_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "--config",
            str(no_demo),
            "--db",
            database_url,
            "say",
            "--as",
            "x@example.org",
            "--json",
            "/help",
        ]
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["title"] == "Wat ik kan"
    assert "help" in payload["data"]["commands"]
    assert payload["contacts"] == [] and payload["delivered"] == []


def test_db_upgrade_is_idempotent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert main(["--db", url, "db", "upgrade"]) == 0
    assert "database is up to date" in capsys.readouterr().out


def test_bad_config_is_named_and_exits_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[bot]\nlanguag = 'en'\n")
    assert main(["--config", str(config), "say", "--as", "x", "/help"]) == 2
    assert "bot.languag" in capsys.readouterr().err


def test_missing_explicit_config_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--config", str(tmp_path / "nope.toml"), "db", "upgrade"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_say_into_a_pipe_that_closes_early_stops_quietly(tmp_path: Path, no_demo: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'pipe.db'}"
    command = (
        f'{sys.executable} -c "from bot.cli import main; raise SystemExit(main())" '
        # `true` never reads: the pipe is closed before the answer is written.
        f"--config {no_demo} --db {url} say --as iemand /help | true"
    )
    done = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
