"""The report's chart: a week of hourly traffic (P10–P90 band, P50 line) and planned staff.

Drawn on a bare ``Figure`` with the Agg canvas rather than pyplot: no display needed, and no
global figure state (or backend switch) shared with other code in the same process.
"""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta

import matplotlib.dates as mdates
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from pipelines.report.content import HORIZON_DAYS, StoreReport
from pipelines.report.i18n import TEXT, Language, short_day

# Opaque colours, so the band keeps one exact colour in the PNG (tests look for it on screen).
BAND_COLOUR = "#9ecae1"
MEDIAN_COLOUR = "#08519c"
STAFF_COLOUR = "#fdae6b"
WIDTH_IN, HEIGHT_IN, DPI = 9.0, 3.8, 100


def chart_png(report: StoreReport, language: Language) -> bytes:
    """PNG bytes of the week's chart (900×380 px)."""
    words = TEXT[language]
    start = datetime.combine(report.first_day, time())
    hours = [start + timedelta(hours=h) for h in range(HORIZON_DAYS * 24)]
    by_hour = {p.ts: p for p in report.hours}

    def series(field: str) -> np.ndarray:
        # NaN where an hour has no value, so lines and bands break over closed hours.
        values = [getattr(by_hour[h], field) if h in by_hour else None for h in hours]
        return np.array([np.nan if v is None else v for v in values], dtype=float)

    p10, p50, p90, staff = (series(f) for f in ("p10", "p50", "p90", "staff"))
    x = mdates.date2num(hours)

    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI)
    FigureCanvasAgg(figure)
    traffic = figure.add_subplot()
    staff_axis = traffic.twinx()
    # Staff behind the traffic: the bars are context, the forecast is the subject.
    traffic.set_zorder(staff_axis.get_zorder() + 1)
    traffic.patch.set_visible(False)

    staff_axis.bar(
        x,
        np.nan_to_num(staff),
        width=1 / 24,
        align="edge",
        color=STAFF_COLOUR,
        label=words["staff"],
        linewidth=0,
    )
    traffic.fill_between(
        x + 0.5 / 24, p10, p90, color=BAND_COLOUR, linewidth=0, label=words["band"]
    )
    traffic.plot(x + 0.5 / 24, p50, color=MEDIAN_COLOUR, linewidth=1.4, label=words["median"])
    if np.isnan(p50).all():
        traffic.text(0.5, 0.5, words["no_data"], transform=traffic.transAxes, ha="center")

    traffic.set_xlim(x[0], x[-1] + 1 / 24)
    top = 0.0 if np.isnan(p90).all() else float(np.nanmax(p90))
    traffic.set_ylim(0, max(top, 1.0) * 1.08)
    peak_staff = 0.0 if np.isnan(staff).all() else float(np.nanmax(staff))
    # Bars reach at most ~60% of the height, so they stay behind the traffic band, not over it.
    staff_axis.set_ylim(0, max(peak_staff, 1.0) * 1.6)
    staff_axis.yaxis.set_major_locator(MaxNLocator(integer=True))  # people come whole
    traffic.set_ylabel(words["traffic_axis"])
    staff_axis.set_ylabel(words["staff_axis"])
    days = [start + timedelta(days=d) for d in range(HORIZON_DAYS + 1)]
    traffic.set_xticks(mdates.date2num(days[:-1]) + 0.5)
    traffic.set_xticklabels([short_day(d, language) for d in days[:-1]])
    traffic.tick_params(axis="x", length=0)
    for boundary in mdates.date2num(days[1:-1]):
        traffic.axvline(boundary, color="#cccccc", linewidth=0.8)
    traffic.set_title(words["chart_title"], loc="left", fontsize=11)

    handles = [*traffic.get_legend_handles_labels()[0], *staff_axis.get_legend_handles_labels()[0]]
    # Legend under the day labels: inside the plot it would hide the evening peaks.
    traffic.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.1),
        fontsize=8,
        frameon=False,
        ncol=3,
    )
    figure.tight_layout()

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()
