"""`krokodil teams package`: a zip Teams admin accepts, with Dutch and English command lists."""

from __future__ import annotations

import json
import struct
import zipfile
from pathlib import Path

from bot.cli import main
from tests.adapters.teams.standin import APP_ID


def test_the_package_holds_the_manifest_the_localisation_and_two_icons(tmp_path: Path) -> None:
    out = tmp_path / "teams.zip"
    code = main(
        ["teams", "package", "--out", str(out), "--app-id", APP_ID, "--domain", "bot.example.org"]
    )
    assert code == 0
    with zipfile.ZipFile(out) as archive:
        assert sorted(archive.namelist()) == [
            "color.png",
            "en-us.json",
            "manifest.json",
            "outline.png",
        ]
        manifest = json.loads(archive.read("manifest.json"))
        english = json.loads(archive.read("en-us.json"))
        sizes = {
            name: struct.unpack(">II", archive.read(name)[16:24])
            for name in ("color.png", "outline.png")
        }
    assert manifest["id"] == APP_ID
    [bot] = manifest["bots"]
    assert bot["botId"] == APP_ID
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    dutch = [c["title"] for c in bot["commandLists"][0]["commands"]]
    assert "wie" in dutch and len(dutch) <= 10
    titles = [v for k, v in english.items() if k.endswith(".title")]
    assert "who" in titles
    assert manifest["validDomains"] == ["bot.example.org"]
    assert sizes == {"color.png": (192, 192), "outline.png": (32, 32)}


def test_without_an_app_id_the_command_says_what_to_set(
    tmp_path: Path, capsys: object, monkeypatch: object
) -> None:
    import pytest

    assert isinstance(monkeypatch, pytest.MonkeyPatch)
    monkeypatch.delenv("TEAMS_APP_ID", raising=False)
    code = main(["teams", "package", "--out", str(tmp_path / "x.zip"), "--domain", "b.example.org"])
    assert code == 2
    assert not (tmp_path / "x.zip").exists()
