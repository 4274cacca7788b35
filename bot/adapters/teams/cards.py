"""Adaptive Card pieces as plain data: escaped text, contact cards, buttons.

Every text from a handler or a user goes through :func:`escape`, so nothing typed by
anyone turns into a link, a mention or formatting in a TextBlock (Teams renders a
Markdown subset there). Buttons are ``Action.Execute`` (Universal Actions): the press
arrives as an ``adaptiveCard/action`` invoke and our HTTP answer replaces the card.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from core.messages import Button, ContactCard

Element = dict[str, Any]
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
VERSION = "1.5"
# The key in Action.Execute data that marks the press as ours, and its kinds.
MARK = "krokodil"
BUTTON, FORM, CANCEL = "button", "form", "cancel"
BUTTONS_PER_SET = 5
MAX_TEXT = 2000
MAX_LABEL = 60
_MARKDOWN = re.compile(r"([\\`*_\[\]#|~<>])")
# A line that starts like a list item or a quote would be indented as one.
_BLOCK_START = re.compile(r"^(\s*)([-+]|\d+[.)])(?=\s)", re.MULTILINE)


def escape(text: str) -> str:
    """Text shown literally in a TextBlock: Markdown, links and <at> tags are neutralised."""
    escaped = _MARKDOWN.sub(r"\\\1", text)
    return _BLOCK_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped)


def card(body: Sequence[Element], actions: Sequence[Element] = ()) -> Element:
    """An Adaptive Card with its body and top-level actions."""
    made: Element = {
        "type": "AdaptiveCard",
        "$schema": SCHEMA,
        "version": VERSION,
        "body": list(body),
    }
    if actions:
        made["actions"] = list(actions)
    # Teams shows cards narrow by default; contact cards read better full width.
    made["msteams"] = {"width": "Full"}
    return made


def attachment(content: Element) -> Element:
    """The activity attachment that carries a card."""
    return {"contentType": CARD_TYPE, "content": content}


def text_block(text: str, **style: Any) -> Element:
    """One escaped, wrapping TextBlock."""
    clipped = text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
    return {"type": "TextBlock", "text": escape(clipped), "wrap": True, **style}


def title_block(text: str) -> Element:
    """The heading of a card."""
    return text_block(text, size="Medium", weight="Bolder")


def text_blocks(text: str) -> list[Element]:
    """A handler's text, one block per paragraph (empty lines separate them)."""
    blocks: list[Element] = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        lines = [line.rstrip() for line in paragraph.split("\n")]
        if any(lines):
            # A single newline is not a line break in card Markdown: one block per line.
            for index, line in enumerate(lines):
                style: dict[str, Any] = {"spacing": "Medium"} if index == 0 and blocks else {}
                blocks.append(text_block(line or " ", **style))
    return blocks


def contact(card_: ContactCard, index: int | None = None) -> Element:
    """A professional: name, then the phone number with a call button, then when, then the rest."""
    head = f"{index}. " if index is not None else ""
    org = ", ".join(p for p in (card_.role, card_.organisation) if p)
    items: list[Element] = [text_block(head + card_.name, weight="Bolder")]
    if org:
        items.append(text_block(org, isSubtle=True, spacing="None"))
    if card_.phone_display or card_.phone:
        items.append(text_block(f"☎ {card_.phone_display or card_.phone}", spacing="Small"))
    if card_.reachability:
        color = "Good" if card_.reachable_now else "Default"
        items.append(text_block(card_.reachability, color=color, spacing="None"))
    if card_.note:
        items.append(text_block(card_.note, isSubtle=True, spacing="None"))
    if card_.email:
        items.append(text_block(f"✉ {card_.email}", spacing="None"))
    if card_.themes:
        items.append(text_block(", ".join(card_.themes), isSubtle=True, size="Small"))
    actions: list[Element] = []
    if card_.phone:
        label = f"Bel {card_.phone_display or card_.phone}"
        actions.append(
            {"type": "Action.OpenUrl", "title": _label(label), "url": f"tel:{card_.phone}"}
        )
    if card_.email:
        actions.append(
            {"type": "Action.OpenUrl", "title": _label(card_.email), "url": f"mailto:{card_.email}"}
        )
    if actions:
        items.append({"type": "ActionSet", "actions": actions})
    return {"type": "Container", "items": items, "separator": True, "spacing": "Medium"}


def action(button: Button) -> Element:
    """A button: a link opens, anything else is an Action.Execute with our data."""
    if button.url:
        return {"type": "Action.OpenUrl", "title": _label(button.label), "url": button.url}
    made: Element = {
        "type": "Action.Execute",
        "title": _label(button.label),
        "verb": button.action_id,
        "data": {MARK: BUTTON, "a": button.action_id, "v": button.value},
    }
    if button.style == "primary":
        made["style"] = "positive"
    elif button.style == "danger":
        made["style"] = "destructive"
    return made


def action_sets(buttons: Sequence[Button]) -> list[Element]:
    """Buttons in the body, a few per row (Teams shows at most six top-level actions)."""
    made = [action(b) for b in buttons]
    return [
        {"type": "ActionSet", "actions": made[i : i + BUTTONS_PER_SET]}
        for i in range(0, len(made), BUTTONS_PER_SET)
    ]


def _label(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"
