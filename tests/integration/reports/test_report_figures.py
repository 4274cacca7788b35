"""The November 2026 report from the seeded month, against sums worked out by hand."""

from __future__ import annotations

import pytest

from bot.bootstrap import App
from core.i18n import Translator
from reports.build import ReportOptions, build_report, trend
from reports.figures import MonthReport
from reports.period import Month
from reports.render import render_report
from tests.integration.reports.conftest import November

NOV = Month(2026, 11)


async def _report(app: App) -> MonthReport:
    async with app.deps.uow() as uow:
        return await build_report(
            uow.session, NOV, app.deps.clock.now(), ReportOptions.from_settings(app.settings)
        )


async def test_handover_figures(app: App, november: November) -> None:
    h = (await _report(app)).handovers
    assert h is not None
    # Sent in November: 9 (one from October and one from December left out).
    assert h.sent == 9
    # Accepted after 2.0, 3.0, 8.5, 17.0 and 1.0 working hours.
    assert h.accepted == 5
    assert h.median_hours_to_accept == pytest.approx(3.0)
    # Within one working day (8.5 h, inclusive): 2.0, 3.0, 8.5 and 1.0.
    assert h.accepted_within_one_day == 4
    assert h.share_within_one_day == pytest.approx(4 / 9)
    assert h.declined == 3
    assert h.declines_by_reason == {"capacity": 1, "other": 1, "theme": 1}
    assert h.escalated == 1
    assert h.still_open == 1


async def test_meeting_and_meeloop_figures(app: App, november: November) -> None:
    report = await _report(app)
    m = report.meetings
    assert m is not None
    # Tuesdays 3, 10 and 24 November (17 called off) and the dialoogtafel on the 12th;
    # October's intervisie and the cancelled casuïstiekoverleg do not count.
    assert m.held == 4
    assert m.held_by_kind == {"dialoogtafel": 1, "netwerkbijeenkomst": 3}
    # 'ja' without the waiting list: 3 + 2 + 1 + 4; the called-off Tuesday's 2 do not count.
    assert m.attendees == 10
    assert m.average_attendance == pytest.approx(2.5)
    assert report.meeloop is not None
    assert (report.meeloop.groups, report.meeloop.people, report.meeloop.walked_along) == (2, 5, 1)


async def test_connection_and_knelpunt_figures(app: App, november: November) -> None:
    report = await _report(app)
    # Four new acquaintances in November, three of them between different organisations.
    assert (report.connections.new, report.connections.cross_organisation) == (4, 3)
    k = report.knelpunten
    assert k is not None
    assert (k.opened, k.solved, k.structural, k.unchangeable) == (4, 1, 1, 1)
    # Open on 30 November: the one in progress, the new one, and October's closed in December.
    assert k.open_at_end == 3
    assert k.me_too == 2


async def test_directory_freshness_and_coverage(app: App, november: November) -> None:
    d = (await _report(app)).directory
    # Active: Anna, Bram, Chantal, Eva, Frank, Dirk. Not confirmed in 90 days: Bram and Dirk.
    assert (d.active_people, d.stale) == (6, 2)
    # Reachable on 30 November: Anna, Bram, Eva, and Dirk through his stand-in Eva.
    # Chantal has no phone, Frank is away without a stand-in, Gert is no longer active.
    for covered in ("schulden", "wonen", "ggz", "dakloosheid"):
        assert covered not in d.themes_uncovered
    for gap in ("jeugd", "werk", "inkomen"):
        assert gap in d.themes_uncovered
    assert len(d.themes_uncovered) == d.themes_total - 4
    assert d.wijken_total == 4
    assert d.wijken_uncovered == ("Oud-West", "Zuiderpark")


async def test_the_text_shows_totals_and_no_people(app: App, november: November) -> None:
    report = await _report(app)
    text = render_report(report, Translator.for_language("nl"))
    for line in (
        "Verstuurd: 9",
        "Geaccepteerd: 5 (mediaan 3,0 werkuur tot acceptatie)",
        "Binnen één werkdag geaccepteerd: 4 van 9 (44%)",
        "Afgewezen: 3 (geen ruimte: 1, anders: 1, past niet bij het thema: 1)",
        "Geëscaleerd: 1",
        "Gehouden: 4 (dialoogtafel 1, netwerkbijeenkomst 3)",
        "Aanmeldingen: 10 (gemiddeld 2,5 per bijeenkomst)",
        "Nieuwe kennismakingen: 4, waarvan 3 tussen organisaties",
        "Mee-loop-dagen: 2 koppels (5 mensen), 1 keer meegelopen",
        "Gemeld: 4; opgelost: 1; structureel opgepakt: 1; niet aan te passen: 1",
        "Sociale kaart (gegevens van 1 december 2026)",
        "Niet op tijd bevestigd: 2 van 6 (33%)",
        "Wijken zonder bereikbare professional: 2 van 4: Oud-West, Zuiderpark",
        "dit rapport noemt en rangschikt geen personen",
    ):
        assert line in text, f"{line!r} not in:\n{text}"
    for name in ("Anna", "Bram", "Chantal", "Dirk", "Eva", "Frank", "Gert", "Gast"):
        assert name not in text
    english = render_report(report, Translator.for_language("en"))
    assert "Accepted: 5 (median 3.0 working hours to acceptance)" in english
    assert "Directory (as of 1 December 2026)" in english


async def test_the_trend_goes_back_six_months(app: App, november: November) -> None:
    async with app.deps.uow() as uow:
        points = await trend(
            uow.session, NOV, app.deps.clock.now(), ReportOptions.from_settings(app.settings)
        )
    assert [str(p.month) for p in points] == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
    ]
    october, november_point = points[-2], points[-1]
    assert (october.handovers_sent, october.cross_organisation, october.meeloop_groups) == (1, 1, 1)
    assert (october.knelpunten_opened, october.knelpunten_closed) == (2, 0)
    assert (november_point.handovers_sent, november_point.accepted_within_one_day) == (9, 4)
    assert november_point.median_hours_to_accept == pytest.approx(3.0)
    assert (november_point.knelpunten_opened, november_point.knelpunten_closed) == (4, 3)
    assert november_point.meetings_held == 4 and october.meetings_held == 1
    assert points[0].handovers_sent == 0 and points[0].median_hours_to_accept is None


async def test_an_empty_month_reports_zeros_not_errors(app: App) -> None:
    report = await _report(app)
    assert report.handovers is not None and report.handovers.sent == 0
    assert report.handovers.median_hours_to_accept is None
    text = render_report(report, Translator.for_language("nl"))
    assert "Verstuurd: 0" in text and "Binnen één werkdag geaccepteerd: 0 van 0 (–)" in text
