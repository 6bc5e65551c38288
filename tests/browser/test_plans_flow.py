"""A clinician invites a patient, screens them, writes a gentle plan from the template and
saves it; the patient accepts the invitation and sees today's dose."""

from __future__ import annotations

import datetime as dt
import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.factories import make_clinic, make_clinician, make_entry, make_patient, make_plan

PASSWORD = "a-long-unusual-passphrase-42"


def test_invite_screen_plan_and_accept(desktop, browser, live_server):
    clinic = make_clinic("Browser Clinic", time_zone="Europe/London")
    make_clinician(clinic, "drb")
    page = desktop
    log_in(page, "drb")

    page.get_by_role("link", name="Invite patient").click()
    page.get_by_label("Name", exact=True).fill("Nora Quill")
    page.get_by_label("Pain", exact=True).check()
    page.get_by_label("Fibromyalgia").check()
    page.get_by_label("Current medications").fill("Levothyroxine 50 mcg")
    page.get_by_role("button", name="Create patient and invitation").click()
    link = page.get_by_test_id("invitation-link").inner_text()
    assert re.search(r"/invitation/[\w-]{20,}/$", link)

    page.get_by_role("link", name="Next: safety screening").click()
    expect(page.get_by_label("Thyroid medication")).to_be_checked()  # pre-filled from the list
    page.get_by_role("button", name="Record screening").click()

    expect(page.get_by_role("heading", name="New plan for Nora Quill")).to_be_visible()
    # The strength first: typing into a field in the same instant htmx swaps the form in
    # (a robot's speed, not a person's) could land in the old form.
    page.get_by_label("Strength (mg per capsule, or mg per mL of liquid)").fill("0.5")
    page.get_by_label("Gentle").check()
    expect(page.get_by_label("Start dose (mg)")).to_have_value("0.5")  # the template filled it in
    expect(page.get_by_label("Every (days)")).to_have_value("7")
    expect(page.get_by_label("Strength (mg per capsule, or mg per mL of liquid)")).to_have_value("0.5")
    preview = page.get_by_test_id("preview-steps")
    expect(preview.locator("tbody tr")).to_have_count(6)
    expect(preview.locator("tbody tr").last).to_contain_text("3 mg")
    expect(preview.locator("tbody tr").last).to_contain_text("6 capsules = 3 mg")
    # The listed thyroid medicine leaves a note naming it, with its reason, as the patient page
    # does; a note needs no confirmation.
    finding = page.get_by_test_id("finding-thyroid_watch")
    expect(finding).to_contain_text("Thyroid hormone replacement (Levothyroxine")
    expect(finding).to_contain_text("LDN may improve thyroid function")
    expect(page.get_by_label("I have read the warnings")).to_have_count(0)
    screenshot(page, "plan-editor")
    page.get_by_label("Reason, for the patient").fill("We start low and go slow.")
    page.get_by_role("button", name="Save and activate").click()
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    expect(page.get_by_test_id("plan-steps").locator("tbody tr").first).to_contain_text("now")

    page.get_by_role("link", name="Patients").click()
    page.wait_for_load_state()  # htmx has bound the filters (they would not react before)
    expect(page.get_by_role("row", name=re.compile("Nora Quill"))).to_contain_text("0.5 mg at bedtime")
    page.get_by_label("Phase").select_option("titrating")
    expect(page).to_have_url(re.compile(r"phase=titrating"))
    expect(page.get_by_role("row", name=re.compile("Nora Quill"))).to_be_visible()

    # The new patient, on their own phone, opens the link.
    context = browser.new_context(viewport={"width": 375, "height": 812})
    patient_page = context.new_page()
    patient_page.goto(link)
    patient_page.get_by_label("Username").fill("nora")
    patient_page.get_by_label("Password", exact=True).fill(PASSWORD)
    patient_page.get_by_label("Password again").fill(PASSWORD)
    patient_page.get_by_role("button", name="Set my password").click()
    patient_page.get_by_role("button", name="Skip the introduction").click()  # read in test_onboarding.py
    expect(patient_page.get_by_test_id("todays-dose")).to_have_text("0.5 mg at bedtime")
    expect(patient_page.get_by_test_id("plan-notice")).to_be_visible()
    screenshot(patient_page, "today-new-patient")
    patient_page.get_by_role("button", name="Got it").click()
    expect(patient_page.get_by_test_id("plan-notice")).to_have_count(0)
    context.close()


def test_roster_sorting_with_htmx(desktop):
    clinic = make_clinic("Browser Clinic", time_zone="Europe/London")
    doctor = make_clinician(clinic, "drb")
    stories = [
        ("Ann Early", 120, ("1.5", "3", "4.5")),
        ("Bo Middle", 30, ("0.5", "1", "1.5")),
        ("Cy Late", -3, ("1.5",)),
    ]
    for name, days_ago, doses in stories:
        patient = make_patient(clinic, None, name=name, clinicians=(doctor,))
        start = patient.local_today()
        first = start - dt.timedelta(days=days_ago)
        make_plan(
            patient, doctor, [(first + dt.timedelta(days=14 * n), dose) for n, dose in enumerate(doses)]
        )
        if days_ago > 0:
            make_entry(patient, start - dt.timedelta(days=1))
    log_in(desktop, "drb")
    desktop.get_by_role("link", name="Day on LDN").click()
    expect(desktop).to_have_url(re.compile(r"sort=day&dir=asc"))
    rows = desktop.locator("table.roster tbody tr")
    expect(rows.first).to_contain_text("Cy Late")
    desktop.get_by_role("link", name=re.compile("Day on LDN")).click()
    expect(desktop).to_have_url(re.compile(r"sort=day&dir=desc"))
    expect(rows.first).to_contain_text("Ann Early")
    screenshot(desktop, "roster-plans")


def test_clinician_holds_the_plan_on_a_phone(phone):
    clinic = make_clinic("Browser Clinic", time_zone="Europe/London")
    doctor = make_clinician(clinic, "drb")
    patient = make_patient(clinic, "paula", clinicians=(doctor,), time_zone="Europe/London")
    today = patient.local_today()
    make_plan(patient, doctor, [(today - dt.timedelta(days=10), "0.5"), (today + dt.timedelta(days=4), "1")])
    log_in(phone, "drb")
    phone.get_by_role("link", name="Paula").click()
    phone.get_by_role("link", name="Change the plan").click()
    phone.get_by_label("Stay on today's dose for (days)").fill("7")
    hold = phone.locator("form", has=phone.get_by_label("Stay on today's dose for (days)"))
    hold.get_by_label("Reason, for the patient").fill("Let the headaches settle first.")
    phone.get_by_role("button", name="Hold").click()
    expect(phone.get_by_text("Hold: the later step moves 7 days later")).to_be_visible()
    next_step = (today + dt.timedelta(days=11)).strftime("%-d %b %Y")
    expect(phone.get_by_test_id("plan-steps").locator("tbody tr").last).to_contain_text(next_step)
    screenshot(phone, "plan-manage-phone")
    phone.get_by_role("link", name="← Paula").click()
    expect(phone.get_by_test_id("audit-timeline")).to_contain_text("Hold:")
    expect(phone.get_by_test_id("plan-acknowledged")).to_contain_text("not yet seen")
    screenshot(phone, "patient-page-plan-phone")
