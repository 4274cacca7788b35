"""The migration heads read from the files' text, without importing Alembic."""

from __future__ import annotations

from pathlib import Path

from bot.migrate import heads_on_disk


def _write(folder: Path, name: str, text: str) -> None:
    (folder / f"{name}.py").write_text(text, encoding="utf-8")


def test_heads_are_the_revisions_nothing_builds_on(tmp_path: Path) -> None:
    _write(tmp_path, "a", "revision = 'a'\ndown_revision = None\n\ndef upgrade() -> None: ...\n")
    _write(tmp_path, "b", "revision: str = 'b'\ndown_revision: str | None = 'a'\n")
    _write(tmp_path, "c", "revision = 'c'\ndown_revision = 'a'\n@decorated\ndef upgrade(): ...\n")
    _write(tmp_path, "m", "revision = 'm'\ndown_revision = ('b', 'c')\n")
    _write(tmp_path, "d", "revision = 'd'\ndown_revision = 'm'\n")
    assert heads_on_disk(tmp_path) == frozenset({"d"})


def test_a_docstring_with_a_line_like_a_function_still_reads(tmp_path: Path) -> None:
    # Only the text above the first function is parsed; a string cut there falls back.
    _write(tmp_path, "a", "revision = 'a'\ndown_revision = None\n")
    _write(
        tmp_path,
        "b",
        '"""Adds\ndef upgrade() in the text\n"""\nrevision = "b"\ndown_revision = "a"\n',
    )
    assert heads_on_disk(tmp_path) == frozenset({"b"})
