"""The clinic outcomes' charts: plotly figures as plain JSON from `journal.outcomes`' figures,
drawn like the patient chart (`journal.charts`: its config, colours and toolbar). A group of
fewer than five patients has no bar or point: its table row says so."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from journal.charts import BRAND, INK, MUTED, JSONDict, chart_config, plot_text
from journal.outcomes import AdherenceRow, MonthRow, RateRow, Window
from journal.wording import gettext as _

GRID, PAPER = "#e8edf1", "#ffffff"
SECOND = "#dd6b20"  # the chart accent (static/css/app.css --chart-accent): the second window
HEIGHT = 320


def _layout(y_title: str, x_title: str, *, showlegend: bool = True, **extra: Any) -> JSONDict:
    return {
        "height": HEIGHT,
        "margin": {"l": 56, "r": 14, "t": 30, "b": 96 if showlegend else 64},
        "font": {"family": "system-ui, sans-serif", "size": 12, "color": INK},
        "paper_bgcolor": PAPER,
        "plot_bgcolor": PAPER,
        "yaxis": {
            "title": {"text": y_title},
            "range": [0, 105],
            "ticksuffix": " %",
            "gridcolor": GRID,
            "fixedrange": True,
        },  # fmt: skip
        "xaxis": {"title": {"text": x_title}, "gridcolor": GRID, "automargin": True},
        "modebar": {"color": MUTED, "activecolor": BRAND, "bgcolor": "rgba(255,255,255,0.92)"},
        "showlegend": showlegend,
        # Under the axis title, as on the patient chart (static/js/chart.js makes room for it).
        "legend": {"orientation": "h", "x": 0, "y": 0, "yref": "container", "yanchor": "bottom"},
        "hovermode": "closest",
        **extra,
    }


def _figure(data: list[JSONDict], layout: JSONDict) -> JSONDict:
    return {"data": data, "layout": layout, "config": chart_config()}


def _shown(rows: Sequence[RateRow]) -> list[RateRow]:
    return [row for row in rows if row.percent is not None]


def _bars(rows: Sequence[RateRow], name: str, colour: str) -> JSONDict:
    shown = _shown(rows)
    return {
        "type": "bar",
        "name": plot_text(name),
        "x": [plot_text(str(row.group)) for row in shown],
        "y": [row.percent for row in shown],
        "customdata": [[row.count, row.n] for row in shown],
        "text": [f"{row.percent} %" for row in shown],
        "textposition": "outside",
        "marker": {"color": colour},
        "cliponaxis": False,
        "hovertemplate": "%{x}: %{y} % (%{customdata[0]}/%{customdata[1]})<extra>%{fullData.name}</extra>",
    }


def responder_figure(rates: Sequence[tuple[Window, Sequence[RateRow]]], x_title: str) -> JSONDict:
    """Responders in % of the patients judged, one bar per group and window."""
    colours = (BRAND, SECOND)
    data = [
        _bars(rows, str(window.label), colour) for (window, rows), colour in zip(rates, colours, strict=False)
    ]
    return _figure(data, _layout(_("Responders"), x_title, barmode="group"))


def survival_figure(months: Sequence[MonthRow]) -> JSONDict:
    """Still on LDN, month by month, while at least five patients are followed."""
    shown = [row for row in months if row.percent is not None]
    trace = {
        "type": "scatter",
        "mode": "lines+markers",
        "name": plot_text(_("Still on LDN")),
        "x": [row.month for row in shown],
        "y": [row.percent for row in shown],
        "customdata": [row.at_risk for row in shown],
        "line": {"shape": "hv", "color": BRAND, "width": 3},
        "hovertemplate": _("Month") + " %{x}: %{y} % (n = %{customdata})<extra></extra>",
    }
    return _figure([trace], _layout(_("Still on LDN"), _("Months since the first dose"), showlegend=False))


def side_effect_figure(rows: Sequence[RateRow]) -> JSONDict:
    """Step-ups followed by a new side effect within 14 days, by step size."""
    layout = _layout(_("Share of step-ups"), _("Step size"), showlegend=False)
    return _figure([_bars(rows, _("Step-ups"), BRAND)], layout)


def adherence_figure(rows: Sequence[AdherenceRow]) -> JSONDict:
    """The median share of prescribed days logged, by group."""
    shown = [row for row in rows if row.median_percent is not None]
    trace = {
        "type": "bar",
        "name": plot_text(_("Median days logged")),
        "x": [plot_text(str(row.group)) for row in shown],
        "y": [row.median_percent for row in shown],
        "customdata": [row.patients for row in shown],
        "text": [f"{row.median_percent} %" for row in shown],
        "textposition": "outside",
        "marker": {"color": BRAND},
        "hovertemplate": "%{x}: %{y} % (n = %{customdata})<extra></extra>",
    }
    layout = _layout(_("Median days logged"), "", showlegend=False)
    return _figure([trace], layout)
