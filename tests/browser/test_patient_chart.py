"""The patient chart, response table and advice on the demo clinic's own stories: Anna
(responder), Daniel (non-responder) and Isla (moved to a morning dose after insomnia).
Screenshots land in test-artifacts/screenshots/patient-chart-*.png."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import expect

from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import AdviceDismissal, DailyEntry, Patient, SymptomScore
from journal.selectors.records import patient_overview
from tests.browser.conftest import SCREENSHOTS, log_in, screenshot
from tests.browser.keys import Keys, text_is

MY_SECTIONS = {"include": [[".chart-card"], ["#response"], ["#advice"], ["#review"]]}


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return {patient.user.username: patient for patient in Patient.objects.select_related("user")}


def open_patient(page, clinician: str, patient: Patient) -> None:
    log_in(page, clinician, DEMO_PASSWORD)
    page.goto(f"/clinic/patients/{patient.pk}/")
    page.locator(".chart .main-svg").first.wait_for()


def no_violations_in_my_sections(page) -> None:
    results = Axe().run(page, context=MY_SECTIONS)
    assert results.violations_count == 0, results.generate_report()


def class_of(page, measure: str) -> str:
    row = page.locator("#response tr", has=page.get_by_role("rowheader", name=measure))
    return row.locator(".badge").first.inner_text()


def shown_days(page) -> int:
    x_range = page.evaluate("document.querySelector('.chart').layout.xaxis.range")
    first, last = (dt.date.fromisoformat(value[:10]) for value in x_range)
    return (last - first).days


def test_responder(desktop, demo):
    open_patient(desktop, "dr.rivera", demo["anna"])
    assert class_of(desktop, "Pain lower is better") == "moderate improvement"
    assert desktop.locator("#advice").get_by_text("No open advice.").is_visible()
    no_violations_in_my_sections(desktop)
    screenshot(desktop, "patient-chart-anna-responder")


def test_the_chart_with_the_keyboard_and_a_screen_reader(desktop, demo):
    """The range buttons take focus and work with Enter and Space; the toolbar is one Tab
    stop with arrow keys inside; the figure is named, described and tied to the table, and
    its SVG, which only repeats that table, is out of the accessibility tree."""
    open_patient(desktop, "dr.rivera", demo["anna"])
    keys = Keys(desktop)
    keys.tab_to(text_is("8 weeks"), what="the 8 weeks button")
    print(f"\nClinician's patient page: {keys.count} Tab presses from the top to the chart's range buttons")
    keys.press("Enter")
    eight_weeks = desktop.get_by_role("button", name="8 weeks")
    expect(eight_weeks).to_have_attribute("aria-pressed", "true")
    assert shown_days(desktop) == 56
    keys.press("Tab")
    keys.press("Space")  # 3 months
    expect(desktop.get_by_role("button", name="3 months")).to_have_attribute("aria-pressed", "true")
    expect(eight_weeks).to_have_attribute("aria-pressed", "false")
    assert shown_days(desktop) == 91
    keys.press("Tab", 2)
    keys.press("Enter")  # All
    assert shown_days(desktop) > 182

    keys.press("Tab")  # into the toolbar: one stop, arrow keys move along it
    assert keys.focused()["text"] == "Zoom"
    keys.press("ArrowRight", 4)
    assert keys.focused()["text"] == "Reset axes"
    keys.press("Tab")
    assert keys.focused()["text"] == "Week-by-week table"
    keys.press("Enter")
    expect(desktop.locator("#chart-table")).to_be_focused()
    expect(desktop.locator("#chart-table")).to_be_visible()  # its <details> opened

    figure = desktop.get_by_role("figure", name="Dose, symptoms and side effects")
    expect(figure).to_have_accessible_description(re.compile(r"^One time line for everything"))
    assert figure.get_attribute("aria-details") == "chart-table"
    tree = figure.aria_snapshot()
    assert 'group "Time range"' in tree, tree
    assert 'toolbar "Chart tools"' in tree, tree
    # Nothing from the SVG: no axis text, no legend, no panel titles.
    assert not re.search(r"\bmg\b|Pain|baseline|text:", tree), tree
    assert desktop.locator(".chart .main-svg:not([aria-hidden=true])").count() == 0


def test_non_responder_dismisses_advice_with_a_note(desktop, demo):
    daniel = demo["daniel"]
    open_patient(desktop, "dr.rivera", daniel)
    assert class_of(desktop, "Fatigue lower is better") == "no change"
    card = desktop.locator(".advice-card", has_text="No clear response after")
    assert card.get_by_text("Give it three months", exact=False).is_visible()
    no_violations_in_my_sections(desktop)
    # hover on a day: one label lists that day's values across the panels
    plot_area = desktop.locator(".chart .nsewdrag").first
    plot_area.scroll_into_view_if_needed()
    box = plot_area.bounding_box()
    desktop.mouse.move(box["x"] + box["width"] * 0.6, box["y"] + 40)
    desktop.locator(".hoverlayer .legend").first.wait_for()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desktop.screenshot(path=str(SCREENSHOTS / "patient-chart-daniel-hover.png"))  # the viewport, as hovered
    screenshot(desktop, "patient-chart-daniel-non-responder")

    card.get_by_label("Note: why set this aside?").fill("Discussed in clinic: continue to 6 months.")
    card.get_by_role("button", name="Dismiss with this note").click()
    expect(desktop.locator(".advice-card", has_text="No clear response after")).to_have_count(0)
    assert desktop.locator("#advice").get_by_text("1 dismissed card not shown").is_visible()
    assert AdviceDismissal.objects.get(patient=daniel).note == "Discussed in clinic: continue to 6 months."
    screenshot(desktop, "patient-chart-daniel-after-dismissal")


def test_response_table_names_its_window_and_a_thin_baseline(desktop, demo):
    """Anna as if she had logged only 2 days of her 3–6-month window, and brain fog only once
    before day 7: every class rests on 8–10 weeks and says why; brain fog has no baseline.
    The patient page and the summary show it alike."""
    anna = demo["anna"]
    first_dose, day = patient_overview(anna).record.first_dose, dt.timedelta(days=1)
    DailyEntry.objects.filter(patient=anna, entry_date__gte=first_dose + 93 * day).delete()
    SymptomScore.objects.filter(
        entry__patient=anna,
        symptom__name="Brain fog",
        entry__entry_date__lt=first_dose + 7 * day,
    ).exclude(entry__entry_date=first_dose - day).delete()
    note = "Judged on the 8–10-week window: the 3–6-month window has 2 entries so far (4 needed)."
    open_patient(desktop, "dr.rivera", anna)
    assert class_of(desktop, "Brain fog lower is better") == "baseline too thin"
    table = desktop.locator("#response")
    expect(table.get_by_text(note)).to_have_count(3)  # Fatigue, Pain, Sleep quality
    no_violations_in_my_sections(desktop)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    table.screenshot(path=str(SCREENSHOTS / "patient-chart-anna-response-table.png"))

    desktop.goto(f"/clinic/patients/{anna.pk}/summary/")
    summary = desktop.locator('section[aria-labelledby="s-response"]')
    expect(summary.get_by_text(note)).to_have_count(3)
    expect(summary.get_by_text("baseline too thin", exact=True)).to_have_count(1)
    summary.screenshot(path=str(SCREENSHOTS / "summary-anna-response-table.png"))


def test_morning_dose(desktop, demo):
    open_patient(desktop, "dr.chen", demo["isla"])
    legend = desktop.locator(".chart .legend").text_content()
    assert "Taken in the morning" in legend
    assert "Side effect: severe" in legend
    no_violations_in_my_sections(desktop)
    screenshot(desktop, "patient-chart-isla-morning-dose")


def test_patient_sees_own_chart_on_a_phone(phone, demo):
    log_in(phone, "anna", DEMO_PASSWORD)
    scripts: list[str] = []
    phone.on(
        "request", lambda request: scripts.append(request.url) if request.resource_type == "script" else None
    )
    phone.get_by_role("link", name="My chart").click()
    phone.locator(".chart .main-svg").first.wait_for()
    # The phone downloads plotly.js's basic bundle, nothing bigger, and nothing from elsewhere.
    assert [url.rsplit("/", 1)[-1] for url in scripts if "plotly" in url] == ["plotly-basic.min.js"]
    assert {urlsplit(url).netloc for url in scripts} == {urlsplit(phone.url).netloc}
    assert phone.get_by_text("Most people notice a change after 8–10 weeks", exact=False).is_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 375
    assert phone.get_by_role("group", name="Time range").get_by_role("button").count() == 4
    keys = Keys(phone)  # the range buttons take focus here too, and Enter applies one
    keys.tab_to(text_is("6 months"), what="the 6 months button")
    keys.press("Enter")
    expect(phone.get_by_role("button", name="6 months")).to_have_attribute("aria-pressed", "true")
    assert shown_days(phone) == 182
    no_violations_in_my_sections(phone)
    screenshot(phone, "patient-chart-anna-phone")


def test_a_symptom_name_and_a_side_effect_in_the_patients_words_are_text_not_links(desktop, demo):
    """plotly draws <b> and <a href> in the text it is given: a symptom name or a patient's
    own words were styled and became links to another site."""
    anna = demo["anna"]
    link = '<a href="https://example.org/">click</a>'
    symptom = anna.tracked_symptoms.get(name="Pain")
    symptom.name = f"Pain {link}"
    symptom.save()
    entry = DailyEntry.objects.filter(patient=anna).latest("entry_date")
    entry.side_effects.create(kind="other", severity="mild", other_text=f"<b>dizzy</b> {link}")
    open_patient(desktop, "dr.rivera", anna)
    chart = desktop.locator(".chart")
    assert chart.locator("a").count() == 0
    assert chart.locator("b").count() == 0
    titles = chart.locator(".annotation-text").all_text_contents()
    assert f"Pain {link}" in " ".join(titles)
    # The hover names the measure (from the trace's meta), as typed.
    desktop.get_by_role("button", name="8 weeks").click()  # days with scores all across
    chart.scroll_into_view_if_needed()
    box = chart.locator(".nsewdrag").first.bounding_box()
    for fraction in (0.5, 0.6):
        desktop.mouse.move(box["x"] + box["width"] * fraction, box["y"] + box["height"] / 2)
    expect(chart.locator(".hoverlayer")).to_contain_text(f"Pain {link}")
    assert chart.locator(".hoverlayer a").count() == 0
