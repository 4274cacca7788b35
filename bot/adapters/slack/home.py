"""The App Home tab: the neutral home reply (sections from each capability) as a home view."""

from __future__ import annotations

from typing import Any

from bot.adapters.slack.blocks import Block, plain, reply_blocks
from core.messages import Reply

HOME_BLOCK_LIMIT = 100


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
