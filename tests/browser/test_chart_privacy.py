"""The chart never sends patient data away: every button of its toolbar, on the clinician's
patient page, the patient's My chart and the printable summary, is pressed (and any
confirmation accepted), and no window opens and no request leaves the test server."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command

from journal.charts import MODEBAR_BUTTONS
from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import Patient
from tests.browser.conftest import log_in

# What each allowed button is called in plotly.js 4 (its aria-label).
ALLOWED_TITLES = {"Zoom", "Pan", "Zoom in", "Zoom out", "Reset axes", "Download plot as a PNG"}


@pytest.fixture
def demo(transactional_db):
    at = dt.datetime(2026, 3, 20, 20, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))
    with time_machine.travel(at, tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        yield Patient.objects.get(user__username="anna")


def watch(page, live_server_url: str) -> dict[str, list[str]]:
    """Record every request that leaves the test server and every window that opens."""
    own_host = urlsplit(live_server_url).hostname
    seen: dict[str, list[str]] = {"away": [], "windows": []}

    def request(request) -> None:
        url = urlsplit(request.url)
        if url.scheme in ("data", "blob", "about"):
            return  # stays in the browser: the PNG download is a data: URL
        if url.hostname != own_host:
            seen["away"].append(request.url)

    page.context.on("request", request)
    page.context.on("page", lambda new: seen["windows"].append(new.url or "about:blank"))
    page.on("popup", lambda popup: seen["windows"].append(popup.url or "about:blank"))
    page.on("dialog", lambda dialog: dialog.accept())
    return seen


def press_every_toolbar_button(page) -> list[str]:
    """Click each toolbar button (hovering first: the toolbar shows on hover or focus), and
    accept whatever it asks to confirm, as a curious person would."""
    chart = page.locator("[data-figure]").first
    chart.locator(".main-svg").first.wait_for()
    buttons = chart.locator(".modebar-btn")
    titles = []
    for index in range(buttons.count()):
        chart.hover()
        button = buttons.nth(index)
        titles.append(button.get_attribute("aria-label"))
        if titles[-1].startswith("Download"):
            with page.expect_download() as download:
                button.click()
            assert download.value.suggested_filename.endswith(".png")
        else:
            button.click()
        confirm = page.locator(".plotly-cloud-dialog-btn--confirm")
        if confirm.count():
            confirm.click()
    page.wait_for_timeout(500)  # time for any window or request to show itself
    return titles


def test_no_toolbar_button_sends_the_chart_away(desktop, demo, live_server):
    seen = watch(desktop, live_server.url)
    log_in(desktop, "dr.rivera", DEMO_PASSWORD)
    for path in (f"/clinic/patients/{demo.pk}/", f"/clinic/patients/{demo.pk}/summary/"):
        desktop.goto(path)
        titles = press_every_toolbar_button(desktop)
        assert set(titles) == ALLOWED_TITLES, (path, titles)
        assert len(titles) == len(MODEBAR_BUTTONS), (path, titles)
    desktop.context.clear_cookies()
    log_in(desktop, "anna", DEMO_PASSWORD)
    desktop.goto("/my-chart/")
    assert set(press_every_toolbar_button(desktop)) == ALLOWED_TITLES
    assert seen == {"away": [], "windows": []}
