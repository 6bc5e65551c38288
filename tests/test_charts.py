from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import plotly.graph_objects as go
import pytest
from django.utils.html import json_script

from journal.advice import ReportedSideEffect
from journal.assessment import LoggedEntry, Measure, PatientRecord
from journal.charts import (
    INK,
    MODEBAR_BUTTONS,
    OUTSIDE_RANGE,
    PLOTLY_CONFIG,
    chart_ranges,
    chart_span,
    patient_figure,
    weekly_rows,
)
from journal.labs import LabValue
from journal.questionnaires import PGIC, ScoredAnswer
from journal.schedule import DAY, PausePeriod, PlannedStep, PlanRecord, Schedule

FIRST_DOSE = dt.date(2025, 1, 1)
LOGGED = dt.datetime(2025, 1, 1, 21, tzinfo=dt.UTC)


def on(day: int) -> dt.date:
    return FIRST_DOSE + day * DAY


def step(day: int, mg: str, timing: str = "bedtime") -> PlannedStep:
    return PlannedStep(on(day), Decimal(mg), timing)


RAMP = (step(0, "1.5"), step(14, "3"), step(28, "4.5"))


def entry(day: int, taken: bool = True, mg: str = "1.5", timing: str = "bedtime") -> LoggedEntry:
    dose = Decimal(mg) if taken else None
    return LoggedEntry(on(day), taken, dose, timing if taken else "", LOGGED, LOGGED)


def record(
    *,
    today: int,
    schedule=RAMP,
    measures=(),
    entries=(),
    side_effects=(),
    pauses=(),
    ended_on: int | None = None,
) -> PatientRecord:
    ends = None if ended_on is None else on(ended_on)
    plans = [PlanRecord(1, tuple(schedule), ended_on=ends)] if schedule else []
    return PatientRecord(
        today=on(today),
        schedule=Schedule(plans, pauses),
        measures=tuple(measures),
        entries=tuple(entries),
        side_effects=tuple(side_effects),
    )


def traces(figure: dict, name: str) -> list[dict]:
    return [trace for trace in figure["data"] if trace.get("name") == name]


def six_months_of_eight_symptoms() -> PatientRecord:
    days = range(-7, 183)
    measures = [
        Measure(f"Symptom {n}", n % 2 == 0, tuple((on(day), (day * 7 + n * 3) % 11) for day in days))
        for n in range(8)
    ]
    measures.append(Measure("Sleep quality", True, tuple((on(day), 6) for day in days), tracked=False))
    effects = [
        ReportedSideEffect(on(day), kind, severity)
        for day in range(0, 182, 3)
        for kind, severity in (("vivid_dreams", "mild"), ("insomnia", "moderate"), ("headache", "severe"))
    ]
    return record(
        today=182,
        measures=measures,
        side_effects=effects,
        entries=[entry(day, taken=day % 9 != 0, mg="4.5") for day in days],
    )


def lab(
    day: int,
    test: str,
    value: str,
    low: str | None,
    high: str | None,
    unit: str,
    laboratory: str = "City Lab",
):
    return LabValue(
        on(day),
        test,
        test.lower(),
        Decimal(value),
        unit,
        None if low is None else Decimal(low),
        None if high is None else Decimal(high),
        laboratory,
        day + 1000,
    )


def lab_record() -> PatientRecord:
    chart_record = record(today=100, measures=[Measure("Pain", False, ((on(1), 5), (on(2), 4)))])
    labs = (
        lab(-10, "TSH", "3.8", "0.4", "4.0", "mIU/L"),
        lab(-10, "CRP", "12", None, "5", "mg/L", ""),
        lab(50, "TSH", "1.9", "0.4", "4.0", "mIU/L"),
        lab(90, "TSH", "0.3", "0.5", "5.0", "mIU/L", "Other Lab"),
    )
    return replace(chart_record, labs=labs)


def panel_titles(figure: dict) -> list[str]:
    return [note["text"] for note in figure["layout"]["annotations"] if note.get("xref") == "paper"]


def test_each_lab_test_is_a_panel_under_the_dose_on_the_same_time_axis():
    figure = patient_figure(lab_record())
    assert panel_titles(figure) == [
        "<b>LDN dose</b>",
        "<b>TSH</b> · mIU/L",
        "<b>CRP</b> · mg/L",
        "<b>Pain</b> · lower is better",
    ]
    results = traces(figure, "Lab result")
    assert [trace["meta"] for trace in results] == ["TSH", "CRP"]
    assert [trace["yaxis"] for trace in results] == ["y2", "y3"]
    assert {trace["xaxis"] for trace in figure["data"]} == {"x"}
    (tsh, crp) = results
    assert tsh["x"] == [on(-10).isoformat(), on(50).isoformat(), on(90).isoformat()]
    assert tsh["y"] == [3.8, 1.9, 0.3]
    # below the second laboratory's 0.5: marked; CRP 12 above its 5: marked
    assert tsh["marker"]["color"] == [INK, INK, OUTSIDE_RANGE]
    assert crp["marker"]["color"] == [OUTSIDE_RANGE]
    # the axis holds the highest value or range end with room above it
    assert figure["layout"]["yaxis2"]["range"] == [0, 6.25]
    assert figure["layout"]["yaxis3"]["range"] == [0, 15.0]


def test_the_reference_range_is_a_band_that_follows_each_laboratory():
    figure = patient_figure(lab_record())
    low, high = [trace for trace in traces(figure, "Reference range") if trace["yaxis"] == "y2"]
    assert low["y"] == [0.4, 0.4, 0.5, 0.5]
    assert high["y"] == [4.0, 4.0, 5.0, 5.0]
    assert high["fill"] == "tonexty"
    assert high["x"][-1] == on(100).isoformat()  # drawn on to today
    assert low["line"]["shape"] == high["line"]["shape"] == "hv"
    # CRP's report gave only an upper limit: no band is drawn
    assert not [trace for trace in traces(figure, "Reference range") if trace["yaxis"] == "y3"]


def test_a_lab_results_hover_names_its_unit_range_and_laboratory():
    figure = patient_figure(lab_record())
    tsh, crp = traces(figure, "Lab result")
    assert tsh["customdata"][2] == ["0.3 mIU/L", "0.5–5.0", "Other Lab"]
    assert crp["customdata"][0] == ["12 mg/L", "≤ 5", "laboratory not named"]
    assert "%{customdata[0]}" in tsh["hovertemplate"] and "%{customdata[2]}" in tsh["hovertemplate"]


def test_the_chart_starts_at_the_first_lab_sample_when_it_is_earlier():
    assert chart_span(lab_record())[0] == on(-10)


def test_no_lab_panel_without_lab_results():
    figure = patient_figure(record(today=10))
    assert not traces(figure, "Lab result")
    assert not traces(figure, "Reference range")


def answered_record() -> PatientRecord:
    """Two PGIC answers (week 8: no change; week 13: much improved) beside the pain scores."""
    answers = tuple(
        ScoredAnswer(on(day), PGIC.title, score, PGIC.words([score]), False, key, 1, PGIC.max_score)
        for day, score, key in ((57, 4, "week-8"), (92, 2, "week-13"))
    )
    return replace(record(today=100, measures=[Measure("Pain", False, ((on(1), 5),))]), answers=answers)


def test_each_questionnaire_is_a_panel_of_its_scores_on_the_dose_time_axis():
    figure = patient_figure(answered_record())
    assert panel_titles(figure) == [
        "<b>LDN dose</b>",
        "<b>Patient Global Impression of Change (PGIC)</b> · lower is better",
        "<b>Pain</b> · lower is better",
    ]
    (trace,) = traces(figure, "Questionnaire score")
    assert (trace["x"], trace["y"], trace["yaxis"]) == (
        [on(57).isoformat(), on(92).isoformat()],
        [4, 2],
        "y2",
    )
    assert trace["customdata"] == ["4 (No change)", "2 (Much improved)"]  # the hover's words
    assert figure["layout"]["yaxis2"]["range"] == [0.5, 7.5]  # the whole 7-point scale
    assert figure["layout"]["yaxis2"]["tickvals"] == [1, 2, 3, 4, 5, 6, 7]


def test_no_questionnaire_panel_without_answers():
    assert not traces(patient_figure(record(today=100)), "Questionnaire score")


def test_the_toolbar_offers_only_what_keeps_the_data_on_the_page():
    config = patient_figure(record(today=10))["config"]
    assert config == PLOTLY_CONFIG
    assert [name for group in config["modeBarButtons"] for name in group] == list(MODEBAR_BUTTONS)
    assert set(MODEBAR_BUTTONS) == {"zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "resetScale2d", "toImage"}
    assert config["showSendToCloud"] is False
    assert config["plotlyServerURL"] == ""
    assert config["displaylogo"] is False
    assert config["showLink"] is False
    assert config["showEditInChartStudio"] is False
    assert config["sendData"] is False


def test_six_months_of_eight_symptoms_stay_under_200_kb():
    figure = patient_figure(six_months_of_eight_symptoms())
    # the page embeds it with json_script, as chart.js reads it
    size = len(json_script(figure, "chart-data").encode())
    assert size < 200_000, f"chart JSON is {size} bytes"


def test_every_measure_has_a_panel_with_daily_scores_and_a_rolling_mean():
    chart_record = six_months_of_eight_symptoms()
    figure = patient_figure(chart_record)
    titles = [note["text"] for note in figure["layout"]["annotations"]]
    daily = traces(figure, "Daily score")
    means = traces(figure, "7-day mean")
    assert len(daily) == len(means) == len(chart_record.measures) == 9
    for measure, scores, mean in zip(chart_record.measures, daily, means, strict=True):
        assert any(title.startswith(f"<b>{measure.name}</b>") for title in titles)
        assert scores["meta"] == measure.name  # the hover names the measure (%{meta})
        assert len(scores["x"]) == len(measure.series) == 190
        assert scores["yaxis"] == mean["yaxis"]
        assert mean["line"]["width"] > scores["marker"]["size"] / 2  # bold line, faint dots
        assert scores["marker"]["opacity"] < 1


def test_every_panel_shares_one_time_axis():
    figure = patient_figure(six_months_of_eight_symptoms())
    assert {trace["xaxis"] for trace in figure["data"]} == {"x"}
    y_axes = [key for key in figure["layout"] if key.startswith("yaxis")]
    assert len(y_axes) == 1 + 9 + 1  # dose, nine measures, side-effect strip
    assert figure["layout"]["hovermode"] == "x unified"
    assert figure["layout"]["hoversubplots"] == "axis"


def test_dose_steps_are_a_step_line_with_a_mark_at_each_change():
    figure = patient_figure(record(today=40, schedule=[*RAMP, step(35, "4.5", "morning")]))
    (prescribed,) = traces(figure, "Prescribed")
    assert prescribed["line"]["shape"] == "hv"
    assert prescribed["x"] == [
        on(-7).isoformat(),
        on(0).isoformat(),
        on(14).isoformat(),
        on(28).isoformat(),
        on(35).isoformat(),
        on(41).isoformat(),
    ]
    assert prescribed["y"] == [None, 1.5, 3.0, 4.5, 4.5, 4.5]
    assert prescribed["text"][4] == "4.5 mg in the morning"
    lines = [shape["x0"] for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert lines == [on(day).isoformat() for day in (0, 14, 28, 35)]  # first dose, 3 changes


def test_a_pause_breaks_the_prescribed_line():
    figure = patient_figure(record(today=20, pauses=[PausePeriod(on(5), on(8))]))
    (prescribed,) = traces(figure, "Prescribed")
    assert (on(5).isoformat(), None) in zip(prescribed["x"], prescribed["y"], strict=True)
    assert (on(9).isoformat(), 1.5) in zip(prescribed["x"], prescribed["y"], strict=True)


def test_the_prescribed_line_stops_when_the_plan_ends():
    figure = patient_figure(record(today=40, ended_on=30))
    (prescribed,) = traces(figure, "Prescribed")
    points = list(zip(prescribed["x"], prescribed["y"], strict=True))
    assert (on(30).isoformat(), None) in points
    assert points[-1] == (on(41).isoformat(), None)  # still nothing today


def test_a_step_that_never_began_gets_no_line_and_no_mark():
    schedule = [step(0, "1.5"), step(14, "3"), step(35, "4.5")]
    figure = patient_figure(record(today=40, schedule=schedule, ended_on=30))
    (prescribed,) = traces(figure, "Prescribed")
    assert 4.5 not in prescribed["y"]
    lines = [shape["x0"] for shape in figure["layout"]["shapes"] if shape["type"] == "line"]
    assert lines == [on(0).isoformat(), on(14).isoformat()]


@pytest.mark.parametrize(("pauses", "ended_on"), [((PausePeriod(on(3), on(4)),), None), ((), 3)])
def test_days_without_a_prescription_are_never_missed_doses(pauses, ended_on):
    figure = patient_figure(
        record(today=6, entries=[entry(0), entry(1), entry(2)], pauses=pauses, ended_on=ended_on)
    )
    unlogged = traces(figure, "Not logged")
    assert [x for trace in unlogged for x in trace["x"]] == ([on(5).isoformat()] if ended_on is None else [])


def test_taken_missed_and_unlogged_days_are_told_apart():
    entries = [entry(0), entry(1, taken=False), entry(3, timing="morning"), entry(4, timing="evening")]
    entries.append(entry(5))
    figure = patient_figure(record(today=5, entries=entries))
    assert traces(figure, "Taken at bedtime")[0]["x"] == [on(0).isoformat(), on(5).isoformat()]
    assert traces(figure, "Taken in the morning")[0]["x"] == [on(3).isoformat()]
    assert traces(figure, "Taken in the evening")[0]["x"] == [on(4).isoformat()]
    assert traces(figure, "Not taken")[0]["x"] == [on(1).isoformat()]
    # today (day 5) is logged; an unlogged today would not count as missed yet
    assert traces(figure, "Not logged")[0]["x"] == [on(2).isoformat()]
    figure = patient_figure(record(today=6, entries=entries))
    assert on(6).isoformat() not in traces(figure, "Not logged")[0]["x"]


def test_windows_are_shaded_and_labelled_even_while_ahead():
    figure = patient_figure(record(today=20))
    rects = [(shape["x0"], shape["x1"]) for shape in figure["layout"]["shapes"] if shape["type"] == "rect"]
    assert rects == [
        (on(-7).isoformat(), on(0).isoformat()),  # baseline: the 7 days before the first dose
        (on(56).isoformat(), on(71).isoformat()),  # 8–10 weeks, inclusive
        (on(91).isoformat(), on(183).isoformat()),  # 3–6 months, inclusive
    ]
    labels = {note["text"] for note in figure["layout"]["annotations"]}
    assert {"baseline", "8–10<br>weeks", "3–6<br>months", "first<br>dose"} <= labels
    assert figure["layout"]["xaxis"]["range"] == [on(-7).isoformat(), on(21).isoformat()]  # so far


@pytest.mark.parametrize(
    ("label", "expected_range"),
    [
        ("8 weeks", (on(150 - 55), on(151))),
        ("3 months", (on(150 - 90), on(151))),
        ("6 months", (on(150 - 181), on(151))),
        ("All", (on(-7), on(183))),
    ],
)
def test_range_buttons_end_today_except_all(label, expected_range):
    (button,) = [button for button in chart_ranges(record(today=150)) if button.label == label]
    assert button.xaxis_range == [day.isoformat() for day in expected_range]
    assert button.selected == (label == "All")


def test_the_chart_opens_on_the_selected_range_and_draws_no_buttons_of_its_own():
    today = record(today=150)
    (selected,) = [button for button in chart_ranges(today) if button.selected]
    layout = patient_figure(today)["layout"]
    assert layout["xaxis"]["range"] == selected.xaxis_range
    assert "updatemenus" not in layout  # SVG buttons cannot take focus: the page draws HTML ones


def test_side_effects_are_one_row_per_kind_coloured_by_severity():
    effects = [
        ReportedSideEffect(on(2), "insomnia", "moderate"),
        ReportedSideEffect(on(3), "nausea", "mild"),
        ReportedSideEffect(on(4), "insomnia", "severe"),
        ReportedSideEffect(on(4), "other", "mild", "rash"),
    ]
    figure = patient_figure(record(today=10, side_effects=effects))
    strip = figure["layout"]["yaxis2"]
    assert strip["ticktext"] == ["Insomnia", "Nausea", "Other"]
    mild, moderate, severe = (
        traces(figure, f"Side effect: {level}")[0] for level in ("mild", "moderate", "severe")
    )
    assert mild["y"] == [1, 2]
    assert mild["text"] == ["Nausea", "rash"]
    assert moderate["y"] == [0]
    assert severe["y"] == [0]
    assert len({mild["marker"]["color"], moderate["marker"]["color"], severe["marker"]["color"]}) == 3


def test_no_side_effect_strip_without_side_effects():
    figure = patient_figure(record(today=10))
    assert [key for key in figure["layout"] if key.startswith("yaxis")] == ["yaxis"]


@pytest.mark.parametrize(
    ("schedule", "entries", "today", "expected"),
    [
        # baseline week before the first dose, the chart runs to the end of 3–6 months
        (RAMP, [], 20, (on(-7), on(182))),
        # an entry logged before the baseline week widens the start
        (RAMP, [entry(-12)], 20, (on(-12), on(182))),
        # past 6 months: up to today
        (RAMP, [], 200, (on(-7), on(200))),
        # no plan yet: the entries up to today
        ((), [entry(-3)], 0, (on(-3), on(0))),
        # never more than three years back: older days are in the CSV
        (RAMP, [entry(-2000)], 20, (on(20 - 1095), on(182))),
    ],
)
def test_chart_span(schedule, entries, today, expected):
    assert chart_span(record(today=today, schedule=schedule, entries=entries)) == expected


def test_weekly_rows_are_the_chart_as_text():
    pain = Measure("Pain", False, ((on(-3), 8), (on(-1), 6), (on(2), 5), (on(9), 4)))
    effects = [
        ReportedSideEffect(on(1), "insomnia", "moderate"),
        ReportedSideEffect(on(2), "insomnia", "moderate"),
    ]
    rows = weekly_rows(
        record(
            today=16,
            schedule=[step(0, "1.5"), step(10, "3")],
            measures=[pain],
            side_effects=effects,
            entries=[entry(0), entry(1), entry(2, taken=False), entry(9, mg="3")],
        )
    )
    assert [row.label for row in rows] == ["Baseline week", "Week 1", "Week 2", "Week 3"]
    baseline, week1, week2, week3 = rows
    assert (baseline.prescribed, baseline.prescribed_days, baseline.means) == ("none", 0, (7.0,))
    assert (week1.taken, week1.prescribed_days, week1.means) == (2, 7, (5.0,))
    assert week1.side_effects == "Insomnia moderate ×2"
    assert week2.prescribed == "1.5 mg at bedtime, then 3 mg at bedtime"
    assert (week3.first_day, week3.last_day, week3.means) == (on(14), on(16), (None,))
    assert week3.prescribed == "3 mg at bedtime"


def test_weekly_rows_after_the_plan_ended_prescribe_nothing():
    rows = weekly_rows(record(today=20, schedule=[step(0, "1.5")], ended_on=10))
    week2, week3 = rows[2], rows[3]
    assert (week2.prescribed, week2.prescribed_days) == ("1.5 mg at bedtime", 3)  # days 7–9
    assert (week3.prescribed, week3.prescribed_days) == ("none", 0)


def test_a_weeks_doses_count_the_prescribed_days_only_as_the_roster_does():
    # a pause on days 3–5; the patient logs the dose taken on day 3 anyway; today (day 6)
    # is not logged yet, so it is not counted as missed
    pause = PausePeriod(on(3), on(5), "surgery")
    rows = weekly_rows(
        record(today=6, schedule=[step(0, "1.5")], pauses=[pause], entries=[entry(day) for day in range(4)])
    )
    week1 = rows[-1]
    assert (week1.taken, week1.prescribed_days) == (3, 3)  # days 0–2, not "4 of 3"


# --- user text is text ---------------------------------------------------------------------------

LINK = '<a href="https://example.org/">click</a>'


def strings_of(value) -> list[str]:
    """Every string anywhere in a figure dict."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_of(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings_of(item)]
    return []


def test_symptom_names_and_side_effect_words_are_drawn_as_text_not_html():
    """plotly draws <b>, <i>, <a href> and <span style> in any text it is given: a clinic's
    symptom name or a patient's own words for a side effect became a clickable link."""
    measure = Measure(f"Pain {LINK} %{{y}}", False, ((on(1), 5),))
    effect = ReportedSideEffect(on(1), "other", "mild", f"<b>dizzy</b> {LINK}")
    figure = patient_figure(record(today=5, measures=[measure], side_effects=[effect]))
    texts = strings_of(figure)
    assert not [text for text in texts if "<a " in text or "<b>dizzy" in text]
    assert any('Pain &lt;a href="https://example.org/"&gt;click&lt;/a&gt;' in text for text in texts)
    assert any("&lt;b&gt;dizzy&lt;/b&gt;" in text for text in texts)
    # A name is no part of a hover template, where %{y} would be read as a placeholder.
    assert not [trace for trace in figure["data"] if "Pain" in trace.get("hovertemplate", "")]


def test_the_served_plotly_bundle_is_the_pinned_one():
    """static/vendor holds plotly.js's basic bundle exactly as `make plotly` checks it: the
    version and SHA-256 pinned in the Makefile, with its licence beside it."""
    root = Path(__file__).resolve().parents[1]
    pins = dict(re.findall(r"^(PLOTLY_\w+) := (\S+)$", (root / "Makefile").read_text(), re.MULTILINE))
    bundle = (root / "static/vendor/plotly-basic.min.js").read_bytes()
    assert hashlib.sha256(bundle).hexdigest() == pins["PLOTLY_JS_SHA256"]
    assert f"plotly.js (basic - minified) v{pins['PLOTLY_VERSION']}".encode() in bundle[:200]
    assert (root / "static/vendor/plotly-basic.LICENSE.txt").read_text().startswith("MIT License")


VARIED_RECORDS = {
    "no plan, no entries": lambda: record(today=10, schedule=()),
    "baseline week only": lambda: record(today=-2, entries=[entry(-5, taken=False)]),
    "ramp, taken, missed and unlogged": lambda: record(
        today=40,
        entries=[entry(1), entry(2, taken=False), entry(3, timing="morning"), entry(5, timing="other")]
        + [entry(6, timing="evening")],
    ),
    "a pause and a morning step": lambda: record(
        today=60, schedule=[*RAMP, step(35, "4.5", "morning")], pauses=[PausePeriod(on(5), on(8))]
    ),
    "an ended plan": lambda: record(today=40, ended_on=30),
    "six months of eight symptoms and side effects": six_months_of_eight_symptoms,
    "lab results of two tests, one without a range": lambda: lab_record(),
    "two PGIC answers": answered_record,
}


@pytest.mark.parametrize("make_record", VARIED_RECORDS.values(), ids=VARIED_RECORDS.keys())
def test_the_figure_is_valid_plotly_json(make_record):
    """The figure is built as plain JSON; plotly's own validation accepts it as it is (an
    unknown property or a bad value raises) and writes it back unchanged."""
    figure = patient_figure(make_record())
    checked = go.Figure(data=figure["data"], layout=figure["layout"]).to_plotly_json()
    assert checked["data"] == figure["data"]
    checked["layout"].pop("template")  # plotly's Python default; plotly.js draws with none
    assert checked["layout"] == {key: value for key, value in figure["layout"].items() if value != []}
    assert {trace["type"] for trace in figure["data"]} == {"scatter"}  # in plotly.js's basic bundle


@pytest.mark.parametrize(
    ("today", "shown"),
    [
        (0, (on(-7), on(21))),  # the first dose today: the baseline week and 4 weeks from its start
        (6, (on(-7), on(21))),  # the first week: still 4 weeks wide
        (30, (on(-7), on(31))),  # up to today once that is wider
        (47, (on(-7), on(48))),  # the last day under 8 weeks of chart
    ],
)
def test_the_first_weeks_are_shown_so_far_at_a_readable_scale(today, shown):
    ranges = chart_ranges(record(today=today))
    (selected,) = [button for button in ranges if button.selected]
    assert (selected.label, selected.xaxis_range) == ("So far", [day.isoformat() for day in shown])
    assert patient_figure(record(today=today))["layout"]["xaxis"]["range"] == selected.xaxis_range


def test_from_8_weeks_of_chart_everything_is_shown_first():
    (selected,) = [button for button in chart_ranges(record(today=48)) if button.selected]
    assert selected.label == "All"
    assert "So far" not in [button.label for button in chart_ranges(record(today=48))]
