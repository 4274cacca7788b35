"""`krokodil directory import/export` and `krokodil say --json "/wie schulden"` end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from directory.csv_format import column_limits

HEADER = "naam,organisatie,functie,telefoon,email,themas,wijken,bereikbaar,rollen\n"
GOOD = (
    "Fatima el Amrani,Gemeente Haarlem,schuldhulpverlener,06-12345678,f.elamrani@example.org,"
    "schulden;inkomen,Schalkwijk,ma-do 09:00-17:00,\n"
)
BAD = "Joost de Wit,Sociaal Wijkteam Noord,wijkcoach,06-1234,joost@example.org,jeugd,,,\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(list(args))
    return code, capsys.readouterr().out


def config(tmp_path: Path, demo: bool) -> str:
    path = tmp_path / "config.toml"
    path.write_text(f"[bot]\ndemo_data = {'true' if demo else 'false'}\n", encoding="utf-8")
    return str(path)


def test_import_reports_errors_and_imports_nothing_then_skips(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "kaart.csv"
    csv_file.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    base = ("--config", config(tmp_path, demo=True), "--db", database_url)
    code, out = run(capsys, *base, "directory", "import", str(csv_file))
    assert code == 1
    assert 'regel 3: telefoon "06-1234" is geen geldig nummer' in out
    assert "Er is niets geïmporteerd" in out
    code, out = run(capsys, *base, "directory", "import", str(csv_file), "--skip-invalid")
    assert code == 0
    assert "2 regels gelezen: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd." in out
    code, out = run(capsys, *base, "directory", "export")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("naam,organisatie,afdeling,functie,telefoon,email,themas")
    # Only the imported person: the CLI never loads the demo directory.
    assert len(lines) == 2 and lines[1].startswith("Fatima el Amrani,Gemeente Haarlem,")
    code, out = run(capsys, *base, "directory", "import", str(tmp_path / "missing.csv"))
    assert code == 2


def test_import_counts_read_one_line_in_proper_dutch(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv_file = tmp_path / "kaart.csv"
    csv_file.write_text(HEADER + GOOD + "Joost de Wit,Noord\n", encoding="utf-8")
    base = ("--config", config(tmp_path, demo=False), "--db", database_url)
    code, out = run(capsys, *base, "directory", "import", str(csv_file))
    assert code == 1
    assert "regel 3: deze regel heeft 2 in plaats van 9 cellen, zoals de kop" in out
    csv_file.write_text(HEADER + GOOD, encoding="utf-8")
    code, out = run(capsys, *base, "directory", "import", str(csv_file))
    assert code == 0
    assert "1 regel gelezen: 1 nieuw, 0 bijgewerkt, 0 ongewijzigd." in out


def test_say_json_lists_the_ranked_contacts(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--config", config(tmp_path, demo=True), "--db", database_url)
    code, out = run(capsys, *base, "say", "--as", "s.bouzid@example.org", "--json", "/wie schulden")
    assert code == 0
    payload = json.loads(out)
    contacts = payload["contacts"]
    assert 3 <= len(contacts) <= 5
    for contact in contacts:
        assert {"name", "organisation", "phone", "reachable_now"} <= set(contact)
        assert contact["phone"].startswith("+31")
        assert isinstance(contact["reachable_now"], bool)
    assert payload["data"]["contacts"][0]["name"] == contacts[0]["name"]
    assert payload["data"]["themes"] == ["schulden"]


def test_a_name_too_long_for_the_database_is_a_row_error_not_a_crash(
    database_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    limit = column_limits()["naam"]
    long = "Fatima el Amrani van der Berg-" + "x" * (limit - 29)
    csv_file = tmp_path / "kaart.csv"
    csv_file.write_text(HEADER + GOOD.replace("Fatima el Amrani", long, 1), encoding="utf-8")
    base = ("--config", config(tmp_path, demo=False), "--db", database_url)
    code, out = run(capsys, *base, "directory", "import", str(csv_file))
    assert code == 1
    assert (
        f'regel 2: naam "Fatima el Amrani van…" is te lang: {limit + 1} tekens, hoogstens {limit}'
        in out
    )
    code, out = run(capsys, *base, "directory", "export")
    assert len(out.splitlines()) == 1  # the header: nothing was written
