"""Catalog upkeep: `python -m bot.i18n_tool` lists Dutch strings without an English translation."""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir

from core.i18n import LOCALES_DIR, _catalog

SOURCE_DIRS = (
    "bot",
    "core",
    "handlers",
    "directory",
    "scheduler",
    "handovers",
    "knelpunten",
    "reports",
)
# Exceptions whose first argument is a user-facing msgid count as markers too.
KEYWORDS = {
    "gettext": None,
    "ngettext": (1, 2),
    "N_": None,
    "_": None,
    "UserError": (1,),
    "NotRegistered": (1,),
    "Forbidden": (1,),
    "AnswerError": (1,),
}
ROOT = Path(__file__).resolve().parent.parent
# Python modules, and the web view's Jinja templates (`{{ _("…") }}`).
METHODS = [("**.py", "python"), ("**.html", "jinja2.ext:babel_extract")]


def source_messages() -> dict[str, str]:
    """Every marked Dutch string in the code, with where it was found."""
    found: dict[str, str] = {}
    for folder in SOURCE_DIRS:
        path = ROOT / folder
        if not path.is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(path), method_map=METHODS, keywords=KEYWORDS, comment_tags=()
        ):
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                found.setdefault(msgid, f"{folder}/{filename}:{lineno}")
    return found


def missing(language: str = "en") -> dict[str, str]:
    """Strings in the code with no translation in the language's catalogs."""
    _catalog.cache_clear()
    known = _catalog(language, LOCALES_DIR)
    return {m: where for m, where in source_messages().items() if m not in known}


def main() -> int:
    """Print missing translations as .po entries to paste into a catalog."""
    gaps = missing()
    for msgid, where in sorted(gaps.items(), key=lambda item: item[1]):
        escaped = msgid.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        print(f'#: {where}\nmsgid "{escaped}"\nmsgstr ""\n')
    return 1 if gaps else 0


if __name__ == "__main__":
    sys.exit(main())
