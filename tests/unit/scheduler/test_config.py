"""The [meetings] settings are checked at start-up, with messages that name key and value."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_meetings_section_loads_with_nested_meelopen(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(
        '[meetings]\nweekly_day = "vr"\nweekly_time = "16:30"\n'
        "[meetings.meelopen]\nround_weeks = 6\n",
        encoding="utf-8",
    )
    settings = load_settings(config, env={})
    assert (settings.meetings.weekly_day, settings.meetings.weekly_time) == ("vr", "16:30")
    assert settings.meetings.meelopen.round_weeks == 6
    assert settings.meetings.meelopen.history_rounds == 20


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[meetings]\nweekly_day = "maandag"\n', "meetings.weekly_day must be ma, di"),
        ('[meetings]\nweekly_time = "9 uur"\n', "meetings.weekly_time must look like 09:00"),
        ("[meetings.meelopen]\nhistory_rounds = 5\n", "history_rounds must be at least 20"),
    ],
)
def test_wrong_values_are_refused(tmp_path: Path, body: str, message: str) -> None:
    config = tmp_path / "config.toml"
    config.write_text(body, encoding="utf-8")
    with pytest.raises(SettingsError, match=message):
        load_settings(config, env={})
