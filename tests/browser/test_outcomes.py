"""The clinic outcomes page of the demo clinic in a real browser: asked for, shown computing,
then (the worker's task run) every chart drawn, axe clean, no sideways scrolling at 360 px,
light and dark; the filters work from the keyboard alone."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import ExportState, OutcomeReport
from journal.services.outcomes import outcome_report_run
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot

CHARTS = ("condition", "dose", "survival", "side", "adherence")


def worker_runs_the_report() -> None:
    """What the worker does with the queued report (its task's function, called here)."""
    assert outcome_report_run(report_id=OutcomeReport.objects.latest("pk").pk) == ExportState.DONE


def no_sideways_scrolling(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


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
    assert page.get_by_role("heading", name="Not computed yet").is_visible()
    assert page.locator("[data-figure]").count() == 0
    with page.expect_navigation():
        page.get_by_role("button", name="Compute these figures").click()
    assert page.get_by_role("heading", name="Computing…").is_visible()
    assert page.get_by_role("button", name="Recompute").count() == 0
    no_sideways_scrolling(page)
    no_accessibility_violations(page)
    screenshot(page, f"outcomes-computing-{screen}")
    worker_runs_the_report()
    with page.expect_navigation():  # the page reloads itself every few seconds
        pass
    assert page.get_by_text("Computed at").is_visible()
    for name in CHARTS:
        chart = page.locator(f"#chart-{name}")
        chart.locator(".main-svg").first.wait_for()
        # Drawn with the page's bars or line, and the toolbar offers no way to send the data away.
        assert chart.locator(".bars .point, .scatterlayer .trace").count() > 0, name
        assert chart.locator("[data-title*='Share'], [data-title*='Chart Studio']").count() == 0, name
    no_sideways_scrolling(page)
    assert page.get_by_text("fewer than 5 patients").count() > 0
    assert page.locator("#stop-reasons").is_visible()
    no_accessibility_violations(page)
    screenshot(page, f"outcomes-ready-{screen}")


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
    # That clinician's patients' figures: asked for from the keyboard, computed, then drawn.
    page.get_by_role("button", name="Compute these figures").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "clinician=" in page.url
    worker_runs_the_report()
    page.get_by_role("link", name="reload it now").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.locator("#chart-adherence .main-svg").first.wait_for()
