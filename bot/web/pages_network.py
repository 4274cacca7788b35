"""Coordinator pages: Dekking (coverage), Netwerkrapport (the monthly report) and their CSV.

Only oliemannetjes, procesregisseurs and admins see them (403 with an explanation for
anyone else). Aggregates and the map's quality only, never a ranking of people.
"""

from __future__ import annotations

from datetime import date

from aiohttp import web
from markupsafe import Markup

from bot.http_key import APP_KEY
from bot.web import chart, guard
from core.errors import UserError
from handlers.reports.monthly import parse_month
from reports import coverage as coverage_mod
from reports.build import ReportOptions, build_report, trend
from reports.export import to_csv
from reports.period import Month
from reports.render import render_report

PICKER_MONTHS = 12


async def coverage_page(request: web.Request) -> web.Response:
    """GET /web/dekking: the theme × wijk matrix, thin and empty cells marked, and the lists."""
    viewer = guard.require(request, coordinator=True)
    found = await _coverage(request)
    _ = viewer.tr.gettext
    return guard.render(
        request,
        "dekking.html",
        {"title": _("Dekking van de sociale kaart"), "c": found, "thin": coverage_mod.THIN},
    )


async def coverage_csv(request: web.Request) -> web.Response:
    """GET /web/dekking.csv: the same as the page, as CSV."""
    viewer = guard.require(request, coordinator=True)
    found = await _coverage(request)
    day = found.at.date().isoformat()
    return _csv(coverage_mod.to_csv(found, viewer.tr.language), f"dekking-{day}.csv")


async def _coverage(request: web.Request) -> coverage_mod.Coverage:
    app = request.app[APP_KEY]
    async with app.deps.uow() as uow:
        return await coverage_mod.coverage(
            uow.session, app.deps.clock.now(), app.settings.directory.freshness_days
        )


async def report_page(request: web.Request) -> web.Response:
    """GET /web/rapport?maand=YYYY-MM: the figures, the trend as SVG with its table, CSV link."""
    viewer = guard.require(request, coordinator=True)
    app = request.app[APP_KEY]
    tr = viewer.tr
    _ = tr.gettext
    now = app.deps.clock.now()
    timezone = app.settings.bot.timezone
    try:
        month = parse_month(request.query.get("maand", ""), now, timezone)
    except UserError as error:
        return guard.message(
            request, _("Onbekende maand"), [tr.gettext(error.msgid, **error.values)], status=400
        )
    options = ReportOptions.from_settings(app.settings)
    async with app.deps.uow() as uow:
        report = await build_report(uow.session, month, now, options)
        points = await trend(uow.session, month, now, options)
    title = _(
        "Netwerkrapport {month}", month=tr.date(date(month.year, month.month, 1), "MMMM yyyy")
    )
    current = Month.of(now, timezone)
    picker = [
        (str(m), tr.date(date(m.year, m.month, 1), "MMMM yyyy"))
        for m in reversed(current.last(PICKER_MONTHS))
    ]
    return guard.render(
        request,
        "rapport.html",
        {
            "title": title,
            "month": str(month),
            "picker": picker,
            "sections": sections(render_report(report, tr)),
            "svg": Markup(chart.svg(points, tr, _("Trend van de laatste maanden"))),
            "table": chart.table(points, tr),
        },
    )


async def report_csv(request: web.Request) -> web.Response:
    """GET /web/rapport.csv?maand=YYYY-MM: every figure of the month as a row."""
    guard.require(request, coordinator=True)
    app = request.app[APP_KEY]
    now = app.deps.clock.now()
    try:
        month = parse_month(request.query.get("maand", ""), now, app.settings.bot.timezone)
    except UserError as error:
        raise web.HTTPBadRequest(text="unknown month") from error
    async with app.deps.uow() as uow:
        report = await build_report(
            uow.session, month, now, ReportOptions.from_settings(app.settings)
        )
    return _csv(to_csv(report), f"netwerkrapport-{month}.csv")


def sections(text: str) -> list[tuple[str, list[str]]]:
    """The report's text as (heading, its indented lines); a line on its own has no items."""
    found: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        if line.startswith(" ") and found:
            found[-1][1].append(line.strip())
        else:
            found.append((line.strip(), []))
    return found


def _csv(body: str, filename: str) -> web.Response:
    return web.Response(
        text=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def add_routes(web_app: web.Application) -> None:
    """The coordinators' pages."""
    web_app.router.add_get("/web/dekking", coverage_page)
    web_app.router.add_get("/web/dekking.csv", coverage_csv)
    web_app.router.add_get("/web/rapport", report_page)
    web_app.router.add_get("/web/rapport.csv", report_csv)
