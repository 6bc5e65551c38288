"""The clinic outcomes page of the demo clinic in a real browser: every chart drawn, axe clean,
no sideways scrolling at 360 px, light and dark; the filters work from the keyboard alone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from journal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot

CHARTS = ("condition", "dose", "survival", "side", "adherence")


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("screen", ["small_phone", "desktop", "dark_small_phone", "dark_desktop"])
def test_the_demo_clinics_outcomes_draw_every_chart_without_violations(request, demo, screen):
    page = request.getfixturevalue(screen)
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    page.get_by_role("link", name="Outcomes").click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith(reverse("clinic_outcomes"))
    for name in CHARTS:
        chart = page.locator(f"#chart-{name}")
        chart.locator(".main-svg").first.wait_for()
        # Drawn with the page's bars or line, and the toolbar offers no way to send the data away.
        assert chart.locator(".bars .point, .scatterlayer .trace").count() > 0, name
        assert chart.locator("[data-title*='Share'], [data-title*='Chart Studio']").count() == 0, name
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    assert page.get_by_text("fewer than 5 patients").count() > 0
    no_accessibility_violations(page)
    screenshot(page, f"outcomes-{screen}")


def test_the_filters_from_the_keyboard_and_a_wrong_date_named(demo, small_phone):
    page = small_phone
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    page.goto(reverse("clinic_outcomes"))
    page.get_by_label("First dose from").focus()
    page.keyboard.type("01011999")
    page.get_by_role("button", name="Show").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    alert = page.get_by_role("alert")
    assert "Pick a date from 2000 on" in alert.inner_text()
    assert page.locator("[data-figure]").count() == 0
    no_accessibility_violations(page)
    page.get_by_label("First dose from").fill("")
    page.get_by_label("Clinician").focus()
    page.keyboard.press("ArrowDown")
    page.get_by_role("button", name="Show").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "clinician=" in page.url
    page.locator("#chart-adherence .main-svg").first.wait_for()
