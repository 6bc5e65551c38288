"""My chart on a 360 px phone: the first week at a readable scale, six months whole, a patient
who has not started told when the chart starts, the plain-language summary, and the chart's
toolbar clear of the range buttons with nothing scrolling sideways."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from journal.schedule import DAY
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot
from tests.factories import log_days, make_clinic, make_clinician, make_patient, make_plan

OVERLAPS = """() => {
  const bar = document.querySelector("#chart .modebar").getBoundingClientRect();
  return [...document.querySelectorAll(".chart-ranges .button")]
    .map((button) => button.getBoundingClientRect())
    .filter((b) => b.left < bar.right && bar.left < b.right && b.top < bar.bottom && bar.top < b.bottom)
    .length;
}"""


DATES_UNDER_LEGEND = """() => {
  const chart = document.getElementById("chart");
  const dates = [...chart.querySelectorAll(".xtick text")].map((date) => date.getBoundingClientRect().bottom);
  return Math.max(...dates) > chart.querySelector(".legend").getBoundingClientRect().top;
}"""


def patient_on_ldn(days_on_ldn: int):
    clinic = make_clinic("Riverside")
    doctor = make_clinician(clinic, "drr")
    patient = make_patient(clinic, "pat", name="Pat Phone", clinicians=(doctor,))
    today = patient.local_today()
    first_dose = today - days_on_ldn * DAY
    make_plan(patient, doctor, [(first_dose, "1.5")])
    log_days(patient, first_dose - 7 * DAY, first_dose - DAY, scores={"Pain": 7, "Fatigue": 6})
    log_days(patient, first_dose, today, scores={"Pain": 4, "Fatigue": 6})
    return patient


def open_chart(page) -> None:
    log_in(page, "pat")
    page.goto("/my-chart/")
    page.locator("#chart .main-svg").first.wait_for()
    page.locator("#chart").hover()  # the toolbar shows while the pointer is over the chart
    expect(page.locator("#chart .modebar")).to_be_visible()


def shown_days(page) -> int:
    first, end = page.evaluate("document.getElementById('chart').layout.xaxis.range")
    return (dt.date.fromisoformat(end[:10]) - dt.date.fromisoformat(first[:10])).days


@pytest.mark.parametrize(
    ("days_on_ldn", "selected", "days_at_most", "name"),
    [(5, "So far", 28, "mychart-first-week-360"), (180, "All", 200, "mychart-6-months-360")],
)
def test_the_chart_fits_the_data_it_has_on_a_360_px_phone(
    small_phone, days_on_ldn, selected, days_at_most, name
):
    patient_on_ldn(days_on_ldn)
    open_chart(small_phone)
    ranges = small_phone.get_by_role("group", name="Time range")
    expect(ranges.get_by_role("button", name=selected)).to_have_attribute("aria-pressed", "true")
    assert shown_days(small_phone) <= days_at_most
    assert small_phone.evaluate(OVERLAPS) == 0, "the chart's toolbar covers a range button"
    assert not small_phone.evaluate(DATES_UNDER_LEGEND), "the legend covers the dates of the time axis"
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    expect(small_phone.get_by_test_id("progress").first).to_be_visible()
    screenshot(small_phone, name)
    no_accessibility_violations(small_phone)


def test_the_first_week_says_it_is_too_early(small_phone):
    patient_on_ldn(5)
    open_chart(small_phone)
    expect(small_phone.get_by_test_id("progress").first).to_contain_text("Fatigue: too early to say")


def test_a_patient_who_has_not_started_is_told_when_the_chart_starts(small_phone):
    clinic = make_clinic("Riverside")
    doctor = make_clinician(clinic, "drr")
    patient = make_patient(clinic, "pat", name="Pat Phone", clinicians=(doctor,))
    first_dose = patient.local_today() + 10 * DAY
    make_plan(patient, doctor, [(first_dose, "1.5")])
    log_in(small_phone, "pat")
    small_phone.goto("/my-chart/")
    starts = (first_dose - 7 * DAY).strftime("%A %-d %B")
    expect(small_phone.get_by_test_id("chart-empty")).to_contain_text(f"Your chart starts on {starts}")
    expect(small_phone.locator("#chart")).to_have_count(0)
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(small_phone, "mychart-not-started-360")
    no_accessibility_violations(small_phone)
