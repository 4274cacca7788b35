"""Turn typed text into a command word and its arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from handlers.base import CommandSpec, Registry

# "/wie@GroeneKrokodilBot schulden" (Telegram groups) → "wie", "schulden".
_SLASH = re.compile(r"^\s*/(?P<word>[\w\-]+)(?:@\w+)?(?:\s+(?P<args>.*))?$", re.DOTALL)
# Leading mentions and greetings that carry no meaning: "<@U123> ", "@krokodil ", "hoi, ".
_NOISE = re.compile(r"^(?:\s*(?:<@\w+>|@\w+)[,:]?\s*)+", re.IGNORECASE)
UMBRELLA = "krokodil"


@dataclass(frozen=True)
class Parsed:
    """The command word (lowercase) and the rest of the text, or a free-text message."""

    word: str | None
    args: str
    slash: bool


def parse(text: str) -> Parsed:
    """Split '/wie schulden in Noord' into ('wie', 'schulden in Noord'); free text has no word."""
    cleaned = _NOISE.sub("", text).strip()
    match = _SLASH.match(cleaned)
    if not match:
        return Parsed(word=None, args=cleaned, slash=False)
    word = match.group("word").lower()
    args = (match.group("args") or "").strip()
    if word == UMBRELLA and args:
        # "/krokodil wie schulden" is "/wie schulden" for workspaces with one command.
        sub, _, rest = args.partition(" ")
        return Parsed(word=sub.lower(), args=rest.strip(), slash=True)
    return Parsed(word=word, args=args, slash=True)


def match_natural(registry: Registry, text: str) -> tuple[CommandSpec, str] | None:
    """Find the command a plain-language message asks for, e.g. 'wie kan helpen met schulden'."""
    lowered = text.strip()
    for spec in registry.commands.values():
        for pattern in spec.patterns:
            found = pattern.search(lowered)
            if found:
                args = found.groupdict().get("args") or ""
                return spec, args.strip(" ?!.")
    return None


def suggestions(registry: Registry, word: str, limit: int = 3) -> list[str]:
    """Commands that look like a mistyped word, best first."""
    words = [w for w in registry.words() if not _hidden(registry.lookup(w))]
    found = process.extract(
        word.lower(), words, scorer=fuzz.ratio, limit=limit * 2, score_cutoff=60
    )
    names: list[str] = []
    for candidate, _score, _index in found:
        spec = registry.lookup(candidate)
        if spec is not None and spec.name not in names:
            names.append(spec.name)
    return names[:limit]


def _hidden(spec: CommandSpec | None) -> bool:
    return spec is None or spec.hidden
