"""`krokodil directory leave` end to end: out of the export, successor named, mistakes said."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main

HEADER = "naam,organisatie,functie,telefoon,email,themas,wijken,bereikbaar,rollen\n"
ROWS = (
    "Fatima el Amrani,Gemeente Haarlem,schuldhulpverlener,06-12345678,f.elamrani@example.org,"
    "schulden,,,\n"
    "Joost de Wit,Sociaal Wijkteam Noord,wijkcoach,023 511 5115,joost@example.org,jeugd,,,\n"
)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_leave_from_the_command_line(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[bot]\ndemo_data = false\n", encoding="utf-8")
    csv_file = tmp_path / "kaart.csv"
    csv_file.write_text(HEADER + ROWS, encoding="utf-8")
    base = ("--config", str(config), "--db", database_url)
    assert run(capsys, *base, "directory", "import", str(csv_file))[0] == 0

    code, _out, err = run(capsys, *base, "directory", "leave", "nobody@example.org")
    assert code == 1 and "Niemand in de sociale kaart heeft het e-mailadres" in err
    code, _out, err = run(
        capsys, *base, "directory", "leave", "joost@example.org", "--on", "gisteren"
    )
    assert code == 1 and '"gisteren" lees ik niet als datum' in err

    code, out, _err = run(
        capsys, *base, "directory", "leave", "joost@example.org",
        "--successor", "f.elamrani@example.org",
    )  # fmt: skip
    assert code == 0
    assert "Joost de Wit staat vanaf nu niet meer in de sociale kaart" in out
    assert "Fatima el Amrani" in out
    _code, exported, _err = run(capsys, *base, "directory", "export")
    assert "Joost de Wit" not in exported and "Fatima el Amrani" in exported
    code, _out, err = run(capsys, *base, "directory", "leave", "joost@example.org")
    assert code == 1
