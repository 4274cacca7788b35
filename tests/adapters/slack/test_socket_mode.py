"""Socket Mode: the bot connects out over a WebSocket, so no inbound connection is needed."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.adapters.slack import SlackAdapter, check_config
from bot.adapters.slack.adapter import SlackStartError
from bot.bootstrap import App
from bot.http import make_web_app
from bot.settings import SettingsError, load_settings
from core.config import Settings, SlackConfig
from tests.adapters.slack.fake_slack import Call, FakeSlack


@pytest.fixture
def settings(settings: Settings, fake_slack: FakeSlack) -> Settings:
    """Socket Mode: an app-level token and no signing secret."""
    return replace(
        settings,
        slack=SlackConfig(api_url=fake_slack.api_url, bot_token="xoxb-test", app_token="xapp-1"),
    )


@pytest.fixture
async def socket_adapter(app: App) -> AsyncIterator[SlackAdapter]:
    """The adapter connected to the stand-in's Socket Mode endpoint."""
    adapter = SlackAdapter(app, pacing_seconds=0.0)
    app.add_adapter(adapter)
    await adapter.start()
    yield adapter
    await adapter.stop()


async def test_a_slash_command_arrives_over_the_socket(
    socket_adapter: SlackAdapter, fake_slack: FakeSlack
) -> None:
    [opened] = fake_slack.to("apps.connections.open")
    assert opened.params["_token"] == "xapp-1"  # the app-level token opens the socket
    fake_slack.add_user("U1", email="nieuw@example.org")
    await fake_slack.envelopes.put(
        {
            "envelope_id": "env-1",
            "type": "slash_commands",
            "accepts_response_payload": True,
            "payload": {
                "command": "/krokodil",
                "text": "",
                "user_id": "U1",
                "channel_id": "C1",
                "trigger_id": "trigger.1",
                "response_url": fake_slack.response_url(),
            },
        }
    )
    [ack] = await fake_slack.wait_for("socket.ack")
    assert ack.params["envelope_id"] == "env-1"
    # The answer travels in the acknowledgement, as over HTTP.
    assert "Wat ik kan" in Call("respond", ack.params["payload"]).blocks_text()


def test_socket_mode_serves_no_webhook(socket_adapter: SlackAdapter, app: App) -> None:
    routes = [r.resource.canonical for r in make_web_app(app).router.routes() if r.resource]
    assert "/slack/events" not in routes


def test_http_mode_without_signing_secret_refuses_to_start() -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        load_settings(None, env={"SLACK_BOT_TOKEN": "xoxb-1"})
    assert load_settings(None, env={"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        check_config(SlackConfig(bot_token="xoxb-1"))
    check_config(SlackConfig(bot_token="xoxb-1", app_token="xapp-1"))
    check_config(SlackConfig(bot_token="xoxb-1", signing_secret="s"))


async def test_a_wrong_app_token_is_named_on_start(app: App, fake_slack: FakeSlack) -> None:
    fake_slack.failing["apps.connections.open"] = "invalid_auth"
    adapter = SlackAdapter(app)
    with pytest.raises(SlackStartError, match="SLACK_APP_TOKEN"):
        await adapter.start()
    await adapter.stop()
