"""The report's SVG trend chart: a text alternative, a table of the same numbers, escaped text."""

from __future__ import annotations

import re

from bot.web.chart import SERIES, svg, table
from core.i18n import Translator
from reports.build import TrendPoint
from reports.period import Month

NL = Translator.for_language("nl")


def _point(month: int, sent: int | None, opened: int | None = 2) -> TrendPoint:
    return TrendPoint(Month(2026, month), sent, 3, 4.0, 5, 1, 2, opened, 1)


def test_the_chart_is_an_image_with_a_title_and_a_description_of_every_month() -> None:
    markup = svg([_point(10, 8), _point(11, None)], NL, "Trend <laatste> maanden")
    assert markup.startswith("<svg") and 'role="img"' in markup
    assert '<title id="chart-title">Trend &lt;laatste&gt; maanden</title>' in markup
    desc = re.search(r'<desc id="chart-desc">(.*)</desc>', markup)
    assert desc is not None
    assert "oktober 2026: Warme overdrachten verstuurd: 8" in desc.group(1)
    assert "november 2026: Warme overdrachten verstuurd: geen gegevens" in desc.group(1)


def test_bars_are_drawn_to_scale() -> None:
    markup = svg([_point(10, 10, opened=5)], NL, "t")
    heights = [
        float(h)
        for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', markup)
    ]
    sent, opened = heights[0], heights[3]
    assert sent == 2 * opened


def test_the_table_holds_the_numbers_the_chart_draws() -> None:
    found = table([_point(10, 8), _point(11, None)], Translator.for_language("en"))
    assert len(found.headers) == len(SERIES) and found.headers[0] == "Warm handovers sent"
    assert found.rows[0] == ("October 2026", (8, 3, 5, 2, 1))
    assert found.rows[1][1][0] is None
