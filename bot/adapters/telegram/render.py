"""A neutral reply as Telegram HTML messages with an inline keyboard.

Everything from handlers is escaped; the only tags are the ones added here.
Telegram buttons may open http(s) and tg: links only, so a ``tel:`` button
becomes a line with the number (clients make phone numbers tappable).
"""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from core.messages import Attachment, Button, ContactCard, Reply

# Telegram allows 4096 characters per message; stay below it with room for tags.
MAX_CHUNK = 3800
MAX_LINE = 600  # escaped, at most 6 times as long: still below MAX_CHUNK
MAX_BUTTON_LABEL = 60
LINK_SCHEMES = ("https://", "http://", "tg://")


@dataclass(frozen=True)
class Rendered:
    """Messages to send in order; the keyboard goes with the last one."""

    chunks: tuple[str, ...]
    buttons: tuple[Button, ...]
    documents: tuple[Attachment, ...]

    @property
    def empty(self) -> bool:
        """Nothing to show (e.g. the answer to a duplicate update)."""
        return not self.chunks and not self.buttons and not self.documents


def render_html(reply: Reply) -> Rendered:
    """Split a reply into HTML messages, keyboard buttons and documents."""
    lines: list[str] = []
    if reply.title:
        lines.append(f"<b>{escape(reply.title)}</b>")
    if reply.text:
        lines.extend(_text_lines(reply.text))
    for index, card in enumerate(reply.cards, start=1):
        if lines:
            lines.append("")
        lines.extend(card_lines(card, index if len(reply.cards) > 1 else None))
    keyboard: list[Button] = []
    for button in reply.buttons:
        if button.url and not button.url.startswith(LINK_SCHEMES):
            lines.append(_link_line(button))
        else:
            keyboard.append(button)
    if keyboard and not lines:
        # Telegram cannot send a keyboard without text.
        lines.append("…")
    return Rendered(
        chunks=tuple(_pack(lines)), buttons=tuple(keyboard), documents=reply.attachments
    )


def card_lines(card: ContactCard, index: int | None = None) -> list[str]:
    """A contact as HTML lines: who, then the phone number, then the rest."""
    head = f"{index}. " if index is not None else ""
    who = f"<b>{escape(head + card.name)}</b>"
    org = ", ".join(p for p in (card.organisation, card.role) if p)
    lines = [f"{who} — {escape(org)}" if org else who]
    phone = _phone(card)
    if phone:
        when = f" ({escape(card.reachability)})" if card.reachability else ""
        lines.append(f"☎ {escape(phone)}{when}")
    elif card.reachability:
        lines.append(escape(card.reachability))
    if card.note:
        lines.append(f"<i>{escape(card.note)}</i>")
    if card.email:
        lines.append(f"✉ {escape(card.email)}")
    return lines


def keyboard(buttons: Sequence[Button], data: Sequence[str]) -> InlineKeyboardMarkup | None:
    """Inline keyboard rows; ``data`` holds the encoded callback data of each button."""
    if not buttons:
        return None
    made = [
        InlineKeyboardButton(_label(b.label), url=b.url)
        if b.url
        else InlineKeyboardButton(_label(b.label), callback_data=d)
        for b, d in zip(buttons, data, strict=True)
    ]
    # Short labels (Ja / Nee / Annuleren) share a row; longer ones get their own.
    per_row = 3 if all(len(b.label) <= 12 for b in buttons) else 1
    rows = [made[i : i + per_row] for i in range(0, len(made), per_row)]
    return InlineKeyboardMarkup(rows)


def escape(text: str) -> str:
    """Telegram HTML needs only <, > and & escaped (quotes stay readable)."""
    return html.escape(text, quote=False)


def _phone(card: ContactCard) -> str | None:
    # An international number is recognised as tappable by every Telegram client.
    if card.phone_display and card.phone_display.startswith("+"):
        return card.phone_display
    return card.phone or card.phone_display


def _link_line(button: Button) -> str:
    url = button.url or ""
    target = url.split(":", 1)[1] if url.startswith(("tel:", "mailto:")) else url
    icon = "☎" if url.startswith("tel:") else "→"
    return f"{icon} {escape(button.label)}: {escape(target)}"


def _label(text: str) -> str:
    return text if len(text) <= MAX_BUTTON_LABEL else text[: MAX_BUTTON_LABEL - 1] + "…"


def _text_lines(text: str) -> list[str]:
    lines: list[str] = []
    for raw in text.split("\n"):
        # Very long lines are cut before escaping so no entity is split.
        pieces = [raw[i : i + MAX_LINE] for i in range(0, len(raw), MAX_LINE)] or [""]
        lines.extend(escape(p) for p in pieces)
    return lines


def _pack(lines: list[str]) -> list[str]:
    """Join lines into messages below the size limit, never splitting a line."""
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        if current and size + len(line) + 1 > MAX_CHUNK:
            chunks.append("\n".join(current).strip("\n"))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        text = "\n".join(current).strip("\n")
        if text:
            chunks.append(text)
    return [c for c in chunks if c]
