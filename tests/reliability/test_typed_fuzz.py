"""Real payloads with every field's type and presence varied, at every HTTP endpoint.

``shapes.varied`` takes a payload as Slack or Telegram sends it and leaves fields out or
gives them values of other types, at every depth (a list as ``chat.id``, a number as
``action_id``, NUL in a name, an id of 10,000 characters). Whatever arrives: never a 5xx,
nothing logged as a crash, and the bot still answers a normal request afterwards.
(``test_http_fuzz.py`` sends random text and random shapes; ``tests/adapters/teams/
test_fuzz.py`` does the same for Teams activities.)
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import App
from core.config import Settings
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.telegram.harness import User
from tests.adapters.telegram.standin import BotApiStandIn
from tests.reliability import shapes
from tests.reliability.conftest import (
    Platforms,
    assert_calm,
    serve_platforms,
    stop_platforms,
    with_platforms,
)
from tests.reliability.test_http_fuzz import post_slack
from tests.support import fuzz_examples, make_person

FUZZ = settings(
    max_examples=fuzz_examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
def settings(settings: Settings, fake_slack: FakeSlack, bot_api: BotApiStandIn) -> Settings:
    """Both platforms on their stand-ins."""
    return with_platforms(settings, fake_slack, bot_api)


@pytest.fixture
async def platforms(
    app: App, fake_slack: FakeSlack, bot_api: BotApiStandIn
) -> AsyncIterator[Platforms]:
    """The bot serving everything, with one registered Slack user (U1)."""
    await make_person(app, "Fatima el Amrani", email="f.elamrani@example.org", is_admin=True)
    fake_slack.add_user("U1", email="f.elamrani@example.org")
    fake_slack.add_user("U2")
    running = await serve_platforms(app, fake_slack, bot_api)
    yield running
    await stop_platforms(running)


async def still_answers(platforms: Platforms, fake_slack: FakeSlack) -> None:
    """A plain /help from a known user still gets its answer on both platforms."""
    before = len(fake_slack.to("respond"))
    answer = await platforms.slack.command("/help", user="U2")
    assert answer.status == 200
    await platforms.slack.settle()
    shown = answer.json() if answer.text else None
    assert shown or len(fake_slack.to("respond")) > before
    telegram = platforms.telegram
    sent = len(telegram.api.calls)
    assert await telegram.post(telegram.message(User(515, "Piet"), "/help")) == 200
    assert len(telegram.api.calls) > sent


@FUZZ
@given(form=shapes.form_fields(shapes.SLASH_COMMAND))
async def test_slash_commands_of_every_field_shape(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, form: dict[str, str]
) -> None:
    form.setdefault("response_url", "http://127.0.0.1:9/nowhere")
    status = await post_slack(platforms, urlencode(form), FORM)
    assert status in (200, 400, 404), form
    assert_calm(crashes)


@FUZZ
@given(payload=st.sampled_from(shapes.SLACK_PAYLOADS).flatmap(shapes.varied), as_form=st.booleans())
async def test_slack_interactions_and_events_of_every_field_shape(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, payload: Any, as_form: bool
) -> None:
    if as_form:
        status = await post_slack(platforms, urlencode({"payload": json.dumps(payload)}), FORM)
    else:
        status = await post_slack(platforms, json.dumps(payload), "application/json")
    assert status in (200, 400, 404), payload
    assert_calm(crashes)


@FUZZ
@given(update=st.sampled_from(shapes.TELEGRAM_UPDATES).flatmap(shapes.varied))
async def test_telegram_updates_of_every_field_shape(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, update: Any
) -> None:
    status = await platforms.telegram.post(update)
    assert status in (200, 400), update
    assert_calm(crashes)


async def test_the_bot_answers_after_the_fuzzing(
    platforms: Platforms, fake_slack: FakeSlack, crashes: pytest.LogCaptureFixture
) -> None:
    """Every shape once more in a row, then a normal request on each platform."""
    for payload in shapes.SLACK_PAYLOADS:
        assert await post_slack(platforms, json.dumps(payload), "application/json") < 500
    for update in shapes.TELEGRAM_UPDATES:
        assert await platforms.telegram.post(update) < 500
    await still_answers(platforms, fake_slack)
    assert_calm(crashes)
