"""`krokodil directory import FILE.csv [--skip-invalid] [--sync [ORGANISATION]] [--yes]`,
`krokodil directory export`, `krokodil directory leave EMAIL [--on DATE] [--successor EMAIL]`,
`krokodil directory gegevens EMAIL` and `krokodil directory erase EMAIL [--yes]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for types: the CLI imports this module for its --help, which must stay quick.
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.bootstrap import App
    from core.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the directory subcommands to the CLI."""
    directory = sub.add_parser("directory", help="import or export the directory (CSV)")
    d_sub = directory.add_subparsers(dest="directory_command", required=True)
    imp = d_sub.add_parser("import", help="import people from a CSV file")
    imp.add_argument("file", type=Path)
    imp.add_argument("--skip-invalid", action="store_true", help="import the valid rows only")
    imp.add_argument(
        "--sync",
        nargs="?",
        const="",
        metavar="ORGANISATION",
        help="the file is the whole staff list (of this organisation, or of every organisation "
        "in the file): people missing from it leave today; shows a preview and asks first",
    )
    imp.add_argument("--yes", action="store_true", help="with --sync: do not ask, just do it")
    d_sub.add_parser("export", help="print the directory as CSV")
    leave = d_sub.add_parser("leave", help="someone leaves: out of /wie, work to the successor")
    leave.add_argument("email")
    leave.add_argument("--on", help="first day they no longer work here (default: today)")
    leave.add_argument("--successor", help="e-mail of the successor, who is offered their cases")
    data = d_sub.add_parser("gegevens", help="everything kept about one person, as JSON (inzage)")
    data.add_argument("email")
    erase = d_sub.add_parser("erase", help="erase one person's data (also someone who left)")
    erase.add_argument("email")
    erase.add_argument("--yes", action="store_true", help="do not ask, just do it")


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run a directory subcommand."""
    if args.command != "directory":
        raise SystemExit(f"unknown command {args.command}")
    return asyncio.run(_directory(args, settings))


async def _directory(args: argparse.Namespace, settings: Settings) -> int:
    from bot.bootstrap import build
    from bot.runtime import prepare
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
        if args.directory_command in ("gegevens", "erase"):
            return await _own_data(app, args)
        try:
            text = args.file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            print(f"krokodil: cannot read {args.file}: {error}", file=sys.stderr)
            return 2
        if args.sync is not None:
            return await _sync(app, args, text)
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


async def _sync(app: App, args: argparse.Namespace, text: str) -> int:
    """Preview, confirm (or --yes), then import with the missing people leaving."""
    from directory.csv_io import Sync, SyncError, import_csv
    from handlers.departures.leave import leave_all

    sync = Sync(organisations=(args.sync,) if args.sync else ())
    now = app.deps.clock.now()
    admins = app.settings.bot.admins

    async def leave(session: AsyncSession, ids: list[int]) -> None:
        await leave_all(session, app.deps, ids, now=now)

    try:
        preview = await import_csv(
            app.deps.uow, text, now=now, admins=admins, sync=sync, dry_run=True,
            skip_invalid=args.skip_invalid,
        )  # fmt: skip
        print(preview.summary())
        if not preview.ok:
            return 1
        if preview.leavers and not args.yes:
            print("Doorgaan? Typ ja om te importeren (of start opnieuw met --yes): ", end="")
            sys.stdout.flush()
            if sys.stdin.readline().strip().lower() not in ("ja", "j", "yes", "y"):
                print("Niets veranderd.")
                return 1
        report = await import_csv(
            app.deps.uow, text, now=now, admins=admins, sync=sync, on_leave=leave
        )
    except SyncError as error:
        print(f"krokodil: {error}", file=sys.stderr)
        return 1
    print(report.summary())
    return 0 if report.ok else 1


async def _own_data(app: App, args: argparse.Namespace) -> int:
    """Inzage or erasure for one person, e.g. someone who left and can no longer ask."""
    import json

    from core.errors import UserError
    from core.i18n import Translator
    from handlers.departures.erasure import erase_by_email
    from handlers.departures.own_data import data_by_email

    now = app.deps.clock.now()
    try:
        if args.directory_command == "gegevens":
            record = await data_by_email(app.deps, args.email, now)
            print(json.dumps(record, ensure_ascii=False, indent=2))
            return 0
        if not args.yes:
            print(f"Alles over {args.email} wissen? Typ ja: ", end="")
            sys.stdout.flush()
            if sys.stdin.readline().strip().lower() not in ("ja", "j", "yes", "y"):
                print("Niets veranderd.")
                return 1
        name = await erase_by_email(app.deps, args.email, now)
    except UserError as error:
        print(f"krokodil: {Translator().gettext(error.msgid, **error.values)}", file=sys.stderr)
        return 1
    print(f"De gegevens van {name} zijn gewist; het logboek gebruikt nu een schuilnaam.")
    return 0
