"""The daily entry on a phone: a typical entry's taps and height, the 0–10 rows on one line at
360 px, and a dose other than the plan's confirmed in the page before the one save."""

from __future__ import annotations

from decimal import Decimal

from playwright.sync_api import expect

from journal.models import DailyEntry, Symptom
from tests.browser.conftest import PHONE, log_in, no_accessibility_violations, screenshot
from tests.browser.test_patient_journal import demo_like_patient, evening  # noqa: F401 - the fixed evening

SCREENS_AT_MOST = 1.5
TAPS_AT_MOST = 6


def symptom_ids() -> dict[str, int]:
    return dict(Symptom.objects.filter(clinic=None).values_list("name", "pk"))


def test_a_typical_entry_takes_six_taps_and_one_and_a_half_screens(phone):
    """Took the dose as planned, three symptoms and last night's sleep scored, saved."""
    patient, today = demo_like_patient()
    ids = symptom_ids()
    log_in(phone, "anna")
    taps = 0

    def tap(locator) -> None:
        nonlocal taps
        locator.click()
        taps += 1

    tap(phone.get_by_test_id("took-it"))
    phone.wait_for_url("**/entry/?date=*")
    tap(phone.locator(f"#field-score_{ids['Pain']}").get_by_text("4", exact=True))
    tap(phone.locator(f"#field-score_{ids['Fatigue']}").get_by_text("5", exact=True))
    tap(phone.locator(f"#field-score_{ids['Brain fog']}").get_by_text("3", exact=True))
    tap(phone.locator("#field-sleep_quality").get_by_text("7", exact=True))
    height = phone.evaluate("document.documentElement.scrollHeight")
    screenshot(phone, "entry-typical-375")
    tap(phone.get_by_role("button", name="Save entry"))
    phone.get_by_test_id("saved").wait_for()
    screens = height / PHONE["height"]
    print(
        f"\nTypical entry: {taps} taps (opening the form and saving included); "
        f"{height} px tall at {PHONE['width']}×{PHONE['height']} = {screens:.2f} screens"
    )
    assert taps <= TAPS_AT_MOST
    assert screens <= SCREENS_AT_MOST
    entry = DailyEntry.objects.get(patient=patient, entry_date=today)
    assert (entry.dose_taken, entry.dose_mg, entry.timing_taken) == (True, Decimal("3"), "bedtime")
    assert {s.symptom.name: s.score for s in entry.scores.all()} == {"Pain": 4, "Fatigue": 5, "Brain fog": 3}
    assert entry.sleep_quality == 7


def test_every_0_to_10_row_is_one_line_of_tall_targets_at_360_px(small_phone):
    demo_like_patient()
    log_in(small_phone, "anna")
    small_phone.goto("/entry/")
    screenshot(small_phone, "entry-empty-360")
    rows = small_phone.locator(".choices.scores")
    assert rows.count() == 4  # three symptoms and sleep
    for index in range(rows.count()):
        boxes = [label.bounding_box() for label in rows.nth(index).locator("label").all()]
        assert len(boxes) == 11
        assert len({round(box["y"]) for box in boxes}) == 1, "the row wraps"
        assert min(box["height"] for box in boxes) >= 44
        assert max(box["x"] + box["width"] for box in boxes) <= 360
    assert small_phone.evaluate("document.documentElement.scrollWidth") <= 360
    pain = small_phone.get_by_role("group", name="Pain today (0 none, 10 worst)")
    expect(pain).to_be_visible()
    sleep = "How well did you sleep last night? (0 very badly, 10 very well)"
    expect(small_phone.get_by_role("group", name=sleep)).to_be_visible()
    pain.get_by_role("radio", name="0", exact=True).focus()
    small_phone.keyboard.press("ArrowRight")
    small_phone.keyboard.press("ArrowRight")
    expect(pain.get_by_role("radio", name="2", exact=True)).to_be_checked()
    outline = pain.locator("label").nth(2).evaluate("label => getComputedStyle(label).outlineStyle")
    assert outline == "solid", "the focused score shows no focus ring"
    no_accessibility_violations(small_phone)


def test_a_different_dose_is_confirmed_in_the_page_before_the_one_save(small_phone):
    patient, today = demo_like_patient()
    log_in(small_phone, "anna")
    small_phone.goto("/entry/")
    posts: list[str] = []
    small_phone.on("request", lambda request: posts.append(request.url) if request.method == "POST" else None)
    small_phone.locator("#field-dose_taken").get_by_text("Yes", exact=True).click()
    deviation = small_phone.get_by_test_id("deviation")
    expect(deviation).to_be_hidden()
    small_phone.get_by_text("As planned: 3 mg at bedtime").click()
    small_phone.get_by_label("Dose taken (mg)").fill("2,5")
    expect(deviation).to_be_visible()
    expect(deviation).to_contain_text("You logged 2.5 mg; your plan says 3 mg for 20 March.")
    screenshot(small_phone, "entry-deviation-360")
    no_accessibility_violations(small_phone)
    small_phone.get_by_label("Dose taken (mg)").fill("3")
    expect(deviation).to_be_hidden()  # back to the plan's dose: nothing to confirm
    small_phone.get_by_label("Dose taken (mg)").fill("2.5")
    small_phone.get_by_label("Yes, that is the dose I took.").check()
    small_phone.get_by_role("button", name="Save entry").click()
    small_phone.get_by_test_id("saved").wait_for()
    assert len(posts) == 1
    entry = DailyEntry.objects.get(patient=patient, entry_date=today)
    assert (entry.dose_mg, entry.dose_deviation_confirmed) == (Decimal("2.5"), True)
    screenshot(small_phone, "entry-saved-360")


def test_an_empty_entry_is_refused_with_a_message(small_phone):
    """A baseline day: no dose question, and nothing scored."""
    from tests.factories import make_clinic, make_patient

    make_patient(make_clinic("Riverside"), "ravi", name="Ravi Baseline", symptoms=("Pain",))
    log_in(small_phone, "ravi")
    small_phone.goto("/entry/")
    expect(small_phone.get_by_text("Did you take your LDN?")).to_have_count(0)
    small_phone.get_by_role("button", name="Save entry").click()
    expect(small_phone.get_by_role("alert")).to_contain_text("This entry has nothing in it yet.")
    assert not DailyEntry.objects.exists()
