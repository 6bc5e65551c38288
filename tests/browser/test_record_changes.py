"""A clinician on a phone tracks a new symptom and records a child's weight from the patient
page; the patient's next entry form asks the symptom. Screenshots land in
test-artifacts/screenshots/record-changes-*.png."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from journal.schedule import DAY
from tests.browser.conftest import log_in, screenshot
from tests.factories import make_plan


@pytest.fixture
def on_ldn(transactional_db, alice, carol):
    alice.created_at = timezone.now() - 60 * DAY
    alice.save(update_fields=["created_at"])
    make_plan(alice, carol, [(alice.local_today() - 42 * DAY, "1.5")])
    return alice


@pytest.mark.parametrize("viewport", ["small_phone", "dark_phone"])
def test_a_clinician_tracks_a_symptom_and_records_a_weight_on_a_phone(request, on_ldn, viewport):
    page = request.getfixturevalue(viewport)
    log_in(page, "carol")
    page.goto(f"/clinic/patients/{on_ldn.pk}/")
    page.get_by_text("Track a symptom").click()
    page.get_by_label("Symptom to track").select_option(label="Brain fog")
    page.get_by_role("button", name="Track symptom").click()
    page.wait_for_url(f"**/clinic/patients/{on_ldn.pk}/#record")
    symptoms = page.get_by_test_id("record-symptoms")
    expect(symptoms).to_contain_text(f"Brain fog — from {on_ldn.local_today():%-d %b %Y}")

    page.get_by_text("Record a weight").click()
    page.get_by_label("Weight (kg)").fill("32.5")
    page.get_by_role("button", name="Record weight").click()
    page.wait_for_url(f"**/clinic/patients/{on_ldn.pk}/#details")
    expect(page.get_by_test_id("birth-and-weight")).to_contain_text("32.5 kg, measured")
    page.locator("#record").scroll_into_view_if_needed()
    screenshot(page, f"record-changes-{viewport}")
    assert Axe().run(page).response["violations"] == []

    page.context.clear_cookies()
    log_in(page, "alice")
    page.goto("/entry/")
    expect(page.get_by_text("Brain fog")).to_be_visible()
