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


TEAMS_ENV = {
    "TEAMS_APP_ID": "6b2f1e1c-8d8a-4c57-9a5e-7b1f0c2d3e4f",
    "TEAMS_APP_PASSWORD": "secret",
    "TEAMS_TENANT_ID": "0f5e8a47-1c1e-4d7b-9a3b-2d6c5e4f3a21",
}


def test_teams_runs_with_its_three_environment_variables() -> None:
    settings = load_settings("config.toml", env=TEAMS_ENV)
    teams = settings.teams
    assert teams.enabled
    assert teams.token_url == (
        "https://login.microsoftonline.com/0f5e8a47-1c1e-4d7b-9a3b-2d6c5e4f3a21/oauth2/v2.0/token"
    )
    assert teams.openid_metadata_url == (
        "https://login.botframework.com/v1/.well-known/openidconfiguration"
    )
    assert "secret" not in repr(settings)
    moved = load_settings(
        "config.toml",
        env={
            **TEAMS_ENV,
            "TEAMS_AUTHORITY": "https://login.example.org/t1/",
            "TEAMS_OPENID_METADATA_URL": "https://keys.example.org/openid",
        },
    )
    assert moved.teams.token_url == "https://login.example.org/t1/oauth2/v2.0/token"
    assert moved.teams.openid_metadata_url == "https://keys.example.org/openid"


@pytest.mark.parametrize("missing", ["TEAMS_APP_PASSWORD", "TEAMS_TENANT_ID"])
def test_teams_without_its_secret_or_tenant_is_named(missing: str) -> None:
    env = {k: v for k, v in TEAMS_ENV.items() if k != missing}
    with pytest.raises(SettingsError, match=missing):
        load_settings("config.toml", env=env)


def test_teams_ids_and_secret_stay_out_of_the_file(tmp_path: Path) -> None:
    for line in ('app_password = "x"', 'app_id = "x"', 'tenant_id = "x"'):
        file = tmp_path / "k.toml"
        file.write_text(f"[teams]\n{line}\n")
        with pytest.raises(SettingsError, match="environment"):
            load_settings(file, env={})


def test_trusted_proxies_come_from_the_file_or_the_environment(tmp_path: Path) -> None:
    assert load_settings("config.toml", env={}).web.trusted_proxies == ()
    file = tmp_path / "k.toml"
    file.write_text('[web]\ntrusted_proxies = ["10.0.0.5"]\n')
    assert load_settings(file, env={}).web.trusted_proxies == ("10.0.0.5",)
    env = {"KROKODIL_TRUSTED_PROXIES": "10.0.0.0/8, ::1"}
    assert load_settings(file, env=env).web.trusted_proxies == ("10.0.0.0/8", "::1")
    with pytest.raises(SettingsError, match=r"web\.trusted_proxies.*'proxy\.example'"):
        load_settings(file, env={"KROKODIL_TRUSTED_PROXIES": "proxy.example"})
