"""The report leaves the building: /rapport in chat, the monthly post, CSV and chart files, CLI."""

from __future__ import annotations

import asyncio
import csv
import io
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.cli import main
from core.clock import FrozenClock
from core.errors import UserError
from core.i18n import Translator
from core.outbox import OutboxMessage
from handlers.reports.monthly import parse_month, post_monthly
from reports.build import ReportOptions
from reports.export import to_csv
from reports.period import Month
from reports.publish import publish
from tests.integration.reports.conftest import November
from tests.integration.reports.seed import local
from tests.support import Chat, make_person

PNG = b"\x89PNG\r\n\x1a\n"


async def test_rapport_in_chat_for_oliemannetjes_only(
    app: App, chat: Chat, november: November
) -> None:
    await make_person(
        app, "Ricardo Doelwijt", email="r.doelwijt@example.org", roles=["oliemannetje"]
    )
    await make_person(app, "Joost de Wit", email="joost@example.org")
    reply = await chat.as_("r.doelwijt").say("/rapport")
    assert reply.title == "Netwerkrapport november 2026"
    assert "Verstuurd: 9" in reply.text and "Nieuwe kennismakingen: 4" in reply.text
    (chart,) = reply.attachments
    assert chart.filename == "netwerkrapport-2026-11.png" and chart.content.startswith(PNG)
    october = await chat.say("/rapport 2026-10")
    assert october.title == "Netwerkrapport oktober 2026" and "Verstuurd: 1" in october.text
    by_name = await chat.say("/rapport oktober")
    assert by_name.title == october.title
    wrong = await chat.say("/rapport 2026-13")
    assert "Geef een maand als jjjj-mm" in wrong.text
    # A year typed wrong gives no report of zeros that looks real.
    future = await chat.say("/rapport 2027-11")
    assert future.text == "2027-11 is nog niet begonnen: er is nog niets te tellen."
    assert not future.attachments
    refused = await chat.as_("joost").say("/rapport")
    assert "voor oliemannetjes, procesregisseurs en beheerders" in refused.text
    assert not refused.attachments


def test_month_words() -> None:
    now = local(2026, 12, 1, 9)
    assert parse_month("", now, "Europe/Amsterdam") == Month(2026, 11)
    assert parse_month("deze", now, "Europe/Amsterdam") == Month(2026, 12)
    assert parse_month("december", now, "Europe/Amsterdam") == Month(2026, 12)
    assert parse_month("januari", now, "Europe/Amsterdam") == Month(2026, 1)
    assert parse_month("2025-02", now, "Europe/Amsterdam") == Month(2025, 2)
    with pytest.raises(UserError):
        parse_month("2027-01", now, "Europe/Amsterdam")
    # Midnight on 1 December in Amsterdam is still 30 November in UTC.
    assert Month.of(local(2026, 12, 1, 0, 30), "Europe/Amsterdam") == Month(2026, 12)


async def test_csv_and_chart_files(app: App, november: November) -> None:
    async with app.deps.uow() as uow:
        done = await publish(
            uow.session,
            Month(2026, 11),
            app.deps.clock.now(),
            ReportOptions.from_settings(app.settings),
            Translator.for_language("nl"),
        )
    rows = list(csv.reader(io.StringIO(to_csv(done.report))))
    assert rows[0] == ["month", "section", "metric", "value"]
    table = {(r[1], r[2]): r[3] for r in rows[1:]}
    assert table[("handovers", "sent")] == "9"
    assert table[("handovers", "median_working_hours_to_accept")] == "3.0"
    assert table[("handovers", "share_accepted_within_one_working_day")] == "0.4444"
    assert table[("handovers", "declined_capacity")] == "1"
    assert table[("meetings", "attendees")] == "10"
    assert table[("connections", "cross_organisation")] == "3"
    assert table[("knelpunten", "open_at_end")] == "3"
    assert table[("directory", "stale")] == "2"
    gaps = [r[3] for r in rows if r[2] == "wijk_without_reachable_professional"]
    assert gaps == ["Oud-West", "Zuiderpark"]
    assert all(r[0] == "2026-11" for r in rows[1:])
    assert done.chart.startswith(PNG) and len(done.chart) > 20_000


async def test_the_cli_prints_and_writes_files(
    app: App,
    november: November,
    database_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    csv_file, png_file = tmp_path / "nov.csv", tmp_path / "nov.png"
    code = await asyncio.to_thread(
        main,
        [
            "--db",
            database_url,
            "report",
            "--month",
            "2026-11",
            "--csv",
            str(csv_file),
            "--chart",
            str(png_file),
        ],
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "== Netwerkrapport november 2026 ==" in out and "Verstuurd: 9" in out
    assert csv_file.read_text(encoding="utf-8").startswith("month,section,metric,value\n")
    assert png_file.read_bytes().startswith(PNG) and png_file.stat().st_size > 20_000
    english = await asyncio.to_thread(
        main, ["--db", database_url, "report", "--month", "2026-11", "--lang", "en"]
    )
    assert english == 0 and "Network report November 2026" in capsys.readouterr().out
    bad = await asyncio.to_thread(main, ["--db", database_url, "report", "--month", "11-2026"])
    assert bad == 2 and "jjjj-mm" in capsys.readouterr().err


async def test_the_monthly_post_goes_out_once(
    app: App, chat: Chat, clock: FrozenClock, november: November
) -> None:
    app.deps.settings = replace(
        app.deps.settings, reports=replace(app.deps.settings.reports, channel="console:netwerk")
    )
    assert app.ticker is not None
    clock.set(local(2026, 12, 1, 8, 59))
    assert (await app.ticker.run_pass())["reports.monthly"] == 0
    clock.set(local(2026, 12, 1, 9, 0))
    results = await asyncio.gather(
        post_monthly(app.deps, clock.now()),
        post_monthly(app.deps, clock.now()),
        return_exceptions=True,
    )
    assert sorted(r for r in results if isinstance(r, int)) in ([0, 1], [1])
    clock.advance(timedelta(days=3))
    assert (await app.ticker.run_pass())["reports.monthly"] == 0
    await chat.deliver()
    posts = chat.messages_for("netwerk")
    assert len(posts) == 1
    assert "== Netwerkrapport november 2026 ==" in posts[0]
    assert "📎 netwerkrapport-2026-11.png" in posts[0]
    async with app.deps.uow() as uow:
        rows = list(
            await uow.session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "report.monthly")
            )
        )
    assert [r.dedupe_key for r in rows] == ["report:2026-11"]
    # Next month, the next report.
    clock.set(local(2027, 1, 4, 10))
    assert (await app.ticker.run_pass())["reports.monthly"] == 1


async def test_no_channel_no_post(app: App, clock: FrozenClock) -> None:
    clock.set(local(2026, 12, 1, 10))
    assert await post_monthly(app.deps, clock.now()) == 0
