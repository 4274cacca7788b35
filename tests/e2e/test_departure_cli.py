"""`krokodil directory leave` end to end: out of the export, successor named, mistakes said."""

from __future__ import annotations

import io
import json
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


def test_say_json_gives_my_data(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[bot]\ndemo_data = false\n", encoding="utf-8")
    csv_file = tmp_path / "kaart.csv"
    csv_file.write_text(HEADER + ROWS, encoding="utf-8")
    base = ("--config", str(config), "--db", database_url)
    assert run(capsys, *base, "directory", "import", str(csv_file))[0] == 0
    code, out, _err = run(
        capsys, *base, "say", "--as", "joost@example.org", "--json", "/ik gegevens"
    )
    assert code == 0
    payload = json.loads(out)
    record = payload["data"]["gegevens"]
    assert record["entry"]["name"] == "Joost de Wit"
    assert record["entry"]["phone"] == "+31235115115"
    assert [a["platform"] for a in record["accounts"]] == ["console"]
    assert [e["action"] for e in record["audit"]] == ["person.imported"]
    [attachment] = payload["attachments"]
    assert attachment["filename"] == "mijn-gegevens.json"


def test_inzage_and_erasure_for_someone_who_left(
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[bot]\ndemo_data = false\n", encoding="utf-8")
    csv_file = tmp_path / "kaart.csv"
    csv_file.write_text(HEADER + ROWS, encoding="utf-8")
    base = ("--config", str(config), "--db", database_url)
    assert run(capsys, *base, "directory", "import", str(csv_file))[0] == 0
    assert run(capsys, *base, "directory", "leave", "joost@example.org")[0] == 0

    code, out, _err = run(capsys, *base, "directory", "gegevens", "joost@example.org")
    assert code == 0
    record = json.loads(out)
    assert record["entry"]["name"] == "Joost de Wit" and record["entry"]["in_directory"] is False
    assert "person.left" in [e["action"] for e in record["audit"]]

    monkeypatch.setattr("sys.stdin", io.StringIO("nee\n"))
    code, out, _err = run(capsys, *base, "directory", "erase", "joost@example.org")
    assert code == 1 and "Niets veranderd." in out
    code, out, _err = run(capsys, *base, "directory", "erase", "joost@example.org", "--yes")
    assert code == 0 and "De gegevens van Joost de Wit zijn gewist" in out
    code, _out, err = run(capsys, *base, "directory", "gegevens", "joost@example.org")
    assert code == 1 and "Ik weet niet zeker wie je bedoelt" in err
