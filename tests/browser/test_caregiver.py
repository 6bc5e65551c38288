"""A caregiver logs for a child, on a 360 px phone: the clinician invites the parent from the
child's page, the parent accepts the link, sees "Logging for Mia" on every page (light and dark,
axe clean), saves today's entry with the keyboard, and the clinician sees it marked as logged by
the caregiver."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo

import pytest
import time_machine
from playwright.sync_api import expect

from journal.models import DailyEntry
from tests.browser.conftest import SMALL_PHONE, log_in, no_accessibility_violations, screenshot
from tests.factories import make_clinic, make_clinician, make_patient, make_plan

PASSWORD = "a-long-pass-phrase-7"


@pytest.fixture(autouse=True)
def evening():
    """18:00 in London, clear of the midnight–4 am rule (the live server shares the clock)."""
    at = dt.datetime(2026, 3, 20, 18, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=True):
        yield


def fits_the_screen(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= SMALL_PHONE["width"]


def tab_to(page, text: str, presses: int = 80) -> None:
    """Tab from the top of the page until `text` has the focus."""
    page.locator("main").focus()
    for _ in range(presses):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith(text):
            return
    pytest.fail(f"{text!r} is not reached with Tab")


def test_a_caregiver_logs_for_a_child(small_phone, dark_small_phone, desktop):
    clinic = make_clinic("Riverside", time_zone="Europe/London")
    doctor = make_clinician(clinic, "drr")
    mia = make_patient(clinic, None, name="Mia Evans", clinicians=(doctor,), time_zone="Europe/London")
    make_plan(mia, doctor, [(mia.local_today() - dt.timedelta(days=20), "1.5")])

    # The clinician invites Mia's parent from her page.
    clinician = desktop
    log_in(clinician, "drr")
    clinician.goto(f"/clinic/patients/{mia.pk}/")
    caregiver_section = clinician.get_by_test_id("caregiver")
    caregiver_section.get_by_label("Caregiver's name").fill("Maria Parent")
    caregiver_section.get_by_role("button", name="Invite a caregiver").click()
    link = clinician.get_by_test_id("caregiver-link").inner_text()
    no_accessibility_violations(clinician)

    # The parent accepts on her phone and lands on Mia's Today.
    page = small_phone
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome, Maria Parent")
    no_accessibility_violations(page)
    page.get_by_label("Username").fill("maria")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Set my password").click()
    expect(page).to_have_url(re.compile(r"/today/$"))
    banner = page.get_by_test_id("logging-for")
    expect(banner).to_contain_text("Logging for Mia Evans")
    expect(banner).to_be_visible()
    no_accessibility_violations(page)
    fits_the_screen(page)
    screenshot(page, "caregiver-today")

    # Today's entry, with the keyboard alone: "Took 1.5 mg", then Save.
    tab_to(page, "Took")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_test_id("logging-for")).to_contain_text("Logging for Mia Evans")
    no_accessibility_violations(page)
    fits_the_screen(page)
    screenshot(page, "caregiver-entry")
    tab_to(page, "Save entry", presses=120)
    page.keyboard.press("Enter")
    page.get_by_test_id("saved").wait_for()
    entry = DailyEntry.objects.get(patient=mia)
    assert entry.logged_by.username == "maria"
    for name in ("Plan", "History", "Chart"):
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name).click()
        expect(page.get_by_test_id("logging-for")).to_contain_text("Logging for Mia Evans")
        no_accessibility_violations(page)
        fits_the_screen(page)
    # Another patient's or a clinician's page is not hers.
    assert page.request.get(f"/clinic/patients/{mia.pk}/").status == 403

    # Dark, too.
    dark = dark_small_phone
    log_in(dark, "maria", PASSWORD)
    expect(dark.get_by_test_id("logging-for")).to_contain_text("Logging for Mia Evans")
    no_accessibility_violations(dark)
    fits_the_screen(dark)
    screenshot(dark, "caregiver-today-dark")

    # The clinician sees who logged it.
    clinician.goto(f"/clinic/patients/{mia.pk}/")
    expect(clinician.get_by_test_id("logged-by")).to_have_text("logged by Maria Parent (caregiver)")
    expect(clinician.get_by_test_id("caregiver")).to_contain_text("Maria Parent logs for this patient")
    no_accessibility_violations(clinician)
    screenshot(clinician, "caregiver-clinician-patient-page")
