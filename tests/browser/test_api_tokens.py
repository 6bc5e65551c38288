"""A clinic admin makes an API token and revokes it with the keyboard alone, on a 360 px phone, in
light and dark; axe finds nothing on the page; the secret shown once opens the API, and stops
opening it once revoked."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import log_in, no_accessibility_violations, screenshot
from tests.browser.keys import Keys, name_is, text_is
from tests.factories import make_clinic, make_clinician, make_patient


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_admin_makes_and_revokes_a_token_by_keyboard(request, theme, live_server):
    page = request.getfixturevalue("small_phone" if theme == "light" else "dark_small_phone")
    clinic = make_clinic("Token Clinic", time_zone="Europe/London")
    make_clinician(clinic, "boss", admin=True)
    patient = make_patient(clinic, name="Pat")
    log_in(page, "boss")
    page.goto("/clinic/api-tokens/")
    expect(page.get_by_role("heading", name="API tokens", level=1)).to_be_visible()
    no_accessibility_violations(page)
    screenshot(page, f"api-tokens-empty-{theme}")

    keys = Keys(page)
    keys.tab_to(name_is("name"), what="the token's name")
    keys.type("EHR import")
    keys.tab_to(name_is("days"), what="the days")
    keys.press("Control+a")
    keys.type("30")
    keys.tab_to(text_is("Make the token"), what="the button")
    keys.press("Enter")
    page.wait_for_load_state()

    secret = page.get_by_test_id("token-secret").inner_text()
    assert secret.startswith("ldn_")
    expect(page.get_by_test_id("new-token")).to_contain_text("shown only this once")
    no_accessibility_violations(page)
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the page is {scroll_width} px wide at 360 px"
    screenshot(page, f"api-tokens-made-{theme}")

    api = page.request.get(f"/fhir/Patient/{patient.pk}", headers={"Authorization": f"Bearer {secret}"})
    assert api.status == 200

    keys.tab_to(lambda focused: focused["text"].startswith("Revoke"), what="Revoke")
    keys.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_text("Revoked “EHR import”")).to_be_visible()
    expect(page.get_by_test_id("token-secret")).to_have_count(0)
    no_accessibility_violations(page)
    screenshot(page, f"api-tokens-revoked-{theme}")
    api = page.request.get(f"/fhir/Patient/{patient.pk}", headers={"Authorization": f"Bearer {secret}"})
    assert api.status == 401
