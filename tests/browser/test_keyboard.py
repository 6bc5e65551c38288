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
from journal.models import Clinician, LdnPause, Screening, TitrationPlan
from tests.browser.conftest import log_in, screenshot
from tests.browser.keys import Keys, live_regions, name_is, text_is
from tests.factories import make_patient

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


def test_a_plan_saved_from_the_roster_with_the_keyboard(desktop, demo):
    """A screened patient without a plan: from the roster straight to the editor, the
    gentle template, the capsule strength, the warning confirmed, saved. Then a refused
    save (no screening) puts focus on its reason, and Enter in a pause's reason adds a
    line instead of recording the pause."""
    rivera = Clinician.objects.get(user__username="dr.rivera")
    nora = make_patient(rivera.clinic, None, name="Nora Quill", clinicians=(rivera,))
    Screening.objects.create(patient=nora, screened_by=rivera, thyroid_medication=True)  # a warning
    otto = make_patient(rivera.clinic, None, name="Otto Unscreened", clinicians=(rivera,))
    page = desktop
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    keys = Keys(page)

    keys.tab_to(text_is("Write a plan for Nora Quill"), what="the roster's link to Nora's plan")
    keys.press("Enter")
    expect(page.get_by_role("heading", name="New plan for Nora Quill")).to_be_visible()
    on_roster = keys.count
    summary = page.locator("#preview-summary")
    expect(summary).to_have_text("3 steps, 1.5 mg to 4.5 mg, 1 warning.")  # the standard template
    page.evaluate("document.getElementById('preview-summary').dataset.original = 'yes'")

    keys.tab_to(name_is("template"))  # lands on the chosen template
    keys.press("ArrowRight")  # Gentle: the parameters and the preview follow
    expect(summary).to_have_text("6 steps, 0.5 mg to 3 mg, 1 warning.")
    expect(page.get_by_label("Gentle")).to_be_focused()
    assert live_regions(page)["preview-summary"] == "6 steps, 0.5 mg to 3 mg, 1 warning."
    assert page.evaluate("document.getElementById('preview-summary').dataset.original") == "yes"
    assert page.get_by_test_id("preview-steps").locator("xpath=ancestor::*[@aria-live]").count() == 0

    keys.tab_to(name_is("strength_mg"))
    keys.type("0.5")
    expect(page.get_by_test_id("preview-steps").locator("tbody tr").last).to_contain_text("6 capsules = 3 mg")
    keys.tab_to(name_is("confirm_warnings"))
    keys.press("Space")
    keys.tab_to(text_is("Save and activate"))
    keys.press("Enter")
    expect(page.get_by_text("Plan saved and active.")).to_be_visible()
    in_editor = keys.count - on_roster
    print(f"\nPlan saved from the roster: {keys.count} key presses ({on_roster} on the roster, "
          f"{in_editor} in the editor)")
    assert keys.count <= 66  # before: 74 (34 on the roster, 11 on the patient page, 29 in the editor)
    assert TitrationPlan.objects.get(patient=nora).steps.count() == 6

    # Enter in the pause's reason adds a line; only the button records the pause.
    keys.tab_to(name_is("reason"))
    keys.press("End")
    keys.press("Enter")
    page.wait_for_timeout(300)
    assert "\n" in page.get_by_label("Reason").input_value() and not LdnPause.objects.exists()
    keys.press("Tab")
    assert keys.focused()["text"] == "Record pause"
    keys.press("Enter")
    expect(page.get_by_text("LDN pause recorded")).to_be_visible()
    assert LdnPause.objects.get(patient=nora).reason == "Surgery needing opioid pain relief"

    # A refused save comes back with focus on its reason.
    page.goto(f"/clinic/patients/{otto.pk}/plan/new/")
    Keys(page).tab_to(text_is("Save and activate"))
    page.keyboard.press("Enter")
    refused = page.get_by_test_id("refused")
    expect(refused).to_be_focused()
    expect(refused).to_contain_text("The plan was not saved.")
    expect(refused).to_contain_text("No safety screening is recorded yet.")
    screenshot(page, "keyboard-plan-refused")
