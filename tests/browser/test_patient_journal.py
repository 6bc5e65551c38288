"""A demo-like patient on a phone (375×812) logs today's entry by tapping, finds it in the
history, edits it, and the database holds one entry with the edit in its history."""

from __future__ import annotations

import datetime as dt
import time
import zoneinfo
from decimal import Decimal

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import DailyEntry, Symptom, SymptomScore
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot
from tests.factories import make_clinic, make_clinician, make_entry, make_patient, make_plan


@pytest.fixture(autouse=True)
def evening():
    """20:00 in London: a fixed evening, clear of the midnight–4 am rule (the live server
    runs in this process, so it sees the same clock)."""
    at = dt.datetime(2026, 3, 20, 20, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=True):
        yield


def demo_like_patient():
    clinic = make_clinic("Riverside")
    doctor = make_clinician(clinic, "drr")
    patient = make_patient(
        clinic,
        "anna",
        name="Anna Baker",
        clinicians=(doctor,),
        symptoms=("Pain", "Fatigue", "Brain fog"),
        time_zone="Europe/London",
    )
    today = patient.local_today()
    make_plan(
        patient,
        doctor,
        [
            (today - dt.timedelta(days=40), "1.5"),
            (today - dt.timedelta(days=12), "3"),
            (today + dt.timedelta(days=2), "4.5"),
        ],
        form="liquid",
        strength_mg=Decimal("1"),
    )
    for offset in range(1, 12):
        if offset not in (3, 7):  # a missed day and a day not logged
            make_entry(
                patient,
                today - dt.timedelta(days=offset),
                dose_mg=Decimal("3"),
                timing_taken="bedtime",
                scores={"Pain": 6, "Fatigue": 5, "Brain fog": 4},
            )
    make_entry(patient, today - dt.timedelta(days=3), dose_taken=False)
    return patient, today


def test_patient_logs_today_by_tapping_then_edits_it(phone):
    patient, today = demo_like_patient()
    ids = dict(Symptom.objects.filter(clinic=None).values_list("name", "pk"))
    log_in(phone, "anna")
    assert phone.get_by_test_id("todays-dose").inner_text() == "3 mg at bedtime"
    assert "Measure 1.5 mL" not in phone.content()  # 3 mg of a 1 mg/mL liquid
    assert phone.get_by_text("Measure 3 mL = 3 mg").is_visible()
    screenshot(phone, "patient-today")
    no_accessibility_violations(phone)

    taps = 0

    def tap(locator) -> None:
        nonlocal taps
        locator.click()
        taps += 1

    started = time.perf_counter()
    tap(phone.get_by_role("link", name="Log today"))
    phone.wait_for_url("**/entry/?date=*")
    tap(phone.locator("#field-dose_taken").get_by_text("Yes", exact=True))
    tap(phone.locator(f"#field-score_{ids['Pain']}").get_by_text("4", exact=True))
    tap(phone.locator(f"#field-score_{ids['Fatigue']}").get_by_text("5", exact=True))
    tap(phone.locator(f"#field-score_{ids['Brain fog']}").get_by_text("3", exact=True))
    tap(phone.locator("#field-sleep_quality").get_by_text("7", exact=True))
    tap(phone.get_by_text("Any side effects?"))
    tap(phone.locator("#field-side_vivid_dreams").get_by_text("mild", exact=True))
    screenshot(phone, "patient-entry-form")
    no_accessibility_violations(phone)
    tap(phone.get_by_role("button", name="Save entry"))
    phone.get_by_test_id("saved").wait_for()
    seconds = time.perf_counter() - started
    print(f"\nAn entry with a side effect: {taps} taps (opening and saving included), {seconds:.2f} s")
    assert taps <= 9
    assert phone.url.endswith(f"/entry/?date={today.isoformat()}")  # saved by htmx, no page load
    screenshot(phone, "patient-entry-saved")

    phone.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    day = phone.get_by_test_id(f"day-{today.isoformat()}")
    assert "dose taken" in day.inner_text() or "dose taken" in day.text_content()
    summary = phone.get_by_test_id(f"entry-{today.isoformat()}")
    assert "Vivid dreams (mild)" in summary.inner_text()
    assert "Pain\n4" in summary.inner_text()
    assert phone.get_by_test_id("adherence-14").get_by_text("10 of 14").is_visible()  # 1 missed, 3 not logged
    screenshot(phone, "patient-history")
    no_accessibility_violations(phone)

    day.click()
    phone.locator(f"#field-score_{ids['Pain']}").get_by_text("2", exact=True).click()
    phone.get_by_role("button", name="Save entry").click()
    phone.get_by_test_id("saved").wait_for()

    entry = DailyEntry.objects.get(patient=patient, entry_date=today)
    assert DailyEntry.objects.filter(patient=patient, entry_date=today).count() == 1
    assert entry.edit_count == 1
    assert entry.dose_mg == Decimal("3")
    assert entry.dose_taken
    assert {s.symptom.name: s.score for s in entry.scores.all()} == {"Pain": 2, "Fatigue": 5, "Brain fog": 3}
    assert entry.history.count() == 2
    pain_history = SymptomScore.history.filter(entry_id=entry.pk, symptom__name="Pain").order_by("history_id")
    assert [record.score for record in pain_history] == [4, 2]


def test_entry_works_with_the_keyboard_alone(phone):
    patient, today = demo_like_patient()
    log_in(phone, "anna")
    phone.goto("/entry/")
    phone.locator("#id_dose_taken_0").focus()
    phone.keyboard.press("Space")  # Yes
    phone.locator("[name^=score_]").first.focus()
    for _ in range(3):
        phone.keyboard.press("ArrowRight")  # arrows move within the 0–10 group: 3
    phone.get_by_role("button", name="Save entry").focus()
    phone.keyboard.press("Enter")
    phone.get_by_test_id("saved").wait_for()
    entry = DailyEntry.objects.get(patient=patient, entry_date=today)
    assert entry.dose_taken
    assert [s.score for s in entry.scores.all()] == [3]


def test_entry_works_without_javascript(browser, live_server):
    patient, today = demo_like_patient()
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, base_url=live_server.url, java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, "anna")
    page.goto("/entry/")
    page.locator("#field-dose_taken").get_by_text("Yes", exact=True).click()
    page.get_by_text("As planned: 3 mg at bedtime").click()  # the dose, folded under the plan's
    page.locator("#id_dose_mg").fill("50")
    page.get_by_role("button", name="Save entry").click()
    assert page.get_by_text("50 mg is a standard naltrexone dose, not LDN").first.is_visible()
    assert not DailyEntry.objects.filter(entry_date=today).exists()
    page.locator("#id_dose_mg").fill("3")
    page.get_by_role("button", name="Save entry").click()
    assert page.get_by_text(f"Saved your entry for {today:%A %-d %B}").is_visible()
    assert DailyEntry.objects.get(patient=patient, entry_date=today).dose_mg == Decimal("3")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px)"
    context.close()


def test_medications_warn_about_an_opioid_on_a_phone(phone):
    demo_like_patient()
    log_in(phone, "anna")
    phone.get_by_role("navigation", name="Main").get_by_role("link", name="Medications").click()
    phone.get_by_label("Medicine", exact=True).fill("Oxycodone/acetaminophen")
    phone.get_by_label("Dose (optional)").fill("5/325 mg as needed")
    phone.get_by_role("button", name="Add medicine").click()
    notice = phone.get_by_test_id("safety-notice")
    assert "Do not take LDN together with Oxycodone/acetaminophen" in notice.inner_text()
    screenshot(phone, "patient-medications")
    no_accessibility_violations(phone)
    phone.get_by_role("button", name="Mark Oxycodone/acetaminophen stopped").click()
    # Last taken today: still taken today, so it stays under "Taking now" (opioid badge and
    # all) and the notice stays; it moves to "Stopped" tomorrow.
    expect(phone.get_by_text("Last dose today: it moves to Stopped tomorrow.")).to_be_visible()
    expect(phone.get_by_role("heading", name="Stopped")).to_have_count(0)
    assert "Do not take LDN together with" in phone.get_by_test_id("safety-notice").inner_text()
    phone.goto("/calendar/")
    screenshot(phone, "patient-calendar")
    no_accessibility_violations(phone)
