"""What the real Bot API refuses with 400, so the stand-in refuses it too."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

# Tags Telegram's HTML parse mode accepts.
ALLOWED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
     "tg-spoiler", "tg-emoji", "blockquote"}
)  # fmt: skip
MAX_TEXT = 4096
MAX_CALLBACK_DATA = 64
URL_SCHEMES = ("http://", "https://", "tg://")
# Every < must open or close a tag and every & start one of the entities Telegram knows.
_STRAY = re.compile(r"<(?![a-zA-Z/])|&(?!(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);)")


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.text: list[str] = []
        self.problem: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.problem = f'unsupported start tag "{tag}"'
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open.pop() != tag:
            self.problem = f'unexpected end tag "{tag}"'

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def problem(method: str, params: dict[str, Any]) -> str | None:
    """Why Telegram would answer 400 Bad Request, or None."""
    text = params.get("text")
    if method in ("sendMessage", "editMessageText"):
        if not isinstance(text, str) or not text.strip():
            return "message text is empty"
        if params.get("parse_mode") == "HTML":
            parser = _TelegramHtml()
            parser.feed(text)
            parser.close()
            if parser.problem or parser.open:
                return f"can't parse entities: {parser.problem or 'unclosed tag'}"
            if _STRAY.search(text):
                return "can't parse entities: a < or & that is not a tag or an entity"
            text = "".join(parser.text)
        if len(text) > MAX_TEXT:
            return "message is too long"
    markup = params.get("reply_markup")
    if isinstance(markup, dict):
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    return "button text is empty"
                data = button.get("callback_data")
                if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                    return "BUTTON_DATA_INVALID"
                url = button.get("url")
                if url is not None and not url.startswith(URL_SCHEMES):
                    return "BUTTON_URL_INVALID"
    return None
