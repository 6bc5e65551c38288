"""The keyboard alone (Playwright keyboard.press, never a click), on the demo clinic: a
patient's full daily entry, and a clinician sorting the roster and saving a plan from
there. Each prints its number of key presses (pytest -s) and keeps it under a bound.

Measured on 2026-03-20 at 20:00 (London) before issue 17, with the same routes: 69 presses
for the entry (71 after midnight, with one more link on the page) and 34 + 11 + 29 = 74
from the roster to a saved plan."""

from __future__ import annotations

import datetime as dt
import io
import re
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from playwright.sync_api import expect

from journal.management.commands.seed_demo import DEMO_PASSWORD
from tests.browser.conftest import log_in, screenshot
from tests.browser.keys import Keys, live_regions, text_is

EVENING = dt.datetime(2026, 3, 20, 20, 0, tzinfo=zoneinfo.ZoneInfo("Europe/London"))


@pytest.fixture
def demo(transactional_db):
    with time_machine.travel(EVENING, tick=True):
        call_command("seed_demo", stdout=io.StringIO())
        yield


def test_roster_sorting_keeps_focus_and_announces_the_order(desktop, demo):
    page = desktop
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    keys = Keys(page)
    page.evaluate("document.getElementById('roster-order').dataset.original = 'yes'")

    keys.tab_to(text_is("Day on LDN"), what="the Day on LDN column header")
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"sort=day&dir=asc"))
    header = page.locator("#sort-day")
    expect(header).to_be_focused()  # on the activated header link, not lost to <body>
    expect(header).to_have_text("Day on LDN ▲")
    expect(page.get_by_role("status")).to_have_text(re.compile("sorted by Day on LDN, ascending"))
    regions = live_regions(page)
    assert re.fullmatch(r"\d+ patients, sorted by Day on LDN, ascending\.", regions["roster-order"]), regions
    # the region itself stayed in place (screen readers announce changes to a region they know)
    assert page.evaluate("document.getElementById('roster-order').dataset.original") == "yes"

    keys.press("Enter")  # again: the other way round
    expect(page).to_have_url(re.compile(r"sort=day&dir=desc"))
    expect(page.locator("#sort-day")).to_be_focused()
    assert live_regions(page)["roster-order"].endswith("sorted by Day on LDN, descending.")
    keys.press("Tab")
    assert keys.focused()["text"].startswith("Phase")  # the next header, not "Export CSV"
    screenshot(page, "keyboard-roster-sorted")
