"""A clinic admin adds a clinician and gets the one-time link; the clinician sets a password."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.conftest import log_in, screenshot
from tests.factories import make_clinic, make_clinician

PASSWORD = "a-long-unusual-passphrase-42"


def test_admin_adds_a_clinician_who_sets_a_password(desktop, browser, live_server):
    clinic = make_clinic("Browser Clinic", time_zone="Europe/London")
    make_clinician(clinic, "boss", admin=True)
    page = desktop
    log_in(page, "boss")

    page.get_by_role("link", name="Clinic", exact=True).click()
    page.get_by_role("link", name="Add a clinician").click()
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Osei")
    page.get_by_label("Username").fill("dr.osei")
    page.get_by_label("Email").fill("osei@example.org")
    page.get_by_role("button", name="Add clinician and make the link").click()

    expect(page.get_by_role("heading", name="Nadia Osei", exact=True)).to_be_visible()
    link = page.get_by_test_id("set-password-link").inner_text()
    assert re.search(r"/clinic/set-password/\w+/[\w-]+/$", link)
    screenshot(page, "clinic-admin-link")

    page.get_by_role("link", name="← Clinic").click()
    expect(page.get_by_test_id("clinician-dr.osei")).to_contain_text("no password yet")
    screenshot(page, "clinic-admin-page")

    other = browser.new_context(viewport={"width": 375, "height": 812}, base_url=live_server.url).new_page()
    other.goto(link)
    expect(other.get_by_text("Your username is dr.osei")).to_be_visible()
    other.get_by_label("New password", exact=True).fill(PASSWORD)
    other.get_by_label("New password confirmation").fill(PASSWORD)
    screenshot(other, "clinic-admin-set-password")
    other.get_by_role("button", name="Set my password").click()
    expect(other.get_by_text("Your password is set.")).to_be_visible()
    expect(other.get_by_role("heading", name="My patients")).to_be_visible()
    other.context.close()
