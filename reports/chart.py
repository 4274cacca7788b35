"""The trend chart attached to the monthly post: a PNG drawn with matplotlib's Agg backend.

Four small panels over the last months: handovers (and how many were accepted
within a working day), the median wait for acceptance, new cross-organisation
connections and mee-loop groups, and knelpunten opened versus closed.
"""

from __future__ import annotations

import io
from datetime import date

from core.i18n import Translator
from reports.build import TrendPoint

GREEN = "#2e7d32"
LIGHT = "#a5d6a7"
GREY = "#90a4ae"
PURPLE = "#6a1b9a"


def trend_chart(points: list[TrendPoint], tr: Translator, title: str = "") -> bytes:
    """PNG bytes of the trend panels."""
    # Imported here: matplotlib is heavy, and the figure is built without pyplot's global state.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    _ = tr.gettext
    labels = [tr.date(date(p.month.year, p.month.month, 1), "MMM yy") for p in points]
    xs = list(range(len(points)))
    figure = Figure(figsize=(10, 6.5), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    if title:
        figure.suptitle(title, fontsize=14)
    (top_left, top_right), (bottom_left, bottom_right) = figure.subplots(2, 2)

    def zeros(values: list[int | None]) -> list[int]:
        return [v or 0 for v in values]

    top_left.bar(xs, zeros([p.handovers_sent for p in points]), color=LIGHT, label=_("verstuurd"))
    top_left.bar(
        xs,
        zeros([p.accepted_within_one_day for p in points]),
        color=GREEN,
        width=0.5,
        label=_("binnen één werkdag geaccepteerd"),
    )
    top_left.set_title(_("Warme overdrachten"))
    top_left.legend(loc="upper left", fontsize=8)

    medians = [p.median_hours_to_accept for p in points]
    top_right.plot(
        [x for x, m in zip(xs, medians, strict=True) if m is not None],
        [m for m in medians if m is not None],
        marker="o",
        color=GREEN,
    )
    top_right.set_title(_("Mediaan werkuren tot acceptatie"))

    width = 0.4
    bottom_left.bar(
        [x - width / 2 for x in xs],
        [p.cross_organisation for p in points],
        width=width,
        color=GREEN,
        label=_("nieuwe verbindingen tussen organisaties"),
    )
    bottom_left.bar(
        [x + width / 2 for x in xs],
        zeros([p.meeloop_groups for p in points]),
        width=width,
        color=GREY,
        label=_("mee-loop-koppels"),
    )
    bottom_left.set_title(_("Elkaar kennen"))
    bottom_left.legend(loc="upper left", fontsize=8)

    bottom_right.bar(
        [x - width / 2 for x in xs],
        zeros([p.knelpunten_opened for p in points]),
        width=width,
        color=PURPLE,
        label=_("gemeld"),
    )
    bottom_right.bar(
        [x + width / 2 for x in xs],
        zeros([p.knelpunten_closed for p in points]),
        width=width,
        color=GREEN,
        label=_("afgerond"),
    )
    bottom_right.set_title(_("Knelpunten"))
    bottom_right.legend(loc="upper left", fontsize=8)

    for axes in (top_left, top_right, bottom_left, bottom_right):
        axes.set_xticks(xs, labels)
        axes.set_xlim(-0.6, len(xs) - 0.4)
        # Counts start at zero; an empty month still gets a readable axis.
        axes.set_ylim(0, max(axes.get_ylim()[1], 1.0))
        axes.spines[["top", "right"]].set_visible(False)
        if axes is not top_right:  # counts: whole numbers on the axis
            axes.yaxis.get_major_locator().set_params(integer=True)
    buffer = io.BytesIO()
    # No software/date metadata: the same figures give the same file.
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
