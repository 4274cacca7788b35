"""The `krokodil` command: run, say, db upgrade (and the directory's import/export).

Only the standard library is imported up front, and each command imports what it uses,
so `krokodil --help` and `krokodil say` answer at once: the bot, its database layer and
the capabilities load for `say`, the HTTP server, migrations and platform libraries only
for the commands that need them (`docs/benchmarks.md`, "Command line start").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.bootstrap import App
    from core.config import Settings
    from core.messages import Reply


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="krokodil", description="Groene Krokodil chat bot")
    parser.add_argument(
        "--config", default="config.toml", help="TOML settings file (default config.toml)"
    )
    parser.add_argument("--db", default=None, help="database URL (also KROKODIL_DATABASE_URL)")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run every configured platform, or the console chat")
    run.add_argument("--no-migrate", action="store_true", help="do not run migrations on start")

    say = sub.add_parser("say", help="send one message as a person and print the reply")
    say.add_argument("--as", dest="who", required=True, help="e-mail address or console handle")
    say.add_argument("--json", action="store_true", help="print the neutral reply as JSON")
    say.add_argument("text", help="the message, e.g. '/wie schulden'")

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="apply all migrations")

    from bot import cli_directory, cli_report, cli_teams

    cli_directory.add_commands(sub)
    cli_report.add_commands(sub)
    cli_teams.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script (`argv` None: this process's own arguments)."""
    try:
        return _main(argv)
    except BrokenPipeError:
        # The reader went away (`krokodil say … | head`): stop quietly, as Unix tools do.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _main(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    from bot.logging_setup import configure_logging
    from bot.settings import SettingsError, load_settings

    configure_logging()
    try:
        settings = load_settings(args.config, database_url=args.db)
    except SettingsError as error:
        print(f"krokodil: {error}", file=sys.stderr)
        return 2
    if args.command == "db":
        from bot.migrate import upgrade

        upgrade(settings.database.url)
        print("database is up to date")
        return 0
    if args.command == "run":
        return asyncio.run(_run(settings, migrate=not args.no_migrate))
    if args.command == "say":
        # One message and out: the cycle collector would only walk the freshly imported
        # modules again and again (0.1-0.2 s of a start), finding nothing to free.
        from core.memory import collector_off_until_exit, collector_paused

        if argv is None:
            # The process is this one command (the console script): the collector stays
            # off, also for the collection Python runs at exit. Switched back on, its first
            # pass would walk everything made while it was off (0.05-0.09 s).
            collector_off_until_exit()
            return asyncio.run(_say(settings, args.who, args.text, as_json=args.json))
        # A caller in the same process (the tests) gets its collector back.
        with collector_paused():
            return asyncio.run(_say(settings, args.who, args.text, as_json=args.json))
    if args.command == "teams":
        from bot import cli_teams

        return cli_teams.dispatch(args, settings)
    if args.command == "report":
        from bot import cli_report

        return cli_report.dispatch(args, settings)
    from bot import cli_directory

    return cli_directory.dispatch(args, settings)


async def _run(settings: Settings, *, migrate: bool) -> int:
    from bot.bootstrap import build
    from bot.runtime import platform_adapters, prepare, run_console, run_platforms

    app = build(settings)
    await prepare(app, migrate=migrate)
    adapters = platform_adapters(app)
    if adapters:
        await run_platforms(app, adapters)
    else:
        try:
            await run_console(app)
        finally:
            await app.close()
    return 0


async def _say(settings: Settings, who: str, text: str, *, as_json: bool) -> int:
    from bot.bootstrap import build
    from bot.metrics import Uncounted
    from bot.render_text import render
    from bot.runtime import prepare

    # One message and out: no one scrapes this process's metrics.
    app = build(settings, metrics=Uncounted())
    try:
        await prepare(app)
        reply, delivered = await say(app, who, text)
    finally:
        await app.close()
    if as_json:
        payload = reply.to_json()
        payload["delivered"] = delivered
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(render(reply))
        for note in delivered:
            print(f"\n--- bericht voor {note['to']} ---\n{note['text']}")
    return 0


async def say(app: App, who: str, text: str) -> tuple[Reply, list[dict[str, str]]]:
    """Push one message through the dispatcher as WHO; deliver queued messages to a collector."""
    from bot.adapters.console import CollectingAdapter
    from bot.render_text import render
    from bot.runtime import resolve_console_handle
    from core.messages import Invocation

    handle = await resolve_console_handle(app, who)
    reply = await app.dispatcher.handle(
        Invocation(platform="console", account=handle, chat=f"console:{handle}", text=text)
    )
    delivered: list[dict[str, str]] = []
    settings = app.settings
    if not (settings.slack.enabled or settings.telegram.enabled or settings.teams.enabled):
        collector = CollectingAdapter()
        app.add_adapter(collector)
        await app.delivery.flush()
        delivered = [{"to": to, "text": render(r)} for to, r in collector.sent]
    return reply, delivered


if __name__ == "__main__":
    raise SystemExit(main())
