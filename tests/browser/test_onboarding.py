"""A new patient, on a 360 px phone, goes from the invitation link to their first entry through
the introduction, with the keyboard on one screen, axe clean on every new page; then finds every
topic again under Help."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from journal.guide import INTRODUCTION, TOPICS
from journal.models import DailyEntry, Patient
from journal.services.invitations import patient_invite
from tests.browser.conftest import SMALL_PHONE, log_in, no_accessibility_violations, screenshot
from tests.factories import make_clinic, make_clinician, make_plan

PASSWORD = "a-long-pass-phrase-7"


@pytest.fixture(autouse=True)
def evening():
    """18:00 in London, clear of the midnight–4 am rule (the live server shares the clock)."""
    at = dt.datetime(2026, 3, 20, 18, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=True):
        yield


def fits_the_screen(page) -> None:
    """Nothing scrolls sideways at 360 px."""
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def test_a_new_patient_goes_from_the_invitation_to_the_first_entry_through_the_introduction(small_phone):
    clinic = make_clinic("Riverside", time_zone="Europe/London")
    doctor = make_clinician(clinic, "drr")
    patient, token = patient_invite(clinician=doctor, name="Nora Quill", time_zone="Europe/London")
    first_dose = patient.local_today() + dt.timedelta(days=5)
    make_plan(patient, doctor, [(first_dose, "0.5")])
    page = small_phone

    page.goto(f"/invitation/{token}/")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()

    for screen, topic in enumerate(INTRODUCTION, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(topic.title)
        expect(page.get_by_text(f"{screen} of {len(INTRODUCTION)}")).to_be_visible()
        expect(page.get_by_text(f"[{topic.sources[0].key}]", exact=False)).to_be_visible()
        no_accessibility_violations(page)
        fits_the_screen(page)
        screenshot(page, f"introduction-{screen}-{topic.slug}")
        if screen == 2:
            # The keyboard alone: Tab from the top of the page reaches Next, Enter moves on.
            page.locator("main").focus()
            for _ in range(20):
                page.keyboard.press("Tab")
                if page.evaluate("document.activeElement.textContent.trim()") == "Next":
                    break
            page.keyboard.press("Enter")
        else:
            page.get_by_role("button", name="Go to Today" if screen == len(INTRODUCTION) else "Next").click()
        page.wait_for_load_state()

    expect(page).to_have_url(re.compile(r"/today/$"))
    baseline = page.get_by_test_id("baseline-week")
    expect(baseline).to_contain_text("the yardstick for “better”")
    expect(page.get_by_test_id("todays-dose")).to_have_text("No dose yet")
    expect(page.get_by_text("before you start on " + first_dose.strftime("%A %-d %B"))).to_be_visible()
    no_accessibility_violations(page)
    fits_the_screen(page)
    screenshot(page, "today-baseline-week")

    page.get_by_role("link", name="Log today").click()
    expect(page.locator("#field-dose_taken")).to_have_count(0)  # the baseline week asks no dose
    page.locator("#field-sleep_quality").get_by_text("5", exact=True).click()
    page.get_by_role("button", name="Save entry").click()
    page.get_by_test_id("saved").wait_for()
    assert DailyEntry.objects.filter(patient=patient).count() == 1

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Today").click()
    expect(page.get_by_test_id("entry-status")).to_have_text("Done — thank you.")
    assert Patient.objects.get(pk=patient.pk).introduced_at is not None
    # Signing in again goes straight to Today.
    page.context.clear_cookies()
    log_in(page, "nora", PASSWORD)
    expect(page).to_have_url(re.compile(r"/today/$"))

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Help").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help")
    no_accessibility_violations(page)
    fits_the_screen(page)
    screenshot(page, "help-index")
    for topic in TOPICS:
        page.goto(f"/help/{topic.slug}/")
        expect(page.get_by_role("heading", level=1)).to_have_text(topic.title)
        no_accessibility_violations(page)
        fits_the_screen(page)
    screenshot(page, f"help-{TOPICS[-1].slug}")
