"""The Teams app package: manifest.json, its English localisation and the two icons, zipped.

An administrator uploads the zip in the Teams admin center (or a user in Teams itself).
The bot works in personal chats, teams (channels) and group chats; the command lists show
the visible commands in Dutch, and in English for English-language Teams clients. The
icons are drawn here, so the repository holds no binary files.
"""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from typing import Any

from core.i18n import Translator
from handlers.base import Registry

SCHEMA = "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
LOCALISATION_SCHEMA = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.17/"
    "MicrosoftTeams.Localization.schema.json"
)
SCOPES = ("personal", "team", "groupChat")
# Teams shows at most ten commands per list; these are the ones people need most.
MAX_COMMANDS = 10
GREEN = (46, 125, 50)


def commands(registry: Registry, tr: Translator) -> list[dict[str, str]]:
    """The visible commands with their words and one-line summaries in the translator's language."""
    made: list[dict[str, str]] = []
    for spec in registry.commands.values():
        if spec.hidden:
            continue
        example = tr.gettext(spec.example)
        word = example.split(maxsplit=1)[0].lstrip("/") if example.startswith("/") else ""
        title = word.lower() if word and registry.lookup(word) is spec else spec.name
        made.append({"title": title[:32], "description": tr.gettext(spec.summary)[:128]})
    return made[:MAX_COMMANDS]


def manifest(
    app_id: str, domain: str, registry: Registry, dutch: Translator, version: str = "1.0.0"
) -> dict[str, Any]:
    """manifest.json (Dutch by default)."""
    return {
        "$schema": SCHEMA,
        "manifestVersion": "1.17",
        "version": version,
        "id": app_id,
        "developer": {
            "name": "Groene Krokodil",
            "websiteUrl": f"https://{domain}/",
            "privacyUrl": f"https://{domain}/privacy",
            "termsOfUseUrl": f"https://{domain}/voorwaarden",
        },
        "name": {"short": "Groene Krokodil", "full": "Groene Krokodil: samen door de regels"},
        "description": {
            "short": "Vind de juiste collega in het sociaal domein en bel.",
            "full": (
                "Groene Krokodil helpt professionals in het sociaal domein elkaar te vinden: "
                "wie werkt aan welk thema, wie is nu bereikbaar, warme overdrachten met één "
                "regiehouder, netwerkbijeenkomsten en knelpunten. Er worden geen gegevens van "
                "inwoners bewaard."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#2E7D32",
        "bots": [
            {
                "botId": app_id,
                "scopes": list(SCOPES),
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": list(SCOPES), "commands": commands(registry, dutch)}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": [domain],
        "localizationInfo": {
            "defaultLanguageTag": "nl-nl",
            "additionalLanguages": [{"languageTag": "en-us", "file": "en-us.json"}],
        },
    }


def english(registry: Registry, tr: Translator) -> dict[str, Any]:
    """en-us.json: the English names, descriptions and command list."""
    made: dict[str, Any] = {
        "$schema": LOCALISATION_SCHEMA,
        "name.short": "Groene Krokodil",
        "name.full": "Groene Krokodil: through the red tape together",
        "description.short": "Find the right colleague in the social domain, and call.",
        "description.full": (
            "Groene Krokodil helps professionals in the social domain find each other: who "
            "works on which theme, who can be called now, warm handovers with one regie-holder, "
            "network meetings and blockers. No resident data is kept."
        ),
    }
    for index, command in enumerate(commands(registry, tr)):
        made[f"bots[0].commandLists[0].commands[{index}].title"] = command["title"]
        made[f"bots[0].commandLists[0].commands[{index}].description"] = command["description"]
    return made


def package(
    app_id: str, domain: str, registry: Registry, dutch: Translator, english_tr: Translator
) -> bytes:
    """The zip to upload: manifest.json, en-us.json, color.png (192 px), outline.png (32 px)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data = manifest(app_id, domain, registry, dutch)
        archive.writestr("manifest.json", json.dumps(data, ensure_ascii=False, indent=2))
        archive.writestr(
            "en-us.json", json.dumps(english(registry, english_tr), ensure_ascii=False, indent=2)
        )
        archive.writestr("color.png", icon(192, GREEN, (255, 255, 255)))
        archive.writestr("outline.png", icon(32, None, (255, 255, 255)))
    return buffer.getvalue()


def icon(
    size: int, background: tuple[int, int, int] | None, foreground: tuple[int, int, int]
) -> bytes:
    """A square PNG: a ring (the crocodile's eye) on green, or white on transparent."""
    centre = (size - 1) / 2
    outer, inner = size * 0.36, size * 0.22
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            distance = ((x - centre) ** 2 + (y - centre) ** 2) ** 0.5
            ring = inner <= distance <= outer
            if ring:
                row.extend((*foreground, 255))
            elif background is not None:
                row.extend((*background, 255))
            else:
                row.extend((0, 0, 0, 0))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data))
        + kind
        + data
        + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )
