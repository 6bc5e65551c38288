"""The patient chart: a plotly figure built from plain data (`journal.assessment.PatientRecord`).

Every panel shares one time axis, so a clinician sees whether a side effect followed a
step-up (DOMAIN.md, "What this means"): the dose panel (prescribed step line, doses taken,
missed and unlogged days), one small panel per lab test recorded (each result with its
laboratory's reference range shaded behind it), one panel per measure (daily scores faint, 7-day rolling mean
bold) and a side-effect strip (one row per kind, colour by severity). The baseline week,
the 8–10-week and the 3–6-month windows [003] are shaded and labelled, even while still
ahead; the first dose and every step change are marked.

The figure is built as plain JSON, as plotly.js reads it (plotly's Python graph objects
cost three times as long; the tests check every figure against plotly's own schema), and
reaches the browser through `json_script` + static/js/chart.js (the CSP forbids inline
scripts), with the plotly config it is drawn with (`PLOTLY_CONFIG`, the only one: chart.js
draws no figure without it). It is kept small: ISO dates, means rounded to one decimal,
hover text from per-trace templates rather than per-point strings, no template.
Six months of eight symptoms stay well under 200 KB (tests/test_charts.py).
"""

from __future__ import annotations

import copy
import datetime as dt
import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from journal.advice import count_adherence_between
from journal.assessment import Measure, PatientRecord
from journal.bounds import SERIES_MAX_DAYS
from journal.labs import LabValue, by_test, lab_number_words, range_words
from journal.questionnaires import ScoredAnswer
from journal.response import BASELINE_DAYS, FULL_RESPONSE_WINDOW, INITIAL_EFFECT_WINDOW, rolling_mean
from journal.schedule import DAY, Dose
from journal.vocabulary import (
    SEVERITY_COLOURS,
    SIDE_EFFECTS,
    direction_label,
    severity_words,
    side_effect_short,
)
from journal.wording import gettext as _

JSONDict = dict[str, Any]  # a plotly figure, layout, trace, shape or annotation as plain JSON

# Short labels: the strip's row names share the left margin with every panel's ticks.
SIDE_EFFECT_LABELS = {kind: words.short for kind, words in SIDE_EFFECTS.items()}
INK, MUTED, BRAND = "#1b2733", "#5b6875", "#1d5c63"
OUTSIDE_RANGE = "#a11d2a"  # a lab result outside its laboratory's range, as a missed dose is marked
RANGE_FILL = "rgba(29, 92, 99, 0.12)"  # BRAND, faint: the reference range behind the results

# Pixel heights: fixed per panel so a chart with many symptoms grows taller, not cramped.
DOSE_PANEL_PX, MEASURE_PANEL_PX, LAB_PANEL_PX, STRIP_ROW_PX, GAP_PX = 120, 90, 80, 18, 34
MARGIN = {"l": 64, "r": 14, "t": 76, "b": 96}  # t: the window labels, under the toolbar
LABEL_ROW_SHIFT_PX = 18  # window labels sit this far above the top panel, over its title


# The toolbar offers only what keeps the data on the page: zoom, pan, reset and download as
# an image (drawn in the browser). plotly.js 4 adds a "Share chart..." button by default that
# opens Plotly's cloud service in a new window and posts the whole figure to it, which the
# Content-Security-Policy does not stop: an explicit list of buttons leaves it out (and any
# button a later plotly.js adds), and the settings after it switch off each way to send a
# chart away. plotly.js ignores keys it does not know: showLink, sendData and
# showEditInChartStudio only exist in older bundles, kept off should one ever be served.
MODEBAR_BUTTONS = ("zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "resetScale2d", "toImage")
PLOTLY_CONFIG = {
    "modeBarButtons": [list(MODEBAR_BUTTONS[:-1]), [MODEBAR_BUTTONS[-1]]],
    "showSendToCloud": False,
    "plotlyServerURL": "",
    "showEditInChartStudio": False,
    "showLink": False,
    "sendData": False,
    "displaylogo": False,
    "responsive": True,
    "toImageButtonOptions": {"format": "png", "filename": "ldn-journal-chart"},
}


def plot_text(words: str) -> str:
    """A person's words (a clinic's symptom name, a patient's side effect) as plotly text:
    plotly draws <b>, <a href>, <span style> and the like in any text it is given, so the
    words are escaped and shown as typed. They never go into a hover template, where %{…}
    would be a placeholder: traces carry them in `meta` or `text`. Quotes stay: plotly decodes
    only a few entities, and without < and > no tag can begin."""
    return html.escape(words, quote=False)


def chart_config() -> JSONDict:
    """A copy of the one plotly config every figure is drawn with."""
    return copy.deepcopy(PLOTLY_CONFIG)


@dataclass(frozen=True)
class ChartRange:
    """One of the chart's time-range buttons: the time axis from `first` up to (not
    including) `end`. The page draws these as HTML buttons (keyboard-operable, unlike
    plotly's own buttons inside the SVG); static/js/chart.js applies `xaxis_range`."""

    label: str
    first: dt.date
    end: dt.date
    selected: bool = False

    @property
    def xaxis_range(self) -> list[str]:
        return [_iso(self.first), _iso(self.end)]


SO_FAR_UNTIL = 56 * DAY  # under 8 weeks of chart so far, "So far" is shown first
SO_FAR_MIN_DAYS = 28 * DAY  # and at least 4 weeks wide, so one week is a readable stretch


def chart_ranges(record: PatientRecord) -> list[ChartRange]:
    """8 weeks, 3 months, 6 months up to today, and everything from the baseline to the end
    of the 3–6-month window (shown first; under 8 weeks of chart, "So far" is shown first).
    Explicit ranges rather than plotly's range selector, which counts back from the end of
    the current view: with the response windows still ahead that end lies in the future,
    and "8 weeks" would show empty weeks."""
    first, last = chart_span(record)
    end = record.today + DAY
    spans = [(_("8 weeks"), 56), (_("3 months"), 91), (_("6 months"), 182)]
    ranges = [ChartRange(label, record.today - (days - 1) * DAY, end) for label, days in spans]
    if end - first >= SO_FAR_UNTIL:
        return [*ranges, ChartRange(_("All"), first, last + DAY, selected=True)]
    # The first weeks: what there is, at a readable scale, rather than a sliver at the left
    # of the axis up to the 3–6-month window.
    so_far = ChartRange(_("So far"), first, max(end, first + SO_FAR_MIN_DAYS), selected=True)
    return [so_far, *ranges, ChartRange(_("All"), first, last + DAY)]


@dataclass(frozen=True)
class ShadedWindow:
    label: str
    first_day: dt.date
    last_day: dt.date
    colour: str


def response_windows(first_dose: dt.date) -> list[ShadedWindow]:
    """The baseline week before the first dose and the two response windows [003]."""

    def days(offset: int) -> dt.date:
        return first_dose + offset * DAY

    return [
        ShadedWindow(_("baseline"), days(-BASELINE_DAYS), days(-1), "rgba(91,104,117,0.14)"),
        ShadedWindow(
            _("8–10<br>weeks"),
            days(INITIAL_EFFECT_WINDOW[0]),
            days(INITIAL_EFFECT_WINDOW[1]),
            "rgba(227,178,60,0.20)",
        ),
        ShadedWindow(
            _("3–6<br>months"),
            days(FULL_RESPONSE_WINDOW[0]),
            days(FULL_RESPONSE_WINDOW[1]),
            "rgba(30,107,58,0.12)",
        ),
    ]


def chart_span(record: PatientRecord) -> tuple[dt.date, dt.date]:
    """First and last day the chart can show: from the baseline week (or the first entry, or
    the first lab sample, if earlier) to today, or to the end of the 3–6-month window while
    that is still ahead; never more than `SERIES_MAX_DAYS` (three years) before today — older
    days are in the CSV."""
    first_dose = record.first_dose
    starts = [entry.day for entry in record.entries[:1]] + [result.day for result in record.labs[:1]]
    ends = [record.today]
    if first_dose:
        starts.append(first_dose - BASELINE_DAYS * DAY)
        ends.append(first_dose + FULL_RESPONSE_WINDOW[1] * DAY)
    earliest = record.today - (SERIES_MAX_DAYS - 1) * DAY
    return max(min(starts, default=record.today), earliest), max(ends)


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _scatter(**attributes: Any) -> JSONDict:
    """A scatter trace as plotly.js reads it (tests/test_charts.py checks every figure against
    plotly's own schema; building it through plotly's graph objects cost half a page)."""
    return {"type": "scatter", **attributes}


def _prescribed_line(record: PatientRecord, first: dt.date) -> JSONDict:
    """The prescription as a step line: one point where it changes, drawn to the end of
    today; gaps before the first dose, during pauses and after a plan ends."""
    xs: list[str] = []
    ys: list[float | None] = []
    words: list[str] = []
    previous: Dose | None | bool = False  # False: nothing drawn yet
    day = first
    while day <= record.today:
        step = record.schedule.step_on(day)
        if step != previous:
            xs.append(_iso(day))
            ys.append(float(step.dose_mg) if step else None)
            words.append(step.phrase if step else _("none"))
            previous = step
        day += DAY
    if xs:
        xs.append(_iso(record.today + DAY))
        ys.append(ys[-1])
        words.append(words[-1])
    return _scatter(
        x=xs,
        y=ys,
        text=words,
        name=_("Prescribed"),
        mode="lines",
        line={"color": BRAND, "width": 2.5, "shape": "hv"},
        connectgaps=False,
        hovertemplate="%{text}<extra>" + _("prescribed") + "</extra>",
        legendgroup="dose",
    )


def _dose_markers(record: PatientRecord, first: dt.date) -> list[JSONDict]:
    """Doses taken (by when they were taken), logged as not taken, and prescribed days
    with no entry (today excepted: the day is not over)."""
    logged = {entry.day: entry for entry in record.entries}
    taken: dict[str, tuple[list[str], list[float]]] = {
        "bedtime": ([], []),
        "morning": ([], []),
        "evening": ([], []),
        "other": ([], []),
    }
    for entry in record.entries:
        if entry.dose_taken and entry.dose_mg is not None:
            xs, ys = taken.get(entry.timing_taken, taken["other"])
            xs.append(_iso(entry.day))
            ys.append(float(entry.dose_mg))
    missed: tuple[list[str], list[float]] = ([], [])
    unlogged: tuple[list[str], list[float]] = ([], [])
    day = max(first, record.first_dose or record.today)
    while day < record.today:
        step = record.prescribed(day)
        logged_today = logged.get(day)
        if step is not None and (logged_today is None or not logged_today.dose_taken):
            xs, ys = missed if logged_today else unlogged
            xs.append(_iso(day))
            ys.append(float(step.dose_mg))
        day += DAY
    styles = [
        (taken["bedtime"], _("Taken at bedtime"), {"symbol": "circle", "color": INK, "size": 5}, _("taken")),
        (
            taken["morning"],
            _("Taken in the morning"),
            {"symbol": "diamond", "color": "#dd6b20", "size": 6},
            _("taken"),
        ),
        (
            taken["evening"],
            _("Taken in the evening"),
            {"symbol": "triangle-up", "color": INK, "size": 6},
            _("taken"),
        ),
        (
            taken["other"],
            _("Taken at another time"),
            {"symbol": "square", "color": MUTED, "size": 5},
            _("taken"),
        ),
        (missed, _("Not taken"), {"symbol": "x", "color": "#a11d2a", "size": 8}, _("not taken")),
        (unlogged, _("Not logged"), {"symbol": "circle-open", "color": MUTED, "size": 7}, _("not logged")),
    ]
    return [
        _scatter(
            x=xs,
            y=ys,
            name=name,
            mode="markers",
            marker=marker,
            legendgroup="dose",
            hovertemplate=f"%{{y}}<extra>{what}</extra>",
        )  # the axis adds " mg"
        for (xs, ys), name, marker, what in styles
        if xs
    ]


def _top_dose(record: PatientRecord) -> float:
    """Head room above the highest dose prescribed or taken, so markers are not clipped."""
    doses = [step.dose_mg for step in record.schedule.effective]
    doses += [entry.dose_mg for entry in record.entries if entry.dose_mg is not None]
    return round(float(max(doses, default=1)) * 1.2, 2)


def _measure_traces(measure: Measure, first_in_legend: bool) -> list[JSONDict]:
    means = rolling_mean(measure.series)
    days = [_iso(day) for day, _ in means]
    return [
        _scatter(
            x=days,
            y=[score for _, score in sorted(measure.series)],
            customdata=[round(mean, 1) for _, mean in means],
            name=_("Daily score"),
            mode="markers",
            legendgroup="daily",
            showlegend=first_in_legend,
            marker={"color": MUTED, "size": 4, "opacity": 0.45},
            meta=plot_text(measure.name),
            hovertemplate="%{y} (" + _("7-day mean") + " %{customdata})<extra>%{meta}</extra>",
        ),
        _scatter(
            x=days,
            y=[round(mean, 1) for _, mean in means],
            name=_("7-day mean"),
            mode="lines",
            legendgroup="mean",
            showlegend=first_in_legend,
            line={"color": BRAND, "width": 2.5},
            hoverinfo="skip",
        ),
    ]


def _lab_traces(results: list[LabValue], today: dt.date, first_in_legend: bool) -> list[JSONDict]:
    """One test's results (oldest first): the laboratory's range as a shaded band from each
    result on (a step, since a later laboratory may print another range), and the values
    joined by a line, those outside their range marked. Hover: value, unit, range, laboratory."""
    ranged = [result for result in results if result.low is not None and result.high is not None]
    traces = []
    if ranged:
        band_days = [_iso(result.day) for result in ranged] + [_iso(max(today, ranged[-1].day))]
        lows = [float(result.low or 0) for result in ranged]
        highs = [float(result.high or 0) for result in ranged]
        edge = {
            "mode": "lines",
            "line": {"width": 0, "shape": "hv"},
            "hoverinfo": "skip",
            "legendgroup": "range",
        }
        traces += [
            _scatter(x=band_days, y=[*lows, lows[-1]], name=_("Reference range"), showlegend=False, **edge),
            _scatter(
                x=band_days,
                y=[*highs, highs[-1]],
                name=_("Reference range"),
                fill="tonexty",
                fillcolor=RANGE_FILL,
                showlegend=first_in_legend,
                **edge,
            ),
        ]
    traces.append(
        _scatter(
            x=[_iso(result.day) for result in results],
            y=[float(result.value) for result in results],
            customdata=[
                [
                    plot_text(f"{lab_number_words(result.value)} {result.unit}".strip()),
                    plot_text(range_words(result.low, result.high) or "no range given"),
                    plot_text(result.laboratory or "laboratory not named"),
                ]
                for result in results
            ],
            name=_("Lab result"),
            mode="lines+markers",
            legendgroup="labs",
            showlegend=first_in_legend,
            line={"color": INK, "width": 1.5},
            marker={
                "color": [OUTSIDE_RANGE if result.outside_range else INK for result in results],
                "size": 8,
                "symbol": ["diamond" if result.outside_range else "circle" for result in results],
            },
            meta=plot_text(results[0].test),
            hovertemplate=(
                "%{customdata[0]} (range %{customdata[1]}) · %{customdata[2]}<extra>%{meta}</extra>"
            ),
        )
    )
    return traces


def answers_by_title(answers: Sequence[ScoredAnswer]) -> dict[str, list[ScoredAnswer]]:
    """A patient's questionnaire answers, each questionnaire's in a panel of its own."""
    panels: dict[str, list[ScoredAnswer]] = {}
    for answer in answers:
        panels.setdefault(answer.title, []).append(answer)
    return panels


def _answer_axis(answers: list[ScoredAnswer]) -> JSONDict:
    """The whole scale, each point ticked when there are few (the PGIC's 1–7)."""
    top = max(answer.max_score for answer in answers)
    ticks: JSONDict = {"tickvals": list(range(1, top + 1))} if top <= 7 else {"nticks": 4}
    return {"range": [0.5, top + 0.5], **ticks}


def _answer_trace(answers: list[ScoredAnswer], *, first_in_legend: bool) -> JSONDict:
    """A questionnaire's scores on the time axis, each with its words ("2 (Much improved)")."""
    return _scatter(
        x=[_iso(answer.day) for answer in answers],
        y=[answer.score for answer in answers],
        customdata=[plot_text(answer.words) for answer in answers],
        name=_("Questionnaire score"),
        mode="lines+markers",
        legendgroup="questionnaires",
        showlegend=first_in_legend,
        line={"color": BRAND, "width": 1.5, "dash": "dot"},
        marker={"color": BRAND, "size": 9, "symbol": "square"},
        meta=plot_text(answers[0].title),
        hovertemplate="%{customdata}<extra>%{meta}</extra>",
    )


def _lab_axis(results: list[LabValue]) -> JSONDict:
    top = max(float(max(result.value, result.high or 0)) for result in results)
    return {"range": [0, round(top * 1.25, 2) or 1], "nticks": 3}


def _side_effect_traces(record: PatientRecord, kinds: list[str]) -> list[JSONDict]:
    traces = []
    for severity, colour in SEVERITY_COLOURS.items():
        reports = [report for report in record.side_effects if report.severity == severity]
        if not reports:
            continue
        traces.append(
            _scatter(
                x=[_iso(report.day) for report in reports],
                y=[kinds.index(report.kind) for report in reports],
                text=[plot_text(report.text or side_effect_short(report.kind)) for report in reports],
                name=_("Side effect: %(severity)s") % {"severity": severity_words(severity)},
                mode="markers",
                legendgroup="effects",
                marker={"symbol": "square", "color": colour, "size": 9},
                hovertemplate=f"%{{text}}<extra>{severity_words(severity)}</extra>",
            )
        )
    return traces


def _domains(heights: list[int]) -> tuple[list[list[float]], int]:
    """Each panel's [bottom, top] in paper units, top panel first, and the plot height."""
    plot_px = sum(heights) + GAP_PX * (len(heights) - 1)
    domains, top = [], plot_px
    for height in heights:
        domains.append([round((top - height) / plot_px, 4), round(top / plot_px, 4)])
        top -= height + GAP_PX
    return domains, plot_px


def _axis_id(index: int) -> str:
    return "y" if index == 0 else f"y{index + 1}"


def _axis_key(index: int) -> str:
    return "yaxis" if index == 0 else f"yaxis{index + 1}"


def _panel_title(text: str, top: float) -> JSONDict:
    return {
        "text": text,
        "xref": "paper",
        "yref": "paper",
        "x": 0,
        "y": top,
        "xanchor": "left",
        "yanchor": "bottom",
        "showarrow": False,
        "font": {"size": 12, "color": INK},
    }


def _marks(record: PatientRecord) -> tuple[list[JSONDict], list[JSONDict]]:
    """Vertical lines for the first dose and every step change (a new dose or timing),
    the shaded windows, and their labels."""
    shapes: list[JSONDict] = []
    labels: list[JSONDict] = []
    first_dose = record.first_dose
    if first_dose is None:
        return shapes, labels
    # One row of labels above the dose panel's title: the baseline to the left of the
    # first-dose line (it is only a week wide), the other windows from their first day, on
    # two lines so that neighbours do not collide on a phone.
    row = {
        "xref": "x",
        "yref": "paper",
        "y": 1,
        "yanchor": "bottom",
        "yshift": LABEL_ROW_SHIFT_PX,
        "showarrow": False,
        "font": {"size": 11, "color": MUTED},
    }
    labels.append(
        {
            **row,
            "text": _("first<br>dose"),
            "x": _iso(first_dose),
            "xanchor": "left",
            "font": {"size": 11, "color": INK},
        }
    )
    for window in response_windows(first_dose):
        shapes.append(
            {
                "type": "rect",
                "xref": "x",
                "yref": "paper",
                "x0": _iso(window.first_day),
                "x1": _iso(window.last_day + DAY),
                "y0": 0,
                "y1": 1,
                "fillcolor": window.colour,
                "line": {"width": 0},
                "layer": "below",
            }
        )
        baseline = window.last_day < first_dose
        labels.append(
            {
                **row,
                "text": window.label,
                "x": _iso(first_dose if baseline else window.first_day),
                "xanchor": "right" if baseline else "left",
            }
        )
    previous: Dose | None = None
    for step in record.schedule.effective:
        if previous is None or (step.dose_mg, step.timing) != (previous.dose_mg, previous.timing):
            shapes.append(
                {
                    "type": "line",
                    "xref": "x",
                    "yref": "paper",
                    "x0": _iso(step.start_date),
                    "x1": _iso(step.start_date),
                    "y0": 0,
                    "y1": 1,
                    "line": {
                        "color": INK if previous is None else MUTED,
                        "width": 1.5 if previous is None else 1,
                        "dash": "solid" if previous is None else "dot",
                    },
                }
            )
        previous = step
    return shapes, labels


def patient_figure(record: PatientRecord) -> JSONDict:
    """The whole chart as a plotly figure dict with its config, ready for `json_script`.
    The time axis shows the selected one of `chart_ranges`."""
    first, _end = chart_span(record)
    (shown,) = [chart_range for chart_range in chart_ranges(record) if chart_range.selected]
    kinds = [kind for kind in SIDE_EFFECT_LABELS if any(r.kind == kind for r in record.side_effects)]
    labs = by_test(record.labs)
    questionnaires = answers_by_title(record.answers)
    heights = [
        DOSE_PANEL_PX,
        *(LAB_PANEL_PX for _ in labs),
        *(LAB_PANEL_PX for _ in questionnaires),
        *(MEASURE_PANEL_PX for _ in record.measures),
    ]
    if kinds:
        heights.append(STRIP_ROW_PX * len(kinds) + 12)
    domains, plot_px = _domains(heights)

    panels: list[tuple[list[JSONDict], JSONDict, str]] = [
        (
            [_prescribed_line(record, first), *_dose_markers(record, first)],
            {"range": [0, _top_dose(record)], "ticksuffix": " mg", "nticks": 4},
            "<b>" + _("LDN dose") + "</b>",
        )
    ]
    for position, (test, results) in enumerate(labs.items()):
        panels.append(
            (
                _lab_traces(results, record.today, first_in_legend=position == 0),
                _lab_axis(results),
                f"<b>{plot_text(test)}</b>"
                + (f" · {plot_text(results[-1].unit)}" if results[-1].unit else ""),
            )
        )
    for position, (title, answers) in enumerate(questionnaires.items()):
        panels.append(
            (
                [_answer_trace(answers, first_in_legend=position == 0)],
                _answer_axis(answers),
                f"<b>{plot_text(title)}</b> · {direction_label(answers[-1].higher_is_better)}",
            )
        )
    for position, measure in enumerate(record.measures):
        panels.append(
            (
                _measure_traces(measure, first_in_legend=position == 0),
                {"range": [-0.5, 10.5], "tickvals": [0, 5, 10]},
                f"<b>{plot_text(measure.name)}</b> · {measure.direction_label}",
            )
        )
    if kinds:
        panels.append(
            (
                _side_effect_traces(record, kinds),
                {
                    "range": [-0.6, len(kinds) - 0.4],
                    "tickvals": list(range(len(kinds))),
                    "ticktext": [side_effect_short(kind) for kind in kinds],
                    "autorange": "reversed",
                    "showgrid": False,
                },
                _("<b>Side effects</b> · colour by severity"),
            )
        )
    data: list[JSONDict] = []
    y_axes: JSONDict = {}
    titles = []
    for index, (traces, axis, title) in enumerate(panels):
        data += [{**trace, "xaxis": "x", "yaxis": _axis_id(index)} for trace in traces]
        y_axes[_axis_key(index)] = {
            "domain": domains[index],
            "anchor": "x",
            "fixedrange": True,
            "zeroline": False,
            "gridcolor": "#e8edf1",
            **axis,
        }
        titles.append(_panel_title(title, domains[index][1]))
    shapes, window_labels = _marks(record)
    layout = dict(
        height=plot_px + MARGIN["t"] + MARGIN["b"],
        margin=MARGIN,
        font={"family": "system-ui, sans-serif", "size": 12, "color": INK},
        paper_bgcolor="#ffffff",
        plot_bgcolor="#ffffff",
        xaxis={
            "type": "date",
            "anchor": _axis_id(len(panels) - 1),
            "range": shown.xaxis_range,
            "hoverformat": "%a %-d %b %Y",
            "gridcolor": "#e8edf1",
            "showspikes": True,
            "spikemode": "across",
            "spikethickness": 1,
            "spikecolor": MUTED,
            "spikedash": "dot",
        },
        hovermode="x unified",
        hoversubplots="axis",
        # The toolbar's icons: plotly's default is 30 % of the contrasting colour, too pale.
        modebar={"color": MUTED, "activecolor": BRAND, "bgcolor": "rgba(255,255,255,0.92)"},
        showlegend=True,
        legend={
            "orientation": "h",
            "x": 0,
            "y": 0,
            "yref": "container",
            "yanchor": "bottom",
            "font": {"size": 11},
        },
        shapes=shapes,
        annotations=[*titles, *window_labels],
        **y_axes,
    )
    return {"data": data, "layout": layout, "config": chart_config()}


@dataclass(frozen=True)
class WeekRow:
    """One week of the chart as text: the table alternative to the figure."""

    label: str
    first_day: dt.date
    last_day: dt.date
    prescribed: str
    taken: int
    prescribed_days: int
    means: tuple[float | None, ...]  # one per measure, in record.measures order
    side_effects: str


def _week_label(first_day: dt.date, first_dose: dt.date | None) -> str:
    if first_dose is None:
        return _("Before LDN")
    week = (first_day - first_dose).days // 7 + 1
    if week == 0:
        return _("Baseline week")
    return _("Before LDN") if week < 0 else _("Week %(number)d") % {"number": week}


def weekly_rows(record: PatientRecord) -> list[WeekRow]:
    """Week by week up to today, counted from the first dose (week 1 = days 1–7 on LDN)."""
    first, _end = chart_span(record)
    anchor = record.first_dose or first
    start = anchor - ((anchor - first).days + 6) // 7 * 7 * DAY
    rows = []
    while start <= record.today:
        end = min(start + 6 * DAY, record.today)
        days = [start + offset * DAY for offset in range((end - start).days + 1)]
        words = list(dict.fromkeys(step.phrase for day in days if (step := record.schedule.step_on(day))))
        doses = count_adherence_between(
            ((entry.day, entry.dose_taken) for entry in record.entries if start <= entry.day <= end),
            record.schedule.prescribed_days(start, end),
            start,
            end,
            record.today,
        )
        effects = Counter(
            (side_effect_short(r.kind), severity_words(r.severity))
            for r in record.side_effects
            if start <= r.day <= end
        )
        means = []
        for measure in record.measures:
            scores = [score for day, score in measure.series if start <= day <= end]
            means.append(round(sum(scores) / len(scores), 1) if scores else None)
        rows.append(
            WeekRow(
                label=_week_label(start, record.first_dose),
                first_day=start,
                last_day=end,
                prescribed=_(", then ").join(words) or _("none"),
                taken=doses.taken,
                prescribed_days=doses.prescribed,
                means=tuple(means),
                side_effects=", ".join(
                    f"{kind} {severity} ×{count}" if count > 1 else f"{kind} {severity}"
                    for (kind, severity), count in effects.items()
                ),
            )
        )
        start += 7 * DAY
    return rows
