"""`krokodil teams package [--out FILE] [--domain HOST]`: the Teams app package to upload."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlparse

if TYPE_CHECKING:
    # Only for types: the CLI imports this module for its --help, which must stay quick.
    from core.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `krokodil teams package` to the CLI."""
    teams = sub.add_parser("teams", help="Microsoft Teams app package")
    teams_sub = teams.add_subparsers(dest="teams_command", required=True)
    package = teams_sub.add_parser("package", help="write the app package zip to upload in Teams")
    package.add_argument("--out", type=Path, default=Path("groene-krokodil-teams.zip"))
    package.add_argument("--app-id", default=None, help="the Azure Bot's app id (TEAMS_APP_ID)")
    package.add_argument(
        "--domain", default=None, help="the bot's public host (default: from KROKODIL_PUBLIC_URL)"
    )


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run `krokodil teams package`."""
    from bot.adapters.teams.manifest import package
    from core.i18n import Translator
    from handlers import build_registry

    app_id = args.app_id or settings.teams.app_id
    domain = args.domain or urlparse(settings.server.public_url or "").hostname
    if not app_id:
        print("krokodil: set TEAMS_APP_ID (or --app-id) to the Azure Bot's app id", file=sys.stderr)
        return 2
    if not domain:
        print(
            "krokodil: set KROKODIL_PUBLIC_URL (or --domain) to the bot's public address",
            file=sys.stderr,
        )
        return 2
    zone = settings.bot.timezone
    data = package(
        app_id,
        domain,
        build_registry(),
        Translator.for_language("nl", zone),
        Translator.for_language("en", zone),
    )
    args.out.write_bytes(data)
    print(f"{args.out}: upload this in Teams (Apps → Manage your apps → Upload an app)")
    return 0
