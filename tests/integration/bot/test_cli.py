"""`krokodil say` and `krokodil db upgrade` through the real entry point."""

from __future__ import annotations

import gc
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


def test_say_gives_the_cycle_collector_back(
    database_url: str, no_demo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `say` pauses the collector while it answers; a caller in the same process keeps its own.
    assert gc.isenabled()
    code = main(["--config", str(no_demo), "--db", database_url, "say", "--as", "iemand", "/help"])
    assert code == 0 and "== Wat ik kan ==" in capsys.readouterr().out
    assert gc.isenabled()


# The console script's own process: collections are reported on stderr as they start
# (os.write still works while Python shuts down), and whether main() left the collector on.
AS_PROCESS = (
    "import gc, os, sys\n"
    "from bot.cli import main\n"
    "def report(phase, info, write=os.write):\n"
    "    if phase == 'start':\n"
    "        write(2, b'collection %d\\n' % info['generation'])\n"
    "gc.callbacks.append(report)\n"
    "sys.argv = ['krokodil', *sys.argv[1:]]\n"
    "code = main()\n"
    "print('returned', gc.isenabled(), file=sys.stderr, flush=True)\n"
    "raise SystemExit(code)\n"
)


def test_say_as_its_own_process_leaves_the_collector_off_to_the_end(
    database_url: str, no_demo: Path
) -> None:
    # Switched back on after the answer, the collector's first pass would walk everything
    # made while it was off; at exit Python collects once more over all of it. Neither
    # frees anything when the process ends anyway.
    args = ["--config", str(no_demo), "--db", database_url, "say", "--as", "iemand", "/help"]
    done = subprocess.run(
        [sys.executable, "-c", AS_PROCESS, *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "== Wat ik kan ==" in done.stdout
    after = done.stderr.split("returned ", 1)[1].splitlines()
    assert after[0] == "False"  # still off
    assert [line for line in after if line.startswith("collection")] == []


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


# Modules a command that does not use them must not load (by full name): platform clients,
# the HTTP server and its templates, migrations, timers, calendar files, plotting, metrics,
# the report builder (the command line should answer at once).
HEAVY = (
    "aiohttp",
    "aiohttp_jinja2",
    "alembic",
    "apscheduler",  # the timers: `say` builds the bot but never starts them
    "babel.messages.pofile",  # translations, read for a language other than Dutch
    "holidays",  # all 250 countries for the Dutch days (core.dutch_holidays has the rules)
    "icalendar",  # calendar files and feeds, made only when asked for
    "jinja2",
    "mako",
    "matplotlib",
    "microsoft_agents",
    "numpy",
    "prometheus_client",  # no one scrapes a `say`
    "reports.build",  # the network report's figures, made only for /rapport
    "slack_bolt",
    "slack_sdk",
    "telegram",
)
LOADED = (
    "import atexit, sys\n"
    "from bot.cli import main\n"
    "atexit.register(lambda: print('LOADED', sorted(set(sys.modules)"
    " & set(sys.argv[1].split(','))), file=sys.stderr))\n"
    "raise SystemExit(main(sys.argv[2:]))\n"
)


def _loaded(*args: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    done = subprocess.run(
        [sys.executable, "-c", LOADED, ",".join(HEAVY), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    [line] = [line for line in done.stderr.splitlines() if line.startswith("LOADED ")]
    return done, json.loads(line.removeprefix("LOADED ").replace("'", '"'))


def test_help_loads_nothing_heavy() -> None:
    done, heavy = _loaded("--help")
    assert "krokodil" in done.stdout and "say" in done.stdout
    assert heavy == []


def test_say_loads_no_platform_server_migration_or_plotting_library(
    database_url: str, no_demo: Path
) -> None:
    # The database is migrated already (as after `make run`): no Alembic needed to see that.
    done, heavy = _loaded(
        "--config", str(no_demo), "--db", database_url, "say", "--as", "x", "/help"
    )
    assert done.returncode == 0, done.stderr
    assert "== Wat ik kan ==" in done.stdout
    assert heavy == []


def test_a_directory_question_by_say_loads_none_of_them_either(
    database_url: str, no_demo: Path
) -> None:
    # '/wie' reads the directory and understands the theme (an empty directory here, so
    # nobody fits): still no timers, calendar files or server.
    done, heavy = _loaded(
        "--config", str(no_demo), "--db", database_url, "say", "--as", "x", "/wie schulden"
    )
    assert done.returncode == 0, done.stderr
    assert "niemand die hierbij past" in done.stdout
    assert heavy == []


def test_who_is_reachable_now_in_the_demo_directory_loads_none_of_them(
    database_url: str, tmp_path: Path
) -> None:
    # The demo directory, as on a fresh clone: people ranked by whether they can be called
    # now, which asks whether today is a Dutch public holiday.
    config = tmp_path / "demo.toml"
    config.write_text("[bot]\ndemo_data = true\n")
    args = ["--config", str(config), "--db", database_url, "say", "--as", "s.bouzid@example.org"]
    done, heavy = _loaded(*args, "/wie schulden")
    assert done.returncode == 0, done.stderr
    assert "Wie helpt met Schulden" in done.stdout
    assert heavy == []


def test_say_migrates_a_database_that_is_behind(tmp_path: Path, no_demo: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"
    done, heavy = _loaded("--config", str(no_demo), "--db", url, "say", "--as", "x", "/help")
    assert done.returncode == 0, done.stderr
    assert "== Wat ik kan ==" in done.stdout
    assert "alembic" in heavy  # a new database still gets its tables first


def test_the_migration_heads_read_from_the_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    from bot.migrate import alembic_config, heads_on_disk

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert heads_on_disk() == frozenset(script.get_heads())
