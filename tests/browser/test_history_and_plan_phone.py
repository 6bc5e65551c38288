"""History by month and My plan's steps on a 360 px phone: paging back and forth, a bad month
explained, and no page that scrolls sideways."""

from __future__ import annotations

import datetime as dt

from playwright.sync_api import expect

from journal.schedule import DAY
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot
from tests.browser.test_patient_journal import demo_like_patient, evening  # noqa: F401 - the fixed evening


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"the page scrolls sideways at 360 px ({width} px)"


def test_history_pages_by_month(small_phone):
    patient, today = demo_like_patient()  # 20 March 2026, on LDN since 9 February
    log_in(small_phone, "anna")
    small_phone.get_by_role("navigation", name="Main").get_by_role("link", name="History").click()
    months = small_phone.get_by_role("navigation", name="Months")
    expect(months.get_by_role("heading")).to_have_text("March 2026")
    expect(small_phone.get_by_test_id(f"entry-{(today - DAY).isoformat()}")).to_be_visible()
    no_sideways_scroll(small_phone)
    screenshot(small_phone, "history-360")
    no_accessibility_violations(small_phone)

    months.get_by_role("link", name="← February").click()
    expect(months.get_by_role("heading")).to_have_text("February 2026")
    expect(small_phone.get_by_test_id(f"entry-{(today - DAY).isoformat()}")).to_have_count(0)
    expect(small_phone.get_by_text("No entries in this month.")).to_be_visible()
    expect(months.get_by_role("link", name="← January")).to_have_count(0)  # the baseline began 2 Feb
    no_sideways_scroll(small_phone)
    months.get_by_role("link", name="March →").click()
    expect(months.get_by_role("heading")).to_have_text("March 2026")

    small_phone.goto("/history/?month=2026-1")
    expect(small_phone.get_by_test_id("month-message")).to_have_text(
        "That is not a month such as 2026-03; here is this month."
    )
    expect(months.get_by_role("heading")).to_have_text("March 2026")


def test_my_plan_steps_fit_a_360_px_phone(small_phone):
    patient, today = demo_like_patient()
    log_in(small_phone, "anna")
    small_phone.get_by_role("navigation", name="Main").get_by_role("link", name="My plan").click()
    steps = small_phone.get_by_test_id("plan-steps")
    expect(steps).to_contain_text("4.5 mg at bedtime")
    expect(steps.get_by_text(dt.date.strftime(today + 2 * DAY, "%a %-d %b %Y"))).to_be_visible()
    wrap = steps.locator("xpath=..")
    assert wrap.evaluate("box => box.scrollWidth <= box.clientWidth"), "the steps scroll sideways"
    no_sideways_scroll(small_phone)
    screenshot(small_phone, "my-plan-360")
    no_accessibility_violations(small_phone)
