"""Settings: defaults, file, environment; secrets only from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import SettingsError, load_settings


def test_defaults_without_a_file() -> None:
    settings = load_settings("config.toml", env={})
    assert settings.database.url == "sqlite+aiosqlite:///krokodil.db"
    assert (settings.server.host, settings.server.port) == ("127.0.0.1", 8080)
    assert settings.bot.language == "nl"
    assert not settings.slack.enabled and not settings.telegram.enabled


def test_environment_overrides_the_file(tmp_path: Path) -> None:
    file = tmp_path / "k.toml"
    file.write_text('[server]\nport = 9000\n[bot]\nlanguage = "en"\n')
    env = {"KROKODIL_PORT": "9100", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    settings = load_settings(file, env=env)
    assert settings.server.port == 9100
    assert settings.bot.language == "en"
    assert settings.slack.enabled


def test_a_secret_in_the_file_is_refused(tmp_path: Path) -> None:
    file = tmp_path / "k.toml"
    file.write_text('[slack]\nbot_token = "xoxb-secret"\n')
    with pytest.raises(SettingsError, match="environment variable"):
        load_settings(file, env={})


def test_a_misspelt_key_is_named(tmp_path: Path) -> None:
    file = tmp_path / "k.toml"
    file.write_text("[server]\nprot = 1\n")
    with pytest.raises(SettingsError, match=r"server\.prot"):
        load_settings(file, env={})


def test_a_bad_value_is_named(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match=r"server\.port"):
        load_settings(None, env={"KROKODIL_PORT": "abc"})


def test_secrets_do_not_show_in_repr() -> None:
    env = {"SLACK_BOT_TOKEN": "xoxb-very-secret", "SLACK_SIGNING_SECRET": "very-secret-too"}
    settings = load_settings(None, env=env)
    assert "xoxb-very-secret" not in repr(settings)
    assert "very-secret-too" not in repr(settings)


def test_a_section_check_becomes_a_settings_error(tmp_path: Path) -> None:
    file = tmp_path / "k.toml"
    file.write_text('[handovers]\noffice_hours = "17:00-09:00"\n')
    with pytest.raises(SettingsError, match=r"\[handovers\].*office hours"):
        load_settings(file, env={})
