"""`krokodil directory import FILE --sync [ORGANISATION]`: a preview, a confirmation, and the
people missing from the file leave; without --sync nobody is ever removed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from bot.cli import main

HEADER = "naam,organisatie,functie,telefoon,email,themas,wijken,bereikbaar,rollen\n"
FATIMA = (
    "Fatima el Amrani,Gemeente Haarlem,consulent,06-12345678,f.elamrani@example.org,schulden,,,\n"
)
KEES = "Kees Jansen,Gemeente Haarlem,consulent,06-12345679,kees@example.org,wonen,,,\n"
LIES = "Lies de Boer,Gemeente Haarlem,consulent,06-12345680,lies@example.org,jeugd,,,\n"
JOOST = "Joost de Wit,Sociaal Wijkteam Noord,wijkcoach,023 511 5115,joost@example.org,jeugd,,,\n"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def base(database_url: str, tmp_path: Path) -> tuple[str, ...]:
    config = tmp_path / "config.toml"
    config.write_text("[bot]\ndemo_data = false\n", encoding="utf-8")
    return ("--config", str(config), "--db", database_url)


def write(tmp_path: Path, name: str, *rows: str) -> str:
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return str(path)


def test_a_sync_import_removes_two_people_after_confirmation(
    base: tuple[str, ...],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    full = write(tmp_path, "full.csv", FATIMA, KEES, LIES, JOOST)
    assert run(capsys, *base, "directory", "import", full)[0] == 0
    smaller = write(tmp_path, "haarlem.csv", FATIMA)

    # Without --sync an import never removes anyone.
    code, out, _ = run(capsys, *base, "directory", "import", smaller)
    assert code == 0 and "1 regel gelezen: 0 nieuw, 0 bijgewerkt, 1 ongewijzigd." in out
    assert "Kees Jansen" in run(capsys, *base, "directory", "export")[1]

    # Asked and refused: the preview lists the leavers, nothing changes.
    monkeypatch.setattr("sys.stdin", io.StringIO("nee\n"))
    code, out, _ = run(capsys, *base, "directory", "import", smaller, "--sync", "gemeente haarlem")
    assert code == 1
    assert "Voorbeeld: er is nog niets veranderd." in out
    assert "vertrekken per vandaag (2, zonder opvolger)" in out
    assert "  - Kees Jansen (Gemeente Haarlem)\n  - Lies de Boer (Gemeente Haarlem)" in out
    assert "Niets veranderd." in out
    assert "Lies de Boer" in run(capsys, *base, "directory", "export")[1]

    # Confirmed: both leave; Joost (another organisation) stays.
    monkeypatch.setattr("sys.stdin", io.StringIO("ja\n"))
    code, out, _ = run(capsys, *base, "directory", "import", smaller, "--sync", "Gemeente Haarlem")
    assert code == 0
    assert "Vertrokken per vandaag (2, zonder opvolger):" in out
    exported = run(capsys, *base, "directory", "export")[1]
    assert "Kees Jansen" not in exported and "Lies de Boer" not in exported
    assert "Fatima el Amrani" in exported and "Joost de Wit" in exported

    # The same sync again: nobody left to remove, no question asked.
    code, out, _ = run(capsys, *base, "directory", "import", smaller, "--sync", "Gemeente Haarlem")
    assert code == 0 and "Niemand van Gemeente Haarlem vertrekt." in out

    # Back in the staff list: back in the network (and no longer counted as having left).
    code, out, _ = run(capsys, *base, "directory", "import", full)
    assert code == 0 and "2 bijgewerkt" in out
    assert "Kees Jansen" in run(capsys, *base, "directory", "export")[1]
    code, out, _ = run(capsys, *base, "directory", "gegevens", "kees@example.org")
    assert code == 0 and '"in_directory": true' in out and '"leaving_on": null' in out


def test_whole_file_sync_with_yes_and_mistakes(
    base: tuple[str, ...], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    full = write(tmp_path, "full.csv", FATIMA, KEES, JOOST)
    assert run(capsys, *base, "directory", "import", full)[0] == 0
    # Every organisation in the file: Haarlem (Kees missing) and Noord (complete).
    partial = write(tmp_path, "partial.csv", FATIMA, JOOST)
    code, out, _ = run(capsys, *base, "directory", "import", partial, "--sync", "--yes")
    assert code == 0
    assert "Vertrokken per vandaag (1, zonder opvolger):\n  - Kees Jansen (Gemeente Haarlem)" in out

    code, _, err = run(capsys, *base, "directory", "import", partial, "--sync", "Nergens BV")
    assert code == 1 and 'De organisatie "Nergens BV" staat niet in de sociale kaart' in err
    broken = write(tmp_path, "broken.csv", FATIMA, "Kees Jansen,Gemeente Haarlem,,06-1,,wonen,,,\n")
    code, out, err = run(
        capsys, *base, "directory", "import", broken, "--sync", "--skip-invalid", "--yes"
    )
    assert code == 1 and "Met --sync importeer ik alleen een bestand zonder fouten" in err
