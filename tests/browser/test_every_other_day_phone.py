"""An every-other-day plan on a 360 px phone, light and dark: Today on a day without a dose
says so and names the next dose day, the week strip counts no missed dose on the days
between, My plan lists the dose days, and the history counts only the dose days."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from journal.schedule import DAY
from tests.browser.conftest import SMALL_PHONE, _watched_page, log_in, no_accessibility_violations, screenshot
from tests.browser.test_patient_journal import evening  # noqa: F401 - the fixed evening
from tests.factories import make_clinic, make_clinician, make_entry, make_patient, make_plan


@pytest.fixture
def dark_small_phone(browser, live_server):
    yield from _watched_page(browser, live_server, SMALL_PHONE, color_scheme="dark")


def every_other_day_patient() -> dt.date:
    """Tom: 3 mg daily, then 1.5 mg every other day from 21 days ago, so today (20 March 2026)
    has no dose and yesterday had one; each dose day logged as taken, each day between as
    logged without a dose."""
    clinic = make_clinic("Riverside")
    doctor = make_clinician(clinic, "drr")
    patient = make_patient(clinic, "tom", name="Tom Walsh", clinicians=(doctor,), time_zone="Europe/London")
    today = patient.local_today()
    switch = today - 21 * DAY
    make_plan(patient, doctor, [(today - 60 * DAY, "3"), (switch, "1.5", "bedtime", "every_other_day")])
    for offset in range(1, 21):
        day = today - offset * DAY
        if (day - switch).days % 2 == 0:
            make_entry(patient, day, dose_mg=Decimal("1.5"), timing_taken="bedtime", scores={"Pain": 4})
        else:
            make_entry(patient, day, dose_taken=False, scores={"Pain": 4})
    return today


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "the page scrolls sideways at 360 px"


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_an_every_other_day_plan_shows_the_patient_the_right_days(theme, small_phone, dark_small_phone):
    page = small_phone if theme == "light" else dark_small_phone
    today = every_other_day_patient()
    log_in(page, "tom")

    expect(page.get_by_test_id("todays-dose")).to_have_text("No dose today")
    tomorrow = today + DAY
    expect(
        page.get_by_text("Your plan is 1.5 mg every other day at bedtime: take no LDN today.")
    ).to_be_visible()
    expect(
        page.get_by_text(f"Your next dose is on {tomorrow:%A} {tomorrow.day} {tomorrow:%B}.")
    ).to_be_visible()
    expect(page.get_by_test_id("took-it")).to_have_count(0)  # no "Took …" on a day without a dose
    yesterday, two_days_ago = today - DAY, today - 2 * DAY
    expect(page.get_by_test_id(f"day-{yesterday.isoformat()}")).to_contain_text("dose taken")
    expect(page.get_by_test_id(f"day-{two_days_ago.isoformat()}")).to_contain_text(
        "logged, no dose prescribed"
    )
    no_sideways_scroll(page)
    screenshot(page, f"today-off-day-360-{theme}")
    no_accessibility_violations(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="My plan").click()
    days = page.get_by_test_id("dose-days").get_by_role("listitem")
    expected = [today + offset * DAY for offset in (1, 3, 5, 7)]
    expect(days).to_have_text([f"{day:%A} {day.day} {day:%B}" for day in expected])
    expect(page.get_by_test_id("plan-steps")).to_contain_text("1.5 mg every other day at bedtime")
    no_sideways_scroll(page)
    screenshot(page, f"my-plan-every-other-day-360-{theme}")
    no_accessibility_violations(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    # 14 days back from today: 7 dose days (yesterday, 3 days ago, …), all taken; none missed
    expect(page.get_by_test_id("adherence-14")).to_contain_text("7 of 7 prescribed doses")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_the_entry_on_an_off_day_asks_no_dose_but_takes_symptoms(theme, small_phone, dark_small_phone):
    from journal.models import DailyEntry

    page = small_phone if theme == "light" else dark_small_phone
    today = every_other_day_patient()
    log_in(page, "tom")
    page.goto("/entry/")
    tomorrow = today + DAY
    expect(page.get_by_test_id("prescribed")).to_contain_text("Off day: no dose is due on this day")
    expect(page.get_by_test_id("next-dose")).to_contain_text(
        f"Your next dose is on {tomorrow:%A} {tomorrow.day} {tomorrow:%B}."
    )
    expect(page.locator("#field-dose_taken")).to_have_count(0)
    no_sideways_scroll(page)
    screenshot(page, f"entry-off-day-360-{theme}")
    no_accessibility_violations(page)
    pain = page.get_by_role("group", name="Pain today (0 none, 10 worst)")
    pain.get_by_role("radio", name="3", exact=True).check()
    page.get_by_role("button", name="Save entry").click()
    expect(page.get_by_text("Saved your entry")).to_be_visible()
    entry = DailyEntry.objects.get(patient__user__username="tom", entry_date=today)
    assert entry.dose_taken is False
    page.goto("/history/")
    expect(page.get_by_test_id("adherence-14")).to_contain_text("7 of 7 prescribed doses")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_clinician_prescribes_every_other_day_on_a_phone(theme, small_phone, dark_small_phone):
    from journal.models import Screening, TitrationPlan

    page = small_phone if theme == "light" else dark_small_phone
    clinic = make_clinic("Riverside")
    doctor = make_clinician(clinic, "drr")
    patient = make_patient(clinic, "nora", name="Nora Quill", clinicians=(doctor,), time_zone="Europe/London")
    Screening.objects.create(patient=patient, screened_by=doctor, opioid_use_last_14_days=False)
    log_in(page, "drr")
    page.goto(f"/clinic/patients/{patient.pk}/plan/new/")
    page.get_by_label("every other day", exact=True).check()
    expect(page.get_by_text("Taken every other day at bedtime, then")).to_be_visible()
    no_sideways_scroll(page)
    screenshot(page, f"plan-editor-every-other-day-360-{theme}")
    no_accessibility_violations(page)
    page.get_by_label("Reason, for the patient").fill("Daytime sleepiness: every other day.")
    page.get_by_role("button", name="Save and activate").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    expect(page.get_by_test_id("plan-steps")).to_contain_text("every other day at bedtime")
    plan = TitrationPlan.objects.get(patient=patient)
    assert set(plan.steps.values_list("frequency", flat=True)) == {"every_other_day"}
