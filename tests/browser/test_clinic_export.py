"""A clinic export in a real browser: asked for, shown being prepared, then (the worker's task
run) offered on the same page without a reload, where keyboard focus stays; at 360 px, light
and dark, without accessibility violations."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import ExportJob, ExportState
from journal.services.exports import export_job_run
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


@pytest.mark.parametrize("screen", ["small_phone", "dark_small_phone"])
def test_the_export_is_offered_in_place_once_the_worker_has_written_it(request, demo, screen):
    page = request.getfixturevalue(screen)
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    page.goto("/clinic/export/")
    with page.expect_navigation():
        page.get_by_role("button", name="Prepare CSV").click()
    state = page.get_by_test_id("export-job-state")
    expect(state.get_by_role("heading", name="Being prepared")).to_be_visible()
    back = page.get_by_role("link", name="← Export CSV")
    back.focus()
    page.evaluate("window.loadedOnce = true")  # gone if the page were reloaded
    no_accessibility_violations(page)
    screenshot(page, f"clinic-export-preparing-{screen}")

    assert export_job_run(job_id=ExportJob.objects.latest("pk").pk) == ExportState.DONE
    expect(state.get_by_role("heading", name="Ready to download")).to_be_visible(timeout=10_000)
    expect(state.get_by_role("link", name="Download CSV")).to_be_visible()
    assert page.evaluate("window.loadedOnce") is True
    expect(back).to_be_focused()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    no_accessibility_violations(page)
    screenshot(page, f"clinic-export-ready-{screen}")
