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


# Records how the page asks to scroll, to check that reduced motion is honoured.
SCROLLS = """window.scrollCalls = [];
const scrollIntoView = Element.prototype.scrollIntoView;
Element.prototype.scrollIntoView = function (options) {
  window.scrollCalls.push(typeof options === "object" ? options.behavior || "auto" : "auto");
  return scrollIntoView.call(this, options);
};"""


def test_a_full_daily_entry_with_the_keyboard(browser, live_server, demo):
    """Anna, on a phone-sized screen with a keyboard and reduced motion: from Today to a
    saved entry (dose, three symptom scores, sleep, one side effect); then a wrong dose,
    whose error-summary link puts focus in the field."""
    context = browser.new_context(
        viewport={"width": 375, "height": 812}, base_url=live_server.url, reduced_motion="reduce"
    )
    context.add_init_script(SCROLLS)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, "anna", DEMO_PASSWORD)
    keys = Keys(page)

    keys.tab_to(lambda focused: focused["text"] in ("Log today", "Change it"), what="today's entry link")
    keys.press("Enter")
    page.wait_for_url("**/entry/**")
    opened = keys.count
    keys.tab_to(name_is("dose_taken"))
    if not page.locator("#id_dose_taken_0").is_checked():
        keys.press("Space")  # Yes
    scores = page.evaluate("[...new Set([...document.querySelectorAll('[name^=score_]')].map(e => e.name))]")
    for name, score in [*((name, "4") for name in scores), ("sleep_quality", "7")]:
        keys.tab_to(name_is(name))
        keys.type(score)  # a number chooses it; the arrow keys still move along the row
        expect(page.locator(f"input[name={name}][value='{score}']")).to_be_checked()
    keys.tab_to(lambda focused: focused["text"].startswith("Any side effects?"))
    keys.press("Enter")
    keys.tab_to(name_is("side_vivid_dreams"))
    keys.press("ArrowRight")  # mild
    keys.tab_to(text_is("Save entry"))
    keys.press("Enter")
    saved = page.get_by_test_id("saved")
    expect(saved).to_be_focused()
    expect(page.get_by_text("With a keyboard: type a score's number")).to_be_visible()  # in the new form too
    print(f"\nFull daily entry: {keys.count} key presses ({opened} to open the form)")
    # before: 69 (71 after midnight), 11 of them to open the form; the header's Questions link: +2;
    # the header's Help link is one more Tab on Today and one on the entry page; Today's "Took 3 mg
    # at bedtime" (one tap to the entry with the dose answered) is one more Tab before "Log today"
    assert keys.count <= 57

    # A wrong dose: the error summary is focused, and its link takes focus to the field.
    keys.tab_to(name_is("dose_mg"))
    keys.press("Control+a")
    keys.type("50")
    keys.tab_to(text_is("Save entry"))
    keys.press("Enter")
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    keys.press("Tab")
    assert keys.focused()["text"] == "Dose taken (mg)"
    keys.press("Enter")
    expect(page.locator("#id_dose_mg")).to_be_focused()
    screenshot(page, "keyboard-entry-error")
    assert page.evaluate("window.scrollCalls")
    assert "smooth" not in page.evaluate("window.scrollCalls")
    context.close()
    assert not errors, errors


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
    expect(page.get_by_role("button", name="Filter")).to_be_hidden()  # htmx filters on change
    # No copy of the page (patient data) in the browser's storage; Back asks the server.
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    page.go_back()
    expect(page).to_have_url(re.compile(r"sort=day&dir=asc"))
    expect(page.locator("#sort-day")).to_have_text("Day on LDN ▲")
    expect(page.get_by_role("heading", level=1)).to_have_count(1)
    screenshot(page, "keyboard-roster-sorted")


def test_roster_pages_keep_focus_and_announce_the_page(desktop, demo):
    """A clinic of more than one page: Next and Previous with Enter swap the list in place,
    the focus stays on the link (or its words at the last page) and the page is announced."""
    rivera = Clinician.objects.get(user__username="dr.rivera")
    for n in range(50):
        make_patient(rivera.clinic, None, name=f"Zz Patient {n:02d}", clinicians=(rivera,))
    page = desktop
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    keys = Keys(page)
    keys.tab_to(text_is("Next page →"), what="the next page link")
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator("#page-next")).to_be_focused()  # the words "Last page": no next link
    expect(page.locator("#page-next")).to_have_text("Last page")
    assert live_regions(page)["roster-order"].endswith("Page 2 of 2."), live_regions(page)
    expect(page.get_by_role("link", name="Zz Patient 49", exact=True)).to_be_visible()
    keys.press("Shift+Tab")
    assert keys.focused()["text"] == "← Previous page"
    keys.press("Enter")
    expect(page).to_have_url(re.compile(r"page=1"))
    expect(page.locator("#page-previous")).to_be_focused()
    assert live_regions(page)["roster-order"].endswith("Page 1 of 2.")
    screenshot(page, "keyboard-roster-paged")


def test_a_plan_saved_from_the_roster_with_the_keyboard(desktop, demo):
    """A screened patient without a plan: from the roster straight to the editor, the
    gentle template, the capsule strength, the warning confirmed, saved. Then a refused
    save (no screening) puts focus on its reason, and Enter in a pause's reason adds a
    line instead of recording the pause."""
    rivera = Clinician.objects.get(user__username="dr.rivera")
    nora = make_patient(rivera.clinic, None, name="Nora Quill", clinicians=(rivera,))
    Screening.objects.create(patient=nora, screened_by=rivera, pregnancy_or_breastfeeding=True)  # a warning
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
    keys.tab_to(name_is("patient_reason"))
    keys.type("Start low.")
    keys.tab_to(text_is("Save and activate"))
    keys.press("Enter")
    expect(page.get_by_text("Plan saved.")).to_be_visible()
    in_editor = keys.count - on_roster
    print(
        f"\nPlan saved from the roster: {keys.count} key presses ({on_roster} on the roster, "
        f"{in_editor} in the editor)"
    )
    # before: 74 (34 on the roster, 11 on the patient page, 29 in the editor); the roster now also
    # has the Rules link and a safety alert (Victor) ahead of the table; every page's header has the
    # Account link (one more Tab on the roster and one in the editor); the reason for the patient
    # before the save button: one more Tab and its 10 characters ("Start low."); the roster's
    # My patients / All patients links and its search field are three more Tabs before the table
    # 82, plus how often (a step's frequency) and the folded compounding and supply (2); the
    # clinician header's Outcomes and Questionnaires links (one Tab each on the roster and in the
    # editor, 4) and one more Tab in the editor
    # after the caregiver, FHIR and prescription merges, with 14 more demo patients for the
    # outcomes page: 101 (55 on the roster, 46 in the editor)
    assert keys.count <= 101
    assert TitrationPlan.objects.get(patient=nora).steps.count() == 6

    # Enter in the pause's reason adds a line; only the button records the pause.
    keys.tab_to(name_is("reason"))
    keys.press("End")
    keys.press("Enter")
    page.wait_for_timeout(300)
    assert "\n" in page.get_by_label("Reason", exact=True).input_value()
    assert not LdnPause.objects.exists()
    keys.press("Tab")  # past the reason for a pause recorded afterwards: not needed for one ahead
    keys.press("Tab")  # the reason the patient reads with the pause
    keys.type("Your operation.")
    keys.press("Tab")
    assert keys.focused()["text"] == "Record pause"
    keys.press("Enter")
    expect(page.get_by_text("nothing is prescribed on those days")).to_be_visible()
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
