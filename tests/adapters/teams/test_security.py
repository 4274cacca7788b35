"""Every request is authenticated and checked before anything happens; nothing else gets in."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.bootstrap import App
from tests.adapters.teams.harness import TeamsHarness
from tests.adapters.teams.standin import ConnectorStandIn, Member, new_key

JOOST = Member(user_id="29:joost", aad_object_id="b0000000-0000-4000-8000-00000000j005", name="J")


async def _nothing_happened(standin: ConnectorStandIn) -> None:
    assert standin.calls == [], "the bot called the connector for a refused request"
    assert standin.token_requests == []


async def test_a_signed_activity_is_taken(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    answer = await teams.say(JOOST, "/help")
    assert answer.status == 202
    assert len(standin.sent()) == 1


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic abc", "Bearer not-a-jwt", "Bearer a.b.c", "Bearer  two words"],
)
async def test_without_a_valid_bearer_token_nothing_is_processed(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn, authorization: str | None
) -> None:
    payload = teams.message(JOOST, "/help")
    if authorization is None:
        answer = await teams.post(payload, token=None)
    else:
        answer = await teams.post(payload, authorization=authorization)
    assert answer.status == 401
    await _nothing_happened(standin)


@pytest.mark.parametrize(
    "claims",
    [
        {"audience": "someone-else"},
        {"issuer": "https://sts.windows.net/evil/"},
        {"lifetime": -400},  # expired beyond the leeway
        {"extra": {"nbf": 10**10}},  # not valid for centuries
        {"key": "other"},  # signed with a key that is not in the key set
        {"kid": "unknown-kid"},
        {"service_url": ""},
    ],
    ids=["audience", "issuer", "expired", "not-yet", "wrong-key", "unknown-kid", "no-serviceurl"],
)
async def test_a_token_that_is_not_for_us_is_refused(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn, claims: dict[str, Any]
) -> None:
    if claims.get("key") == "other":
        claims = {"key": new_key()}
    token = teams.token(**claims)
    answer = await teams.post(teams.message(JOOST, "/help"), token=token)
    assert answer.status == 401
    assert standin.sent() == []


async def test_an_expired_token_within_the_leeway_still_counts(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    answer = await teams.post(teams.message(JOOST, "/help"), token=teams.token(lifetime=-60))
    assert answer.status == 202


async def test_a_body_naming_another_service_url_is_refused(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    payload = teams.message(JOOST, "/help")
    payload["serviceUrl"] = "https://attacker.example.org/"
    answer = await teams.post(payload)
    assert answer.status == 401
    # The bot's token never went to the address the body named (nor anywhere else).
    assert standin.calls == []


def _malformed(harness: TeamsHarness) -> list[tuple[str, bytes]]:
    good = harness.message(JOOST, "/help")

    def without(key: str) -> bytes:
        return json.dumps({k: v for k, v in good.items() if k != key}).encode()

    def with_(key: str, value: Any) -> bytes:
        return json.dumps({**good, key: value}).encode()

    return [
        ("not json", b"{not json"),
        ("a list", json.dumps([good]).encode()),
        ("a string", b'"hello"'),
        ("no type", without("type")),
        ("no conversation", without("conversation")),
        ("no serviceUrl", without("serviceUrl")),
        ("no from", without("from")),
        ("type is a number", with_("type", 5)),
        ("conversation is text", with_("conversation", "19:abc")),
        ("conversation without id", with_("conversation", {"conversationType": "personal"})),
        ("text is a list", with_("text", ["/help"])),
        ("entities is an object", with_("entities", {"type": "mention"})),
        ("from is a list", with_("from", ["29:x"])),
        ("bad timestamp", with_("timestamp", "yesterday")),
        ("not utf-8", b"\xff\xfe{}"),
    ]


async def test_malformed_bodies_get_400_and_nothing_is_processed(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    for label, raw in _malformed(teams):
        answer = await teams.post(raw=raw)
        assert answer.status == 400, f"{label}: {answer}"
    assert standin.sent() == []


async def test_an_invoke_without_a_verb_gets_400(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    payload = teams.invoke(JOOST, {"verb": "x", "data": {}})
    payload["value"] = {"action": {"type": "Action.Execute", "data": {}}}
    answer = await teams.post(payload)
    assert answer.status == 400


async def test_a_redelivered_activity_has_one_effect(
    demo_app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    payload = teams.message(JOOST, "/help")
    first = await teams.post(payload)
    again = await teams.post(payload)
    assert (first.status, again.status) == (202, 202)
    assert len(standin.sent()) == 1


async def test_signing_keys_are_fetched_once_and_again_for_a_new_key(
    app: App, teams: TeamsHarness, standin: ConnectorStandIn
) -> None:
    for _ in range(3):
        assert (await teams.say(JOOST, "/help")).status == 202
    assert standin.key_requests == 1
    # A token naming an unknown key id right after a fetch does not make the bot fetch again.
    refused = await teams.post(teams.message(JOOST, "/help"), token=teams.token(kid="made-up"))
    assert (refused.status, standin.key_requests) == (401, 1)
    # The channel rolls its key a while later: the bot fetches the set again for the new id.
    keys = teams.adapter.keys
    later = keys.monotonic() + 120
    keys.monotonic = lambda: later
    old_key, old_kid = standin.rotate(), "standin-key-1"
    assert (await teams.say(JOOST, "/help")).status == 202
    assert standin.key_requests == 2
    # The old key is gone from the set: a token signed with it is refused.
    answer = await teams.post(
        teams.message(JOOST, "/help"), token=teams.token(key=old_key, kid=old_kid)
    )
    assert answer.status == 401
