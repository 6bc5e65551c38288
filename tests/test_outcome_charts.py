"""journal.outcome_charts: the outcomes' figures, valid plotly JSON drawn with the one config,
and no bar or point for a group of fewer than 5 patients."""

from __future__ import annotations

from fractions import Fraction

import plotly.graph_objects as go
import pytest

from journal.charts import PLOTLY_CONFIG
from journal.outcome_charts import adherence_figure, responder_figure, side_effect_figure, survival_figure
from journal.outcomes import WINDOWS, AdherenceRow, MonthRow, RateRow

EIGHT_TO_TEN, THREE_TO_SIX = WINDOWS
RATES = [RateRow("All patients", 12, 12, 6), RateRow("Lupus", 4, 4, 4), RateRow("<b>IBS</b>", 8, 8, 2)]
MONTHS = [MonthRow(0, 12, 0, Fraction(1)), MonthRow(1, 9, 2, Fraction(5, 6)), MonthRow(2, 3, 3, None)]
ADHERENCE = [
    AdherenceRow("All patients", 12, Fraction(9, 10), (10, 2, 0)),
    AdherenceRow("Lupus", 4, Fraction(1), (4, 0, 0)),
]

FIGURES = {
    "responders": lambda: responder_figure([(EIGHT_TO_TEN, RATES), (THREE_TO_SIX, RATES[:1])], "Condition"),
    "survival": lambda: survival_figure(MONTHS),
    "side effects": lambda: side_effect_figure(RATES),
    "adherence": lambda: adherence_figure(ADHERENCE),
}


@pytest.mark.parametrize("make", FIGURES.values(), ids=FIGURES.keys())
def test_each_figure_is_valid_plotly_json_with_the_one_config(make):
    figure = make()
    checked = go.Figure(data=figure["data"], layout=figure["layout"]).to_plotly_json()
    assert checked["data"] == figure["data"]
    assert figure["config"] == PLOTLY_CONFIG
    assert {trace["type"] for trace in figure["data"]} <= {"scatter", "bar"}  # the basic bundle's


def test_a_small_group_has_no_bar_and_names_are_drawn_as_text():
    figure = responder_figure([(EIGHT_TO_TEN, RATES), (THREE_TO_SIX, RATES[:1])], "Condition")
    first, second = figure["data"]
    assert first["x"] == ["All patients", "&lt;b&gt;IBS&lt;/b&gt;"]  # Lupus: 4 patients
    assert first["y"] == [50, 25]
    assert first["customdata"] == [[6, 12], [2, 8]]
    assert (second["x"], second["y"]) == (["All patients"], [50])
    assert [trace["name"] for trace in figure["data"]] == ["8–10 weeks", "3–6 months"]


def test_the_survival_curve_is_a_step_line_while_5_patients_are_followed():
    (trace,) = survival_figure(MONTHS)["data"]
    assert trace["line"]["shape"] == "hv"
    assert (trace["x"], trace["y"], trace["customdata"]) == ([0, 1], [100, 83], [12, 9])


def test_the_adherence_chart_shows_each_shown_groups_median():
    (trace,) = adherence_figure(ADHERENCE)["data"]
    assert (trace["x"], trace["y"]) == (["All patients"], [90])
