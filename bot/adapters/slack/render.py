"""Block Kit rendering of a neutral reply: header, text, contact cards, buttons.

Slack demands unique action ids within one message, while a reply may hold
several buttons with the same neutral action (e.g. one "call" per card), so
each button gets ``<action_id>~<index>`` and :func:`decode_action_id` maps it
back. Limits (3000 characters a section, 75 a button, 50 blocks a message)
are enforced here so a long answer never makes Slack refuse the message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from bot.render_text import render
from core.messages import Button, ContactCard, Reply

Block = dict[str, Any]

ACTION_SEPARATOR = "~"
# Link buttons still send an interaction; this prefix tells the adapter to just ack it.
LINK_ACTION = "link"
SECTION_LIMIT = 3000
MESSAGE_BLOCK_LIMIT = 50
BUTTONS_PER_ACTIONS_BLOCK = 25
FALLBACK_LIMIT = 3000


# A word joiner after the @ keeps a typed "@here" readable but no longer a mention.
_BROADCASTS = re.compile(r"@(here|channel|everyone)\b", re.IGNORECASE)
WORD_JOINER = "\u2060"


def escape(text: str) -> str:
    """Text safe in mrkdwn and the `text` field: Slack's three control characters
    (&, <, >) as entities, so no user text becomes a link or a <!channel>, and @here,
    @channel and @everyone kept inert."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCASTS.sub(f"@{WORD_JOINER}\\1", escaped) if "@" in escaped else escaped


def clip(text: str, limit: int) -> str:
    """Shorten to Slack's limit with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain(text: str, limit: int = 150) -> dict[str, Any]:
    """A plain_text object."""
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def mrkdwn(text: str) -> dict[str, Any]:
    """A mrkdwn text object (already escaped)."""
    return {"type": "mrkdwn", "text": text}


def encode_action_id(action_id: str, index: int) -> str:
    """A message-unique Slack action id for the index-th button."""
    return f"{action_id}{ACTION_SEPARATOR}{index}"


def decode_action_id(slack_action_id: str) -> str:
    """The neutral action id back from a Slack one."""
    head, sep, tail = slack_action_id.rpartition(ACTION_SEPARATOR)
    return head if sep and tail.isdecimal() else slack_action_id


def text_sections(text: str) -> list[Block]:
    """Escaped text as one or more sections, split on line boundaries."""
    return [
        {"type": "section", "text": mrkdwn(chunk)}
        for chunk in _chunks(escape(text), SECTION_LIMIT)
        if chunk.strip()
    ]


def _chunks(text: str, limit: int) -> Iterator[str]:
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                yield current
                current = ""
            yield line[:limit]
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            yield current
            current = line
        else:
            current = candidate
    if current:
        yield current


def card_blocks(card: ContactCard) -> list[Block]:
    """A contact: name, then the phone as a tel: link with when to call, then e-mail."""
    head = f"*{escape(card.name)}* — {escape(card.organisation)}"
    if card.role:
        head += f", {escape(card.role)}"
    lines = [head]
    if card.phone:
        shown = escape(card.phone_display or card.phone)
        call = f":telephone_receiver: <tel:{card.phone}|{shown}>"
        if card.reachability:
            call += f" · {escape(card.reachability)}"
        lines.append(call)
    elif card.reachability:
        lines.append(escape(card.reachability))
    if card.email:
        lines.append(f":email: <mailto:{card.email}|{escape(card.email)}>")
    if card.note:
        lines.append(f"_{escape(card.note)}_")
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(clip("\n".join(lines), 3000))}]
    tags = [*card.themes, *card.wijken]
    if tags:
        blocks.append(
            {"type": "context", "elements": [mrkdwn(clip(escape(" · ".join(tags)), 2000))]}
        )
    return blocks


def button_element(button: Button, index: int) -> Block:
    """One Block Kit button; a URL button gets a link action id."""
    element: Block = {
        "type": "button",
        "text": plain(button.label, 75),
        "action_id": encode_action_id(LINK_ACTION if button.url else button.action_id, index),
    }
    if button.value:
        element["value"] = clip(button.value, 2000)
    if button.url:
        element["url"] = button.url
    if button.style in ("primary", "danger"):
        element["style"] = button.style
    return element


def button_blocks(buttons: tuple[Button, ...], start: int = 0) -> list[Block]:
    """Buttons in actions blocks of at most 25, numbered from `start`."""
    blocks: list[Block] = []
    for offset in range(0, len(buttons), BUTTONS_PER_ACTIONS_BLOCK):
        chunk = buttons[offset : offset + BUTTONS_PER_ACTIONS_BLOCK]
        blocks.append(
            {
                "type": "actions",
                "elements": [button_element(b, start + offset + i) for i, b in enumerate(chunk)],
            }
        )
    return blocks


def reply_blocks(reply: Reply, limit: int = MESSAGE_BLOCK_LIMIT, start: int = 0) -> list[Block]:
    """The reply as blocks: header, text, cards, buttons (within `limit` blocks)."""
    blocks: list[Block] = []
    if reply.title:
        blocks.append({"type": "header", "text": plain(reply.title)})
    blocks.extend(text_sections(reply.text))
    for i, card in enumerate(reply.cards):
        if i:
            blocks.append({"type": "divider"})
        blocks.extend(card_blocks(card))
    actions = button_blocks(reply.buttons, start)
    room = limit - len(actions)
    if len(blocks) > room:
        blocks = [*blocks[: max(room - 1, 0)], {"type": "section", "text": mrkdwn("…")}]
    return blocks + actions


def fallback_text(reply: Reply) -> str:
    """The text Slack shows in notifications and to screen readers, escaped like the blocks
    (Slack reads it as mrkdwn too)."""
    return escape(clip(render(reply), FALLBACK_LIMIT)) or " "
