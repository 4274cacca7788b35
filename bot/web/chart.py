"""The report's trend as an SVG bar chart: drawn on the server, no script, with a data table.

The SVG carries a title and description for screen readers; the page puts a table with the
same numbers next to it, so nobody depends on seeing the bars.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

from core.i18n import N_, Translator
from reports.build import TrendPoint

# Dark enough against white for graphics (WCAG 1.4.11, at least 3:1).
COLOURS = ("#1b5e20", "#0d47a1", "#6a1b9a", "#8d4b00", "#37474f")
SERIES = (
    ("handovers_sent", N_("Warme overdrachten verstuurd")),
    ("accepted_within_one_day", N_("Binnen één werkdag geaccepteerd")),
    ("cross_organisation", N_("Nieuwe contacten tussen organisaties")),
    ("knelpunten_opened", N_("Knelpunten gemeld")),
    ("knelpunten_closed", N_("Knelpunten afgerond")),
)
WIDTH, HEIGHT = 760, 320
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 110


@dataclass(frozen=True)
class Table:
    """The chart's numbers as rows: a month label, then one value per series (None: no data)."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, tuple[int | None, ...]], ...]


def table(points: list[TrendPoint], tr: Translator) -> Table:
    """The numbers the chart draws."""
    return Table(
        headers=tuple(tr.gettext(label) for _key, label in SERIES),
        rows=tuple(
            (
                tr.date(date(p.month.year, p.month.month, 1), "MMMM yyyy"),
                tuple(getattr(p, key) for key, _label in SERIES),
            )
            for p in points
        ),
    )


def svg(points: list[TrendPoint], tr: Translator, title: str) -> str:
    """Grouped bars per month; the markup is escaped here and safe to put in the page."""
    data = table(points, tr)
    highest = max([v or 0 for _m, values in data.rows for v in values] + [1])
    step = _nice_step(highest)
    top_value = step * -(-highest // step)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    group = plot_w / max(len(data.rows), 1)
    bar = group * 0.8 / len(SERIES)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'role="img" aria-labelledby="chart-title chart-desc" focusable="false">',
        f'<title id="chart-title">{escape(title)}</title>',
        f'<desc id="chart-desc">{escape(_description(data, tr))}</desc>',
    ]
    for tick in range(0, top_value + 1, step):
        y = TOP + plot_h - plot_h * tick / top_value
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" '
            'stroke="#767676" stroke-width="0.5"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1a1a1a">{tick}</text>'
        )
    for index, (month, values) in enumerate(data.rows):
        x0 = LEFT + group * index + group * 0.1
        for series, value in enumerate(values):
            height = plot_h * (value or 0) / top_value
            x = x0 + bar * series
            parts.append(
                f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{bar * 0.9:.1f}" '
                f'height="{height:.1f}" fill="{COLOURS[series]}"/>'
            )
        parts.append(
            f'<text x="{LEFT + group * index + group / 2:.1f}" y="{TOP + plot_h + 16}" '
            f'text-anchor="middle" font-size="12" fill="#1a1a1a">{escape(_short(month))}</text>'
        )
    for series, header in enumerate(data.headers):
        x = LEFT + (series % 3) * 240
        y = HEIGHT - BOTTOM + 44 + (series // 3) * 22
        parts.append(
            f'<rect x="{x}" y="{y - 11}" width="12" height="12" fill="{COLOURS[series]}"/>'
            f'<text x="{x + 18}" y="{y}" font-size="12" fill="#1a1a1a">{escape(header)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _nice_step(highest: int) -> int:
    for step in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000):
        if highest / step <= 6:
            return step
    return 10 ** len(str(highest))


def _short(month: str) -> str:
    """'november 2026' → 'nov 2026' for the axis."""
    name, _sep, year = month.partition(" ")
    return f"{name[:3]} {year}"


def _description(data: Table, tr: Translator) -> str:
    """One sentence per month, for screen readers."""
    lines = []
    for month, values in data.rows:
        shown = [
            f"{header}: {value if value is not None else tr.gettext('geen gegevens')}"
            for header, value in zip(data.headers, values, strict=True)
        ]
        lines.append(f"{month}: " + "; ".join(shown))
    return ". ".join(lines)
