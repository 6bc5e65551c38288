"""A clinician records a TSH on the patient page and sees it listed and on the chart, on a
desktop and on the narrowest phone. Screenshots land in test-artifacts/screenshots/labs-*.png."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from journal.models import LabResult, LabTest
from journal.schedule import DAY
from journal.services.labs import lab_result_record
from tests.browser.conftest import log_in, screenshot
from tests.factories import make_plan


@pytest.fixture
def on_ldn(transactional_db, alice, carol):
    """Alice opened her record two months ago and has been on LDN for six weeks."""
    alice.created_at = timezone.now() - 60 * DAY
    alice.save(update_fields=["created_at"])
    make_plan(alice, carol, [(alice.local_today() - 42 * DAY, "1.5")])
    return alice


@pytest.mark.parametrize("viewport", ["desktop", "small_phone"])
def test_a_clinician_records_a_tsh_and_sees_it_on_the_chart(request, on_ldn, viewport):
    page = request.getfixturevalue(viewport)
    sampled_on = on_ldn.local_today() - 2 * DAY
    log_in(page, "carol")
    page.goto(f"/clinic/patients/{on_ldn.pk}/")
    page.get_by_text("Record a lab result").click()
    form = page.get_by_test_id("lab-form")
    form.get_by_label("Test").select_option(label="TSH (mIU/L, usually 0.4–4.0)")
    form.get_by_label("Result").fill("0.3")
    form.get_by_label("Reference range: low").fill("0.4")
    form.get_by_label("Reference range: high").fill("4.0")
    form.get_by_label("Sample taken on").fill(sampled_on.isoformat())
    form.get_by_label("Laboratory").fill("City Lab")
    form.get_by_role("button", name="Record the result").click()
    page.wait_for_url(f"**/clinic/patients/{on_ldn.pk}/#labs")

    row = page.get_by_test_id(f"lab-{LabResult.objects.get().pk}")
    expect(row).to_contain_text("TSH")
    expect(row).to_contain_text("0.3 mIU/L")
    expect(row).to_contain_text("below range")
    expect(row).to_contain_text("City Lab")

    chart = page.locator(".chart")
    chart.locator(".main-svg").first.wait_for()
    drawn = chart.evaluate(
        "chart => chart.data.filter(trace => trace.name === 'Lab result')"
        ".map(trace => [trace.meta, trace.x, trace.y])"
    )
    assert drawn == [["TSH", [sampled_on.isoformat()], [0.3]]]
    expect(chart.locator(".annotation-text", has_text="TSH")).to_be_visible()
    # the result's point is drawn inside the chart (a marker in the lab panel's plot area)
    assert chart.locator(".scatterlayer .trace .points path").count() > 0

    results = Axe().run(page, context={"include": [["#labs"], [".chart-card"]]})
    assert results.violations_count == 0, results.generate_report()
    page.locator(".chart-card").scroll_into_view_if_needed()
    screenshot(page, f"labs-recorded-{viewport}")


def test_the_sample_date_picker_stops_at_today(desktop, on_ldn):
    log_in(desktop, "carol")
    desktop.goto(f"/clinic/patients/{on_ldn.pk}/")
    picker = desktop.get_by_test_id("lab-form").get_by_label("Sample taken on")
    assert picker.get_attribute("max") == on_ldn.local_today().isoformat()
    assert dt.date.fromisoformat(picker.get_attribute("min")) < on_ldn.local_today()


def test_the_patient_sees_their_results_under_their_own_chart(small_phone, on_ldn, carol):
    lab_result_record(
        patient=on_ldn,
        clinician=carol,
        test=LabTest.objects.get(key="tsh"),
        value=Decimal("5.2"),
        sampled_on=on_ldn.local_today() - 3 * DAY,
        reference_low=Decimal("0.4"),
        reference_high=Decimal("4.0"),
    )
    log_in(small_phone, "alice")
    small_phone.goto("/my-chart/")
    small_phone.locator(".chart .main-svg").first.wait_for()
    labs = small_phone.get_by_test_id("my-lab-results")
    expect(labs).to_contain_text("5.2 mIU/L")
    expect(labs).to_contain_text("above range")
    results = Axe().run(small_phone, context={"include": [["[data-testid=my-lab-results]"], [".chart-card"]]})
    assert results.violations_count == 0, results.generate_report()
    screenshot(small_phone, "labs-patient-own-chart-small_phone")
