"""The report as CSV: one row per figure (month, section, metric, value), for spreadsheets."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from reports.figures import MonthReport

HEADER = ("month", "section", "metric", "value")


def rows(report: MonthReport) -> Iterator[tuple[str, str, str | int | float]]:
    """(section, metric, value) for every figure; uncovered themes and wijken one per row."""
    h = report.handovers
    if h is not None:
        yield "handovers", "sent", h.sent
        yield "handovers", "accepted", h.accepted
        if h.median_hours_to_accept is not None:
            yield "handovers", "median_working_hours_to_accept", round(h.median_hours_to_accept, 2)
        yield "handovers", "accepted_within_one_working_day", h.accepted_within_one_day
        if h.share_within_one_day is not None:
            yield (
                "handovers",
                "share_accepted_within_one_working_day",
                round(h.share_within_one_day, 4),
            )
        yield "handovers", "declined", h.declined
        for reason, count in h.declines_by_reason.items():
            yield "handovers", f"declined_{reason}", count
        yield "handovers", "escalated", h.escalated
        yield "handovers", "still_open", h.still_open
    m = report.meetings
    if m is not None:
        yield "meetings", "held", m.held
        for kind, count in m.held_by_kind.items():
            yield "meetings", f"held_{kind}", count
        yield "meetings", "attendees", m.attendees
    if report.meeloop is not None:
        yield "meeloop", "groups", report.meeloop.groups
        yield "meeloop", "people", report.meeloop.people
        yield "meeloop", "walked_along", report.meeloop.walked_along
    yield "connections", "new", report.connections.new
    yield "connections", "cross_organisation", report.connections.cross_organisation
    k = report.knelpunten
    if k is not None:
        yield "knelpunten", "opened", k.opened
        yield "knelpunten", "solved", k.solved
        yield "knelpunten", "structural", k.structural
        yield "knelpunten", "unchangeable", k.unchangeable
        yield "knelpunten", "open_at_end", k.open_at_end
        yield "knelpunten", "me_too", k.me_too
    d = report.directory
    yield "directory", "active_people", d.active_people
    yield "directory", "stale", d.stale
    yield "directory", "themes", d.themes_total
    yield "directory", "themes_uncovered", len(d.themes_uncovered)
    yield "directory", "wijken", d.wijken_total
    yield "directory", "wijken_uncovered", len(d.wijken_uncovered)
    for key in d.themes_uncovered:
        yield "coverage", "theme_without_reachable_professional", key
    for name in d.wijken_uncovered:
        yield "coverage", "wijk_without_reachable_professional", name
    for section in report.missing:
        yield "missing", section, ""


def to_csv(report: MonthReport) -> str:
    """The CSV text (UTF-8, comma-separated, with a header)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for section, metric, value in rows(report):
        writer.writerow((str(report.month), section, metric, value))
    return buffer.getvalue()
