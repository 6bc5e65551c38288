"""A clinician on a 360 px phone finds another clinician's patients by searching the whole
clinic (each patient shown recorded as read), saves the view, opens it from "My patients" and
deletes it; axe clean on the way."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from journal.models import AccessEvent
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot
from tests.factories import make_clinic, make_clinician, make_patient, make_plan


def test_a_clinician_searches_the_whole_clinic_and_saves_the_view(small_phone):
    clinic = make_clinic("Riverside", time_zone="Europe/London")
    rivera = make_clinician(clinic, "drr")
    chen = make_clinician(clinic, "drc")
    make_patient(clinic, None, name="Ann Early", clinicians=(rivera,))
    for name, code in (("Robin Hale", "RLC-042"), ("Rosa Vance", "RLC-043")):
        patient = make_patient(clinic, None, name=name, code=code, clinicians=(chen,))
        make_plan(patient, chen, [(patient.local_today() - dt.timedelta(days=20), "1.5")])
    page = small_phone
    log_in(page, "drr")
    expect(page.get_by_role("heading", level=1)).to_have_text("My patients")
    expect(page.get_by_role("row", name=re.compile("Robin Hale"))).to_have_count(0)

    page.get_by_role("link", name="All patients", exact=True).click()
    page.wait_for_load_state()  # htmx has bound the search field
    page.get_by_label("Search by name or code").fill("rlc-04")
    page.get_by_label("Search by name or code").press("Enter")
    expect(page).to_have_url(re.compile(r"q=rlc-04"))
    expect(page.get_by_role("status").filter(has_text="matching")).to_contain_text(
        "2 patients of the clinic matching “rlc-04”"
    )
    expect(page.get_by_role("row", name=re.compile("Ann Early"))).to_have_count(0)
    assert AccessEvent.objects.filter(what=AccessEvent.What.ROSTER_SEARCH).count() == 2
    no_accessibility_violations(page)
    screenshot(page, "roster-search")

    page.get_by_label("Name this view").fill("Codes 04x")
    page.get_by_role("button", name="Save this view").click()
    expect(page.get_by_text("Saved the view “Codes 04x”.")).to_be_visible()
    page.get_by_role("link", name="My patients", exact=True).click()
    expect(page.get_by_role("row", name=re.compile("Robin Hale"))).to_have_count(0)
    page.get_by_role("link", name="Codes 04x").click()
    expect(page.get_by_role("row", name=re.compile("Robin Hale"))).to_have_count(1)
    expect(page.get_by_role("row", name=re.compile("Rosa Vance"))).to_have_count(1)
    no_accessibility_violations(page)
    screenshot(page, "roster-saved-view")
    page.get_by_role("button", name="Delete the view Codes 04x").click()
    expect(page.get_by_text("Saved view deleted.")).to_be_visible()
    expect(page.get_by_role("link", name="Codes 04x")).to_have_count(0)
