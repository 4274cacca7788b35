"""Random text, unicode, huge inputs and random payload shapes at every HTTP endpoint.

Slack requests carry valid signatures and Telegram updates the right secret, so they get
past the front door and reach the real Bolt app, the adapters and the dispatcher. Whatever
arrives, the answer is a 2xx or the right 4xx, never a 500, and nothing is logged as a
crash. (tests/unit/bot/test_fuzz_dispatch.py fuzzes the dispatcher itself.)
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import App
from core.config import Settings
from handlers import build_registry
from tests.adapters.slack.fake_slack import FakeSlack
from tests.adapters.slack.harness import sign
from tests.adapters.telegram.harness import SECRET
from tests.adapters.telegram.standin import BotApiStandIn
from tests.reliability.conftest import (
    Platforms,
    assert_calm,
    serve_platforms,
    stop_platforms,
    with_platforms,
)
from tests.support import fuzz_examples, make_person

FUZZ = settings(
    max_examples=fuzz_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
REGISTRY = build_registry()
ACTIONS = sorted(REGISTRY.actions)
COMMANDS = sorted("/" + word for word in REGISTRY.words())
texts = st.one_of(
    st.text(max_size=200),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=30),
    st.sampled_from(["", " ", "\x00", "‮", "😀" * 50, "<@U1>", "&lt;b&gt;", "%", "/wie"]),
    st.integers(0, 30_000).map(lambda n: "x" * n),
)
ids = st.one_of(st.text(max_size=12), st.sampled_from(["U1", "U2", "D1", "C1", ""]))
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=15,
)


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
    running = await serve_platforms(app, fake_slack, bot_api)
    yield running
    await stop_platforms(running)


async def post_slack(platforms: Platforms, body: str, content_type: str) -> int:
    """POST a correctly signed body to /slack/events; the status."""
    moment = int(time.time())
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": sign(body, moment),
    }
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{platforms.base_url}/slack/events", data=body, headers=headers) as response,
    ):
        await response.read()
        status = response.status
    await platforms.slack.adapter.drain()
    return status


slash_commands = st.fixed_dictionaries(
    {
        "command": st.sampled_from([*COMMANDS, "/krokodil", "/x", "/"]) | texts,
        "text": texts,
        "user_id": ids,
        "channel_id": ids,
        "trigger_id": st.text(max_size=10),
        # Slack sends one with every slash command; where it leads is the stand-in's problem.
        "response_url": st.just("http://127.0.0.1:9/nowhere"),
    },
    optional={"team_id": texts},
)
interactions = st.one_of(
    st.fixed_dictionaries(
        {
            "type": st.just("block_actions"),
            "user": st.fixed_dictionaries({"id": ids}),
            "actions": st.lists(
                st.fixed_dictionaries(
                    {
                        "action_id": st.sampled_from(ACTIONS).map(lambda a: a + "~0") | texts,
                        "value": texts,
                    },
                    optional={"action_ts": st.text(max_size=12), "type": texts},
                ),
                min_size=1,
                max_size=3,
            ),
        },
        optional={"container": json_values, "channel": json_values, "view": json_values},
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("view_submission"),
            "user": st.fixed_dictionaries({"id": ids}),
            "view": st.fixed_dictionaries(
                {"callback_id": st.just("krokodil.form") | texts, "type": st.just("modal")},
                optional={
                    "id": texts,
                    "hash": texts,
                    "private_metadata": texts | json_values.map(json.dumps),
                    "state": json_values,
                    "blocks": json_values,
                },
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "type": st.just("event_callback"),
            "event_id": st.text(max_size=12),
            "event": st.fixed_dictionaries(
                {"type": st.sampled_from(["message", "app_mention", "app_home_opened"]) | texts},
                optional={
                    "user": ids,
                    "channel": ids,
                    "text": texts,
                    "channel_type": st.sampled_from(["im", "channel"]) | texts,
                    "ts": texts,
                    "subtype": texts,
                },
            ),
        }
    ),
    json_values,
)


@FUZZ
@given(form=slash_commands)
async def test_signed_slash_commands_of_any_shape_are_answered(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, form: dict[str, str]
) -> None:
    status = await post_slack(platforms, urlencode(form), "application/x-www-form-urlencoded")
    assert status in (200, 400, 404)
    assert_calm(crashes)


@FUZZ
@given(payload=interactions, as_form=st.booleans())
async def test_signed_interactions_and_events_of_any_shape_are_answered(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, payload: Any, as_form: bool
) -> None:
    if as_form:
        body = urlencode({"payload": json.dumps(payload)})
        status = await post_slack(platforms, body, "application/x-www-form-urlencoded")
    else:
        status = await post_slack(platforms, json.dumps(payload), "application/json")
    assert status in (200, 400, 404)
    assert_calm(crashes)


@FUZZ
@given(raw=st.binary(max_size=300) | texts.map(str.encode), json_type=st.booleans())
async def test_signed_garbage_is_a_400_not_a_500(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, raw: bytes, json_type: bool
) -> None:
    body = raw.decode("utf-8", "replace")
    kind = "application/json" if json_type else "application/x-www-form-urlencoded"
    assert await post_slack(platforms, body, kind) in (200, 400, 404)
    assert_calm(crashes)


def _telegram_user(user_id: int) -> dict[str, Any]:
    return {"id": user_id, "is_bot": False, "first_name": "T", "language_code": "nl"}


updates = st.one_of(
    st.builds(
        lambda uid, chat, kind, text, entity: {
            "update_id": uid,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": chat, "type": kind},
                "from": _telegram_user(abs(chat) or 1),
                "text": text,
                "entities": [entity] if entity else [],
            },
        },
        st.integers(1, 2**31),
        st.integers(-(10**12), 10**10),
        st.sampled_from(["private", "group", "supergroup", "channel"]),
        texts,
        st.none()
        | st.fixed_dictionaries(
            {
                "type": st.sampled_from(["bot_command", "mention", "bold"]),
                "offset": st.integers(0, 50),
                "length": st.integers(0, 50),
            }
        ),
    ),
    st.builds(
        lambda uid, data: {
            "update_id": uid,
            "callback_query": {
                "id": f"cq{uid}",
                "from": _telegram_user(4242),
                "chat_instance": "ci",
                "message": {"message_id": 1, "date": 0, "chat": {"id": 4242, "type": "private"}},
                "data": data,
            },
        },
        st.integers(1, 2**31),
        st.sampled_from(ACTIONS).map(lambda a: a + "|") | texts,
    ),
    json_values,
)


@FUZZ
@given(update=updates)
async def test_telegram_updates_of_any_shape_are_answered(
    platforms: Platforms, crashes: pytest.LogCaptureFixture, update: Any
) -> None:
    status = await platforms.telegram.post(update)
    assert status in (200, 400)
    assert_calm(crashes)


@FUZZ
@given(
    path=st.sampled_from(["/healthz", "/readyz", "/metrics", "/agenda/x.ics", "/agenda/"])
    | texts.map(lambda t: "/" + t[:200]),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS", "PATCH"]),
    query=st.dictionaries(st.text(max_size=10), st.text(max_size=30), max_size=3),
)
async def test_every_other_route_answers_without_a_server_error(
    platforms: Platforms,
    crashes: pytest.LogCaptureFixture,
    path: str,
    method: str,
    query: dict[str, str],
) -> None:
    url = f"{platforms.base_url}{path}"
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.request(method, url, params=query) as response,
        ):
            await response.read()
            status = response.status
    except (aiohttp.InvalidURL, ValueError):
        return  # not a URL a client can even send
    assert status < 500
    assert_calm(crashes)


async def test_huge_bodies_are_refused_with_413(platforms: Platforms) -> None:
    huge = b"text=" + b"x" * (2 * 1024 * 1024)
    moment = int(time.time())
    slack_headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": str(moment),
        "X-Slack-Signature": sign(huge.decode(), moment),
    }
    telegram_headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as http:
        for path, headers in (
            ("/slack/events", slack_headers),
            ("/telegram/webhook", telegram_headers),
        ):
            url = f"{platforms.base_url}{path}"
            async with http.post(url, data=io.BytesIO(huge), headers=headers) as response:
                assert response.status == 413, path
