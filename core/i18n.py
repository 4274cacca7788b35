"""Message catalogs: Dutch source strings, translations from gettext .po files.

Code marks user-facing text with ``tr.gettext("Dutch text {value}", value=...)``
(Babel's extractor finds it). Dutch is the source language, so ``nl`` needs no
catalog; other languages load every ``locales/<lang>/LC_MESSAGES/*.po`` file
(one per capability, so capabilities never edit each other's catalogs). A
missing translation falls back to the Dutch text. Dates and times are formatted
with Babel in the same locale.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel.core import Locale
from babel.dates import format_date, format_datetime, format_time

SOURCE_LANGUAGE = "nl"
SUPPORTED_LANGUAGES = ("nl", "en")
LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"


def normalise_language(code: str | None, default: str = SOURCE_LANGUAGE) -> str:
    """Map a platform language code ('en-GB', 'nl_NL', None) to a supported one."""
    if not code:
        return default
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in SUPPORTED_LANGUAGES else default


@cache
def _catalog(language: str, locales_dir: Path = LOCALES_DIR) -> dict[Any, Any]:
    """All translations for one language, merged from every .po file."""
    # Read only for a language other than Dutch (a Dutch `krokodil say` needs none).
    from babel.messages.pofile import read_po

    messages: dict[Any, Any] = {}
    folder = locales_dir / language / "LC_MESSAGES"
    for po_file in sorted(folder.glob("*.po")):
        with po_file.open("rb") as handle:
            catalog = read_po(handle, locale=language)
        for message in catalog:
            if not message.id or not message.string or message.fuzzy:
                continue
            # Plural entries have a (singular, plural) id; code looks them up by the singular.
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            messages[key] = message.string
    return messages


def _format(text: str, values: dict[str, Any]) -> str:
    return text.format(**values) if values else text


@dataclass(frozen=True)
class Translator:
    """Translates and formats text for one language."""

    language: str = SOURCE_LANGUAGE
    timezone: str = "Europe/Amsterdam"
    _messages: dict[Any, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def for_language(cls, language: str | None, timezone: str = "Europe/Amsterdam") -> Translator:
        """A translator for a (possibly unsupported) language code, falling back to Dutch."""
        lang = normalise_language(language)
        messages = {} if lang == SOURCE_LANGUAGE else _catalog(lang)
        return cls(language=lang, timezone=timezone, _messages=messages)

    def gettext(self, msgid: str, **values: Any) -> str:
        """Translate a Dutch source string and fill in its {placeholders}."""
        translated = self._messages.get(msgid)
        return _format(translated if isinstance(translated, str) else msgid, values)

    def ngettext(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """Translate with a count: Dutch and English both have one/other forms."""
        translated = self._messages.get(singular)
        values.setdefault("n", n)
        if isinstance(translated, tuple | list) and len(translated) >= 2:
            return _format(translated[0] if n == 1 else translated[1], values)
        return _format(singular if n == 1 else plural, values)

    def date(self, value: date | datetime, fmt: str = "EEEE d MMMM") -> str:
        """A date in the user's language, e.g. 'dinsdag 24 november'."""
        return _date(value, fmt, self.language)

    def time(self, value: datetime, fmt: str = "HH:mm") -> str:
        """A local clock time, e.g. '09:00'."""
        return _time(value, fmt, self.timezone, self.language)

    def datetime(self, value: datetime, fmt: str = "EEEE d MMMM HH:mm") -> str:
        """A local date and time, e.g. 'dinsdag 24 november 09:00'."""
        return format_datetime(value, fmt, tzinfo=_zone(self.timezone), locale=self.language)

    def join(self, items: Iterable[str]) -> str:
        """Join a list the way the language does: 'a, b en c' / 'a, b and c'."""
        parts = list(items)
        if len(parts) <= 1:
            return "".join(parts)
        last = self.gettext("en")
        return f"{', '.join(parts[:-1])} {last} {parts[-1]}"


# Answers show the same few dates and times again and again; babel takes ~50 µs each.
@lru_cache(maxsize=4096)
def _date(value: date | datetime, fmt: str, language: str) -> str:
    return format_date(value, fmt, locale=Locale.parse(language))


@lru_cache(maxsize=4096)
def _time(value: datetime, fmt: str, timezone: str, language: str) -> str:
    return format_time(value, fmt, tzinfo=_zone(timezone), locale=language)


@cache
def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def N_(msgid: str) -> str:
    """Mark a string for translation where it is defined; it is translated where shown."""
    return msgid
