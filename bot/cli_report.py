"""`krokodil report [--month 2026-11] [--csv FILE] [--chart FILE.png] [--lang en]`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Only for types: the CLI imports this module for its --help, which must stay quick.
    from core.config import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `krokodil report` to the CLI."""
    report = sub.add_parser("report", help="the monthly network report (totals only)")
    report.add_argument("--month", default="", help="YYYY-MM (default: last month)")
    report.add_argument("--csv", type=Path, help="also write the figures as CSV to this file")
    report.add_argument("--chart", type=Path, help="also write the trend chart (PNG) to this file")
    report.add_argument("--lang", default=None, help="nl or en (default: bot.language)")


def dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """Run `krokodil report`."""
    return asyncio.run(_report(args, settings))


async def _report(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from bot.bootstrap import build
    from core.errors import UserError
    from core.i18n import Translator
    from handlers.reports.monthly import parse_month
    from reports.build import ReportOptions
    from reports.export import to_csv
    from reports.publish import publish

    app = build(settings)
    tr = Translator.for_language(args.lang or settings.bot.language, settings.bot.timezone)
    now = app.deps.clock.now()
    try:
        month = parse_month(args.month, now, settings.bot.timezone)
        async with app.deps.uow() as uow:
            done = await publish(uow.session, month, now, ReportOptions.from_settings(settings), tr)
    except UserError as error:
        print(f"krokodil: {tr.gettext(error.msgid, **error.values)}", file=sys.stderr)
        return 2
    except (SQLAlchemyError, OSError) as error:
        print(
            f"krokodil: cannot read the database ({type(error).__name__}); "
            "is it reachable and migrated (`krokodil db upgrade`)?",
            file=sys.stderr,
        )
        return 1
    finally:
        await app.close()
    print(f"== {done.title} ==\n{done.text}")
    try:
        if args.csv:
            args.csv.write_text(to_csv(done.report), encoding="utf-8")
            print(f"\nCSV: {args.csv}")
        if args.chart:
            args.chart.write_bytes(done.chart)
            print(f"Chart: {args.chart}")
    except OSError as error:
        print(f"krokodil: cannot write: {error}", file=sys.stderr)
        return 1
    return 0
