"""The pages and the chart follow the phone's light or dark setting, and change with it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from journal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, screenshot

BACKGROUND = "getComputedStyle(document.documentElement).backgroundColor"
CHART = """() => {
    const layout = document.getElementById("chart").layout;
    return [layout.paper_bgcolor, layout.font.color, layout.xaxis.gridcolor];
}"""


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def test_pages_follow_the_phones_dark_setting(demo, dark_phone):
    log_in(dark_phone, "anna", DEMO_PASSWORD)
    assert dark_phone.evaluate(BACKGROUND) == "rgb(17, 24, 31)"
    dark_phone.emulate_media(color_scheme="light")
    assert dark_phone.evaluate(BACKGROUND) == "rgb(245, 247, 249)"


def test_the_chart_is_drawn_in_the_theme_and_redrawn_when_it_changes(demo, dark_phone):
    log_in(dark_phone, "anna", DEMO_PASSWORD)
    dark_phone.goto("/my-chart/")
    dark_phone.locator("#chart .main-svg").first.wait_for()
    assert dark_phone.evaluate(CHART) == ["#1a232c", "#e6edf3", "#2c3843"]
    screenshot(dark_phone, "my-chart-dark")
    # the figure's JSON, the single source of the data, is as the server wrote it (light)
    assert '"paper_bgcolor": "#ffffff"' in dark_phone.locator("#chart-data").text_content()

    dark_phone.get_by_role("button", name="8 weeks").click()
    dark_phone.emulate_media(color_scheme="light")
    # a function, not an expression: Playwright re-evaluates an expression string on each poll,
    # which the page's Content-Security-Policy (no unsafe-eval) refuses
    dark_phone.wait_for_function("() => document.getElementById('chart').layout.paper_bgcolor === '#ffffff'")
    assert dark_phone.evaluate(CHART) == ["#ffffff", "#1b2733", "#e8edf1"]
    expect(dark_phone.get_by_role("button", name="8 weeks")).to_have_attribute("aria-pressed", "true")
