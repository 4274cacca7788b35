"""`krokodil directory import FILE.csv [--skip-invalid]`, `krokodil directory export` and
`krokodil directory leave EMAIL [--on DATE] [--successor EMAIL]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path

from bot.bootstrap import App, build
from bot.runtime import prepare
from core.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the directory subcommands to the CLI."""
    directory = sub.add_parser("directory", help="import or export the directory (CSV)")
    d_sub = directory.add_subparsers(dest="directory_command", required=True)
    imp = d_sub.add_parser("import", help="import people from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows only")
    d_sub.add_parser("export", help="print the directory as CSV")
    leave = d_sub.add_parser("leave", help="someone leaves: out of /wie, work to the successor")
    leave.add_argument("email")
    leave.add_argument("--on", help="first day they no longer work here (default: today)")
    leave.add_argument("--successor", help="e-mail of the successor, who is offered their cases")


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run a directory subcommand."""
    if args.command != "directory":
        raise SystemExit(f"unknown command {args.command}")
    return asyncio.run(_directory(args, settings))


async def _directory(args: argparse.Namespace, settings: Settings) -> int:
    from directory.csv_io import export_csv, import_csv

    # Importing or exporting a real directory must never pull in the fictional demo people.
    settings = replace(settings, bot=replace(settings.bot, demo_data=False))
    app = build(settings)
    try:
        await prepare(app)
        if args.directory_command == "export":
            sys.stdout.write(await export_csv(app.deps.uow))
            return 0
        if args.directory_command == "leave":
            return await _leave(app, args)
        try:
            text = args.file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            print(f"krokodil: cannot read {args.file}: {error}", file=sys.stderr)
            return 2
        report = await import_csv(
            app.deps.uow,
            text,
            now=app.deps.clock.now(),
            skip_invalid=args.skip_invalid,
            admins=settings.bot.admins,
        )
        print(report.summary())
        return 0 if report.ok or args.skip_invalid else 1
    finally:
        await app.close()


async def _leave(app: App, args: argparse.Namespace) -> int:
    from core.errors import UserError
    from core.i18n import Translator
    from handlers.departures.leave import leave_by_email

    try:
        text = await leave_by_email(
            app.deps, args.email, args.on, args.successor, app.deps.clock.now()
        )
    except UserError as error:
        print(f"krokodil: {Translator().gettext(error.msgid, **error.values)}", file=sys.stderr)
        return 1
    # The messages to the successor and the others wait in the outbox for the running bot.
    print(text)
    return 0
