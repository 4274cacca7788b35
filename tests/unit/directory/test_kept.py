"""Values kept on disk between processes, and the theme matcher kept that way."""

from __future__ import annotations

import tomllib
from pathlib import Path

from directory import kept
from directory.matching import ThemeMatcher, theme_terms
from directory.themes import CATALOG, load_catalog, parsed_toml

QUESTIONS = Path(__file__).resolve().parents[3] / "directory/data/eval/questions.toml"


def _keep(folder: Path, made: list[int], value: dict[str, int]) -> dict[str, int]:
    def make() -> dict[str, int]:
        made.append(1)
        return value

    return kept.load_or_make("test", "one", make, to_state=dict, from_state=dict, folder=folder)


def test_a_value_is_made_once_and_then_read(tmp_path: Path) -> None:
    made: list[int] = []
    assert _keep(tmp_path, made, {"a": 1}) == {"a": 1}
    assert _keep(tmp_path, made, {"a": 2}) == {"a": 1}  # read back, not made again
    assert made == [1]


def test_a_damaged_file_is_made_again(tmp_path: Path) -> None:
    made: list[int] = []
    _keep(tmp_path, made, {"a": 1})
    [path] = tmp_path.glob("test-one.kept")
    data = bytearray(path.read_bytes())
    data[-1] ^= 0xFF
    path.write_bytes(bytes(data))
    assert _keep(tmp_path, made, {"a": 2}) == {"a": 2}
    assert made == [1, 1]


def test_where_nothing_can_be_written_the_value_is_made_each_time(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    made: list[int] = []
    assert _keep(blocked, made, {"a": 1}) == {"a": 1}
    assert _keep(blocked, made, {"a": 1}) == {"a": 1}
    assert made == [1, 1]


def test_only_the_newest_few_of_a_kind_stay(tmp_path: Path) -> None:
    for name in range(kept.KEEP + 3):
        kept.load_or_make(
            "test", str(name), lambda: 1, to_state=int, from_state=int, folder=tmp_path
        )
    assert len(list(tmp_path.glob("test-*.kept"))) == kept.KEEP


def test_a_kept_matcher_understands_every_question_as_the_built_one(tmp_path: Path) -> None:
    built = ThemeMatcher(tuple(theme_terms(theme) for theme in load_catalog()))
    loaded = kept.load_or_make(
        "theme-matcher",
        "catalog",
        lambda: built,
        to_state=ThemeMatcher.state,
        from_state=ThemeMatcher.from_state,
        folder=tmp_path,
    )
    again = kept.load_or_make(
        "theme-matcher",
        "catalog",
        lambda: ThemeMatcher(()),  # never made: read from the file
        to_state=ThemeMatcher.state,
        from_state=ThemeMatcher.from_state,
        folder=tmp_path,
    )
    assert loaded is built and again is not built
    assert again.vocabulary == built.vocabulary and again.long_words == built.long_words
    questions = tomllib.loads(QUESTIONS.read_text(encoding="utf-8"))["question"]
    assert len(questions) > 400
    for question in questions:
        text = question["text"]
        assert again.score(text) == built.score(text), text
        assert again.score(text, floor=0.3) == built.score(text, floor=0.3), text


def test_the_kept_catalog_is_the_parsed_file() -> None:
    text = CATALOG.read_text(encoding="utf-8")
    parsed_toml(text)  # kept, if no process did so before
    assert parsed_toml(text) == tomllib.loads(text)
    assert parsed_toml(text + "\n# changed\n") == tomllib.loads(text)  # another text: parsed
