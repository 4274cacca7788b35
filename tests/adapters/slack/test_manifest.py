"""The app manifests an admin pastes into Slack match what the bot actually offers."""

from __future__ import annotations

import re
from pathlib import Path

from handlers import build_registry

SLACK_DIR = Path(__file__).resolve().parents[3] / "slack"
HTTP = (SLACK_DIR / "manifest.yml").read_text(encoding="utf-8")
SOCKET = (SLACK_DIR / "manifest-socket-mode.yml").read_text(encoding="utf-8")
# Covered by the bare umbrella command (/krokodil shows the help).
NOT_SEPARATE = {"help"}


def _commands(manifest: str) -> list[str]:
    return re.findall(r"^\s+- command: /(\S+)$", manifest, re.MULTILINE)


def test_every_visible_command_is_a_slash_command() -> None:
    registry = build_registry()
    visible = {name for name, spec in registry.commands.items() if not spec.hidden}
    listed = set(_commands(HTTP))
    assert visible - NOT_SEPARATE - listed == set(), "add these to slack/manifest*.yml"
    assert listed - visible - {"krokodil"} == set(), "these are not commands (any more)"


def test_both_manifests_list_the_same_commands_and_scopes() -> None:
    assert _commands(HTTP) == _commands(SOCKET)
    scopes = re.findall(r"^\s+- ([a-z_.]+:[a-z_.]+|commands)\b", HTTP, re.MULTILINE)
    assert scopes == re.findall(r"^\s+- ([a-z_.]+:[a-z_.]+|commands)\b", SOCKET, re.MULTILINE)
    for needed in ("commands", "chat:write", "im:write", "users:read.email", "files:write"):
        assert needed in scopes


def test_http_mode_points_everything_at_the_events_route() -> None:
    urls = re.findall(r"(?:url|request_url): (\S+)", HTTP)
    assert len(urls) == len(_commands(HTTP)) + 2
    assert all(u == "https://krokodil.example.org/slack/events" for u in urls)
    assert "socket_mode_enabled: false" in HTTP


def test_socket_mode_needs_no_address() -> None:
    assert "https://" not in SOCKET.replace("https://api.slack.com", "")
    assert "socket_mode_enabled: true" in SOCKET
    for event in ("app_home_opened", "app_mention", "message.im"):
        assert f"- {event}" in SOCKET and f"- {event}" in HTTP
