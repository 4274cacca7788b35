"""Random activity shapes with a valid token at /api/messages: a 2xx or a 4xx, never a 500.

The token is valid, so every body gets past authentication and reaches the shape checks,
the SDK, the adapter and the dispatcher. Nothing may be logged as a crash.
"""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import App
from tests.adapters.teams.harness import CHANNEL, TeamsHarness
from tests.adapters.teams.standin import ConnectorStandIn, Member
from tests.reliability.shapes import varied
from tests.support import fuzz_examples

FUZZ = settings(
    max_examples=fuzz_examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
MEMBER = Member("29:fuzz", "f0220000-0000-4000-8000-000000000001", "Fuzz", email="fuzz@example.org")
texts = st.one_of(
    st.text(max_size=80),
    st.sampled_from(["", " ", "\x00", "‮", "<at>x</at>", "<at>", "/wie", "&nbsp;", "😀" * 30]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=10,
)
FIELDS = (
    "type",
    "id",
    "text",
    "name",
    "value",
    "from",
    "conversation",
    "recipient",
    "entities",
    "attachments",
    "channelData",
    "replyToId",
    "locale",
    "channelId",
    "timestamp",
)


@FUZZ
@given(
    kind=st.sampled_from(["message", "invoke", "conversationUpdate", "event", "typing"]),
    changes=st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4),
    action=json_values,
)
async def test_random_activities_never_get_a_500(
    app: App,
    teams: TeamsHarness,
    standin: ConnectorStandIn,
    caplog: pytest.LogCaptureFixture,
    kind: str,
    changes: dict[str, Any],
    action: Any,
) -> None:
    caplog.set_level(logging.WARNING)
    caplog.clear()
    payload = teams.message(MEMBER, "/help")
    payload["type"] = kind
    if kind == "invoke":
        payload["name"] = "adaptiveCard/action"
        payload["value"] = {"action": {"type": "Action.Execute", "verb": "x", "data": action}}
    payload.update(changes)
    answer = await teams.post(raw=json.dumps(payload).encode())
    assert answer.status in (200, 202, 400, 401, 501), (answer, payload)
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not crashes, [(r.name, r.getMessage()) for r in crashes]


@FUZZ
@given(data=st.data(), kind=st.sampled_from(["message", "channel", "invoke"]))
async def test_activities_with_every_field_shape_varied_never_get_a_500(
    app: App,
    teams: TeamsHarness,
    standin: ConnectorStandIn,
    caplog: pytest.LogCaptureFixture,
    data: st.DataObject,
    kind: str,
) -> None:
    """A real activity, its fields at every depth left out or given other types."""
    caplog.set_level(logging.WARNING)
    caplog.clear()
    if kind == "invoke":
        action = {"verb": "help.command", "data": {"action_id": "help.command", "value": "/help"}}
        template = teams.invoke(MEMBER, action)
    elif kind == "channel":
        template = teams.message(MEMBER, "/wie schulden", conversation=CHANNEL)
    else:
        template = teams.message(MEMBER, "/help")
    payload = data.draw(varied(template))
    answer = await teams.post(raw=json.dumps(payload).encode())
    assert answer.status in (200, 202, 400, 401, 501), (answer, payload)
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not crashes, [(r.name, r.getMessage()) for r in crashes]


@pytest.mark.parametrize(
    ("path", "size", "status"),
    [
        (("conversation", "id"), 250, 202),  # long but storable: its key is a digest
        (("conversation", "id"), 301, 400),
        (("from", "id"), 196, 400),
        (("from", "aadObjectId"), 196, 400),
        (("recipient", "id"), 201, 400),
        (("channelData", "tenant", "id"), 65, 400),
    ],
)
async def test_ids_longer_than_the_bot_stores_are_refused_at_the_edge(
    app: App,
    teams: TeamsHarness,
    standin: ConnectorStandIn,
    caplog: pytest.LogCaptureFixture,
    path: tuple[str, ...],
    size: int,
    status: int,
) -> None:
    caplog.set_level(logging.WARNING)
    # A deep copy: the harness's activity shares its CHANNEL and member dicts with other tests.
    payload: Any = copy.deepcopy(teams.message(MEMBER, "/help", conversation=CHANNEL))
    node = payload
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node[path[-1]] = "7" * size
    answer = await teams.post(raw=json.dumps(payload).encode())
    assert answer.status == status, answer
    crashes = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not crashes, [(r.name, r.getMessage()) for r in crashes]
