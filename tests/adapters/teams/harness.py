"""Talking to the bot as Teams would: signed activities posted over HTTP to /api/messages."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from aiohttp import web

from bot.adapters.teams import TeamsAdapter
from bot.bootstrap import App
from bot.http import make_web_app
from core.clock import FrozenClock
from tests.adapters.teams.standin import APP_ID, TENANT_ID, Call, ConnectorStandIn, Member

BOT_ID = f"28:{APP_ID}"
CHANNEL = {
    "id": "19:netwerk-schulden@thread.tacv2",
    "conversationType": "channel",
    "isGroup": True,
    "tenantId": TENANT_ID,
}


def personal(member: Member) -> dict[str, Any]:
    """The 1:1 conversation of a user with the bot (as the stand-in creates it)."""
    return {
        "id": f"a:personal-{member.aad_object_id}",
        "conversationType": "personal",
        "tenantId": TENANT_ID,
    }


@dataclass
class Answer:
    """The HTTP answer of the bot to one activity."""

    status: int
    body: Any


class TeamsHarness:
    """The bot's HTTP server with the Teams adapter, and a client that posts activities."""

    def __init__(
        self, app: App, standin: ConnectorStandIn, adapter: TeamsAdapter, clock: FrozenClock
    ) -> None:
        self.app = app
        self.standin = standin
        self.adapter = adapter
        self.clock = clock
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.url = ""
        self._next_id = 1000

    async def start(self) -> None:
        """Serve the bot's web app on a random local port and start the adapter."""
        self.app.add_adapter(self.adapter)
        self._runner = web.AppRunner(make_web_app(self.app))
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}/api/messages"
        self._session = aiohttp.ClientSession()
        await self.adapter.start()

    async def stop(self) -> None:
        """Stop the adapter and the server."""
        await self.adapter.stop()
        await self.adapter.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    # -- posting -------------------------------------------------------------------------

    def token(self, **kwargs: Any) -> str:
        """A token the Bot Connector would send (signed by the stand-in's key)."""
        return self.standin.sign(self.clock.now().timestamp(), **kwargs)

    async def post(
        self,
        payload: Any = None,
        *,
        token: str | None = "",
        raw: bytes | None = None,
        authorization: str | None = None,
    ) -> Answer:
        """POST to /api/messages with a valid token unless told otherwise."""
        assert self._session is not None
        headers = {"Content-Type": "application/json"}
        if authorization is not None:
            headers["Authorization"] = authorization
        elif token is not None:
            headers["Authorization"] = f"Bearer {token or self.token()}"
        body = raw if raw is not None else json.dumps(payload).encode()
        async with self._session.post(self.url, data=body, headers=headers) as response:
            text = await response.text()
            try:
                parsed = json.loads(text) if text else None
            except ValueError:
                parsed = text
            return Answer(response.status, parsed)

    def next_id(self) -> str:
        """A fresh activity id."""
        self._next_id += 1
        return str(self._next_id)

    def base(self, member: Member, conversation: dict[str, Any] | None) -> dict[str, Any]:
        """The fields every activity from a user has."""
        return {
            "id": self.next_id(),
            "timestamp": self.clock.now().isoformat(),
            "serviceUrl": self.standin.service_url,
            "channelId": "msteams",
            "from": {
                "id": member.user_id,
                "name": member.name,
                "aadObjectId": member.aad_object_id,
            },
            "conversation": conversation or personal(member),
            "recipient": {"id": BOT_ID, "name": "Groene Krokodil"},
            "locale": "nl-NL",
            "channelData": {"tenant": {"id": TENANT_ID}},
        }

    def message(
        self, member: Member, text: str, *, conversation: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """A message activity (in a channel, with the bot's mention as Teams sends it)."""
        activity = {**self.base(member, conversation), "type": "message", "textFormat": "plain"}
        if conversation is not None and conversation.get("conversationType") != "personal":
            activity["text"] = f"<at>Groene Krokodil</at> {text}"
            activity["entities"] = [
                {
                    "type": "mention",
                    "text": "<at>Groene Krokodil</at>",
                    "mentioned": {"id": BOT_ID, "name": "Groene Krokodil"},
                }
            ]
        else:
            activity["text"] = text
        return activity

    async def say(self, member: Member, text: str, **kwargs: Any) -> Answer:
        """Post a message; returns the bot's HTTP answer."""
        return await self.post(self.message(member, text, **kwargs))

    def invoke(
        self,
        member: Member,
        action: dict[str, Any],
        *,
        inputs: dict[str, Any] | None = None,
        reply_to: str | None = None,
        conversation: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The adaptiveCard/action invoke Teams sends when an Action.Execute is pressed."""
        data = {**(action.get("data") or {}), **(inputs or {})}
        activity = {
            **self.base(member, conversation),
            "type": "invoke",
            "name": "adaptiveCard/action",
            "value": {
                "action": {"type": "Action.Execute", "verb": action["verb"], "data": data},
                "trigger": "manual",
            },
        }
        if reply_to:
            activity["replyToId"] = reply_to
        return activity

    async def press(
        self,
        member: Member,
        card: dict[str, Any],
        title: str,
        *,
        inputs: dict[str, Any] | None = None,
        reply_to: str | None = None,
        conversation: dict[str, Any] | None = None,
    ) -> Answer:
        """Press the Action.Execute with this title on a card; returns the invoke response."""
        action = find_action(card, title)
        return await self.post(
            self.invoke(member, action, inputs=inputs, reply_to=reply_to, conversation=conversation)
        )


def actions(node: Any) -> list[dict[str, Any]]:
    """Every action on a card (top level and in action sets), in order."""
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Action."):
            found.append(node)
        for value in node.values():
            found.extend(actions(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(actions(item))
    return found


def find_action(card: dict[str, Any], title: str) -> dict[str, Any]:
    """The action with this title; fails naming the titles there are."""
    for action in actions(card):
        if action.get("title") == title:
            return action
    raise AssertionError(f"no action {title!r}; actions: {[a.get('title') for a in actions(card)]}")


def inputs_of(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The inputs of a card by id."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if str(node.get("type", "")).startswith("Input.") and "id" in node:
                found[node["id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def card_of(answer: Answer) -> dict[str, Any]:
    """The card an invoke response puts in place of the pressed one."""
    assert answer.status == 200, answer
    body = answer.body
    assert body["type"] == "application/vnd.microsoft.card.adaptive", body
    card: dict[str, Any] = body["value"]
    return card


def last_card(
    standin: ConnectorStandIn, conversation: str | None = None
) -> tuple[Call, dict[str, Any]]:
    """The last card the bot sent (to one conversation)."""
    for call in reversed(standin.sent(conversation)):
        if call.card is not None:
            return call, call.card
    raise AssertionError("the bot sent no card")
