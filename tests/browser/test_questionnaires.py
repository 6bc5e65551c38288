"""Questionnaires in a real browser: a clinician adds one to the clinic; a patient answers the
PGIC when it is due on the narrowest phone, by tapping and by keyboard, axe clean in light and
dark. Screenshots land in test-artifacts/screenshots/questionnaire-*.png."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from journal.models import QuestionnaireAnswer, QuestionnaireVersion
from journal.schedule import DAY
from tests.browser.conftest import SMALL_PHONE, _watched_page, log_in, screenshot
from tests.factories import make_plan


@pytest.fixture
def in_week_8(transactional_db, alice, carol):
    """Alice's first dose was 56 days ago: the PGIC's first occasion opens today."""
    make_plan(alice, carol, [(alice.local_today() - 56 * DAY, "1.5")])
    return alice


@pytest.fixture(params=["light", "dark"])
def phone_360(request, browser, live_server):
    yield from _watched_page(browser, live_server, SMALL_PHONE, color_scheme=request.param)


def no_violations(page) -> None:
    results = Axe().run(page)
    assert results.violations_count == 0, results.generate_report()


def test_a_clinician_adds_a_questionnaire_on_a_phone(phone_360, transactional_db, carol, request):
    scheme = request.node.callspec.params["phone_360"]
    log_in(phone_360, "carol")
    phone_360.get_by_role("link", name="Questionnaires").click()
    expect(
        phone_360.get_by_role("heading", name="Patient Global Impression of Change (PGIC)")
    ).to_be_visible()
    no_violations(phone_360)
    screenshot(phone_360, f"questionnaire-clinic-360-{scheme}")
    phone_360.get_by_label("Title").fill("Sleep check")
    phone_360.get_by_label("Questions, one per line").fill(
        "Did you wake at night?\nWere you tired on waking?"
    )
    phone_360.get_by_label("Answer words, one per line").fill("never\nsometimes\noften")
    phone_360.get_by_label("Every how many weeks").fill("4")
    phone_360.get_by_label("At each clinician review").check()
    phone_360.get_by_role("button", name="Add the questionnaire").click()
    expect(phone_360.get_by_text("Added the questionnaire “Sleep check”.")).to_be_visible()
    version = QuestionnaireVersion.objects.get(title="Sleep check")
    assert (len(version.items), version.every_weeks, version.at_review) == (2, 4, True)
    item = phone_360.get_by_test_id(f"questionnaire-{version.questionnaire_id}")
    expect(item).to_contain_text("every 4 weeks")
    no_violations(phone_360)
    item.get_by_role("link", name="Sleep check").click()  # edit: saves version 2
    no_violations(phone_360)
    screenshot(phone_360, f"questionnaire-edit-360-{scheme}")
    phone_360.get_by_label("Title").fill("Night waking")
    phone_360.get_by_role("button", name="Save as a new version").click()
    expect(phone_360.get_by_text("Saved “Night waking” as version 2")).to_be_visible()
    assert list(version.questionnaire.versions.values_list("number", "title")) == [
        (2, "Night waking"),
        (1, "Sleep check"),
    ]


def test_the_patient_answers_the_pgic_when_due_on_a_phone(phone_360, in_week_8, request):
    scheme = request.node.callspec.params["phone_360"]
    log_in(phone_360, "alice")
    card = phone_360.get_by_test_id("questionnaire-due")
    expect(card).to_contain_text("A short question from your clinic")
    card.get_by_role("link", name="Answer it").click()
    expect(
        phone_360.get_by_role("heading", name="Patient Global Impression of Change (PGIC)")
    ).to_be_visible()
    answers = phone_360.locator(".answer-form .choices label")
    assert answers.count() == 7
    for index in range(7):  # each answer a full-width target of at least 44 px
        box = answers.nth(index).bounding_box()
        assert box is not None and box["height"] >= 44 and box["width"] >= 280
    no_violations(phone_360)
    screenshot(phone_360, f"questionnaire-answer-360-{scheme}")
    phone_360.get_by_text("Much improved", exact=True).click()  # one tap
    phone_360.get_by_role("button", name="Send my answer").click()
    expect(phone_360.get_by_text("Thank you: your clinic will see your answer.")).to_be_visible()
    expect(phone_360.get_by_test_id("questionnaire-due")).to_have_count(0)
    answer = QuestionnaireAnswer.objects.get()
    assert (answer.score, answer.occasion) == (2, "week-8")


def test_the_answer_page_works_with_the_keyboard_alone(small_phone, in_week_8):
    log_in(small_phone, "alice")
    small_phone.goto(
        small_phone.get_by_test_id("questionnaire-due").get_by_role("link").get_attribute("href")
    )
    first = small_phone.get_by_role("radio", name="Very much improved")
    first.focus()
    small_phone.keyboard.press("Space")
    for _ in range(3):
        small_phone.keyboard.press("ArrowDown")  # the arrows move the choice within the group
    expect(small_phone.get_by_role("radio", name="No change")).to_be_checked()
    small_phone.keyboard.press("Tab")
    expect(small_phone.get_by_role("button", name="Send my answer")).to_be_focused()
    small_phone.keyboard.press("Enter")
    expect(small_phone.get_by_text("Thank you: your clinic will see your answer.")).to_be_visible()
    assert QuestionnaireAnswer.objects.get().score == 4
