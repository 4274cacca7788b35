"""Load settings: built-in defaults, then config.toml, then the environment.

Secrets (tokens, signing secrets) are read only from the environment; a secret
found in the config file is refused, so it never ends up in a repository.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Any

from core.config import Settings

SECRET_KEYS = frozenset(
    {"bot_token", "signing_secret", "app_token", "token", "webhook_secret", "app_password"}
)
# Identities that belong to one deployment's environment, never to a shared config file.
ENV_ONLY_KEYS = frozenset({"teams.app_id", "teams.tenant_id"})

# (section, key, environment variable) for plain settings.
ENV_OVERRIDES: tuple[tuple[str, str, str], ...] = (
    ("database", "url", "KROKODIL_DATABASE_URL"),
    ("server", "host", "KROKODIL_HOST"),
    ("server", "port", "KROKODIL_PORT"),
    ("server", "public_url", "KROKODIL_PUBLIC_URL"),
    ("bot", "language", "KROKODIL_LANGUAGE"),
    ("slack", "api_url", "SLACK_API_URL"),
    ("telegram", "mode", "TELEGRAM_MODE"),
    ("telegram", "base_url", "TELEGRAM_API_URL"),
    ("teams", "app_id", "TEAMS_APP_ID"),
    ("teams", "tenant_id", "TEAMS_TENANT_ID"),
    ("teams", "authority", "TEAMS_AUTHORITY"),
    ("teams", "openid_metadata_url", "TEAMS_OPENID_METADATA_URL"),
    ("web", "trusted_proxies", "KROKODIL_TRUSTED_PROXIES"),
)
# (section, key, environment variable) for secrets: environment only.
ENV_SECRETS: tuple[tuple[str, str, str], ...] = (
    ("slack", "bot_token", "SLACK_BOT_TOKEN"),
    ("slack", "signing_secret", "SLACK_SIGNING_SECRET"),
    ("slack", "app_token", "SLACK_APP_TOKEN"),
    ("telegram", "token", "TELEGRAM_BOT_TOKEN"),
    ("telegram", "webhook_secret", "TELEGRAM_WEBHOOK_SECRET"),
    ("teams", "app_password", "TEAMS_APP_PASSWORD"),
)


class SettingsError(ValueError):
    """The configuration is wrong; the message names the key and the value's problem."""


def load_settings(
    path: str | Path | None = "config.toml",
    env: Mapping[str, str] | None = None,
    database_url: str | None = None,
) -> Settings:
    """Build settings; a missing default config file means built-in defaults."""
    environ = os.environ if env is None else env
    raw: dict[str, Any] = {}
    if path is not None:
        file = Path(path)
        if file.exists():
            try:
                raw = tomllib.loads(file.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as error:
                raise SettingsError(f"{file}: not valid TOML: {error}") from error
        elif str(path) != "config.toml":
            raise SettingsError(f"config file {file} does not exist")
    settings = _apply(Settings(), raw, "")
    for section, key, var in ENV_OVERRIDES:
        if environ.get(var):
            settings = _set(settings, section, key, environ[var])
    for section, key, var in ENV_SECRETS:
        if environ.get(var):
            settings = _set(settings, section, key, environ[var])
    if database_url:
        settings = _set(settings, "database", "url", database_url)
    _validate(settings)
    return settings


def _apply(obj: Any, raw: Mapping[str, Any], prefix: str) -> Any:
    known = {f.name: f for f in fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in raw.items():
        name = f"{prefix}{key}"
        if key not in known:
            raise SettingsError(
                f"unknown setting [{name}]: check the spelling against config.example.toml"
            )
        if name in ENV_ONLY_KEYS:
            raise SettingsError(
                f"setting {name} belongs in the environment ({name.replace('.', '_').upper()}), "
                "not in the file"
            )
        if key in SECRET_KEYS:
            raise SettingsError(
                f"setting {name} is a secret: set it as an environment variable, not in the file"
            )
        current = getattr(obj, key)
        if is_dataclass(current):
            if not isinstance(value, Mapping):
                raise SettingsError(f"[{name}] must be a section, got {value!r}")
            changes[key] = _apply(current, value, f"{name}.")
        else:
            changes[key] = _coerce(name, current, value)
    try:
        return replace(obj, **changes)
    except ValueError as error:  # a section's own check, e.g. office hours "17-9"
        raise SettingsError(f"[{prefix.rstrip('.') or 'settings'}]: {error}") from error


def _set(settings: Settings, section: str, key: str, value: str) -> Settings:
    part = getattr(settings, section)
    coerced = _coerce(f"{section}.{key}", getattr(part, key), value)
    try:
        return replace(settings, **{section: replace(part, **{key: coerced})})
    except ValueError as error:  # the section's own check, as for the file
        raise SettingsError(f"[{section}]: {error}") from error


def _coerce(name: str, current: Any, value: Any) -> Any:
    """Convert a file or environment value to the type of the default."""
    if isinstance(current, bool):
        if isinstance(value, bool):
            return value
        if str(value).lower() in ("1", "true", "yes", "ja", "on"):
            return True
        if str(value).lower() in ("0", "false", "no", "nee", "off"):
            return False
        raise SettingsError(f"{name} must be true or false, got {value!r}")
    if isinstance(current, int):
        try:
            return int(value)
        except (TypeError, ValueError) as error:
            raise SettingsError(f"{name} must be a whole number, got {value!r}") from error
    if isinstance(current, float):
        try:
            return float(value)
        except (TypeError, ValueError) as error:
            raise SettingsError(f"{name} must be a number, got {value!r}") from error
    if isinstance(current, tuple):
        if isinstance(value, str):
            return tuple(v.strip() for v in value.split(",") if v.strip())
        if isinstance(value, list):
            return tuple(value)
        raise SettingsError(f"{name} must be a list, got {value!r}")
    if value is not None and not isinstance(value, str):
        raise SettingsError(f"{name} must be text, got {value!r}")
    return value


def _validate(settings: Settings) -> None:
    for problem in settings.meetings.problems():
        raise SettingsError(problem)
    if settings.bot.language not in ("nl", "en"):
        raise SettingsError(f"bot.language must be 'nl' or 'en', got {settings.bot.language!r}")
    if not 0 < settings.server.port < 65536:
        raise SettingsError(f"server.port must be 1-65535, got {settings.server.port}")
    if settings.telegram.mode not in (None, "webhook", "polling"):
        raise SettingsError(
            f"telegram.mode must be 'webhook' or 'polling', got {settings.telegram.mode!r}"
        )
    _validate_telegram(settings)
    _validate_teams(settings)
    slack = settings.slack
    if slack.enabled and not slack.socket_mode and not slack.signing_secret:
        raise SettingsError(
            "Slack HTTP mode needs SLACK_SIGNING_SECRET (Basic Information → Signing Secret); "
            "set it, or set SLACK_APP_TOKEN to use Socket Mode"
        )
    try:
        from zoneinfo import ZoneInfo

        ZoneInfo(settings.bot.timezone)
    except Exception as error:
        raise SettingsError(
            f"bot.timezone {settings.bot.timezone!r} is not a known time zone"
        ) from error


def telegram_mode(settings: Settings) -> str:
    """'webhook' or 'polling': the setting, else webhook when a public URL is set."""
    if settings.telegram.mode:
        return settings.telegram.mode
    return "webhook" if settings.server.public_url else "polling"


def _validate_telegram(settings: Settings) -> None:
    """Webhook mode needs a public URL and a secret Telegram sends back with every update."""
    telegram = settings.telegram
    if not telegram.enabled or telegram_mode(settings) != "webhook":
        return
    if not settings.server.public_url:
        raise SettingsError(
            "Telegram webhook mode needs server.public_url (KROKODIL_PUBLIC_URL), the https "
            "address Telegram calls; set it, or set TELEGRAM_MODE=polling"
        )
    if not telegram.webhook_secret:
        raise SettingsError(
            "Telegram webhook mode needs TELEGRAM_WEBHOOK_SECRET (1-256 characters: A-Z, a-z, "
            "0-9, _ and -); set it, or set TELEGRAM_MODE=polling"
        )
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", telegram.webhook_secret):
        raise SettingsError(
            "TELEGRAM_WEBHOOK_SECRET may hold only A-Z, a-z, 0-9, _ and - (1-256 characters)"
        )


def _validate_teams(settings: Settings) -> None:
    """Teams needs the app's secret and its tenant next to the app id."""
    teams = settings.teams
    if not teams.enabled:
        return
    if not teams.app_password:
        raise SettingsError(
            "Teams needs TEAMS_APP_PASSWORD (the Azure Bot's client secret) with TEAMS_APP_ID"
        )
    if not teams.tenant_id:
        raise SettingsError(
            "Teams needs TEAMS_TENANT_ID (the Entra directory id of the municipality) with "
            "TEAMS_APP_ID"
        )
    for key, url in (
        ("TEAMS_AUTHORITY", teams.authority),
        ("TEAMS_OPENID_METADATA_URL", teams.openid_metadata_url),
    ):
        if url and not re.match(r"https?://[^/\s]+", url):
            raise SettingsError(f"{key} must be an http(s) address, got {url!r}")
