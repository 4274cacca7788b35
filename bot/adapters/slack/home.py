"""The App Home tab: the neutral home reply (sections from each capability) as a home view,
built from the hidden ``home`` command and published with views.publish."""

from __future__ import annotations

import logging
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import inbound
from bot.adapters.slack.identity import ProfileCache
from bot.adapters.slack.outbound import SLACK_FAILURES
from bot.adapters.slack.render import Block, plain, reply_blocks
from bot.dispatch import Dispatcher
from core.messages import Reply

log = logging.getLogger("krokodil.slack")

HOME_BLOCK_LIMIT = 100


class HomePublisher:
    """Publishes a person's App Home: on opening the tab, and after changes made from it."""

    def __init__(
        self, dispatcher: Dispatcher, client: AsyncWebClient, profiles: ProfileCache
    ) -> None:
        self.dispatcher = dispatcher
        self.client = client
        self.profiles = profiles

    async def publish(self, user: str) -> None:
        """Build the home from the hidden 'home' command and publish it (views.publish)."""
        profile = await self.profiles.get(user)
        reply = await self.dispatcher.handle(inbound.home_invocation(user, profile))
        try:
            await self.client.views_publish(user_id=user, view=home_view(reply))
        except SLACK_FAILURES as error:
            log.warning("views.publish failed: %s", type(error).__name__)


def home_view(reply: Reply) -> dict[str, Any]:
    """A `home` view: greeting and shortcut buttons, then one headed part per section.

    A reply without sections (e.g. the welcome for a stranger) is shown as it is.
    """
    if "sections" not in reply.data:
        return {"type": "home", "blocks": reply_blocks(reply, limit=HOME_BLOCK_LIMIT)}
    top = Reply(
        title=reply.title,
        text=str(reply.data.get("greeting", "")),
        buttons=reply.buttons[: int(reply.data.get("shortcuts", 0))],
    )
    blocks: list[Block] = reply_blocks(top, limit=HOME_BLOCK_LIMIT)
    numbered = len(top.buttons)
    for raw in reply.data.get("sections", ()):
        section = Reply.from_json(dict(raw.get("reply") or {}))
        part: list[Block] = [{"type": "divider"}]
        if raw.get("title"):
            part.append({"type": "header", "text": plain(str(raw["title"]))})
        # Titles of the section's own reply would repeat the header.
        part.extend(
            reply_blocks(
                Reply(text=section.text, cards=section.cards, buttons=section.buttons),
                limit=40,
                start=numbered,
            )
        )
        numbered += len(section.buttons)
        if len(blocks) + len(part) > HOME_BLOCK_LIMIT:
            break
        blocks.extend(part)
    return {"type": "home", "blocks": blocks or [{"type": "section", "text": plain(" ")}]}
