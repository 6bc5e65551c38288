"""Messages tied to care, in the browser at 360 px: a clinician holds a plan with a reason, the
patient reads the reason on Today and acknowledges it, the clinician sees when; the patient asks
a question, which needs attention on the roster, is answered from the patient page and read on
the patient's Today; both in the audit timeline. axe finds nothing on any page of the way."""

from __future__ import annotations

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from journal.models import Screening
from journal.schedule import DAY
from journal.services.snapshots import snapshot_refresh
from tests.browser.conftest import log_in, screenshot
from tests.factories import make_clinic, make_clinician, make_patient, make_plan

NARROW = {"width": 360, "height": 780}


def clean(page, name: str) -> None:
    """axe finds nothing on the page as it is now; its screenshot is kept to look at."""
    page.wait_for_load_state("networkidle")
    result = Axe().run(page)
    assert not result.violations_count, [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    screenshot(page, name)


def test_a_reason_is_read_and_acknowledged_and_a_question_answered(browser, live_server):
    clinic = make_clinic("Message Clinic", time_zone="Europe/London")
    clinician = make_clinician(clinic, "drm")
    patient = make_patient(clinic, "pat", clinicians=(clinician,), time_zone="Europe/London")
    today = patient.local_today()
    Screening.objects.create(patient=patient, screened_by=clinician)
    make_plan(patient, clinician, [(today - 14 * DAY, "1.5"), (today + 7 * DAY, "3")])
    snapshot_refresh(patient, patient.local_now())

    def narrow_page():
        context = browser.new_context(viewport=NARROW, base_url=live_server.url)
        return context.new_page()

    doctor, pat = narrow_page(), narrow_page()
    log_in(doctor, "drm")
    log_in(pat, "pat")

    # The clinician holds the plan: without a reason it is refused, with one it is saved.
    doctor.goto(f"/clinic/patients/{patient.pk}/plan/")
    hold = doctor.locator("form", has=doctor.get_by_label("Stay on today's dose for (days)"))
    hold.get_by_role("button", name="Hold").click()
    expect(doctor.get_by_test_id("refused")).to_contain_text("Tell the patient why")
    hold = doctor.locator("form", has=doctor.get_by_label("Stay on today's dose for (days)"))
    hold.get_by_label("Reason, for the patient").fill("Let the headaches settle before the next step.")
    hold.get_by_role("button", name="Hold").click()
    expect(doctor.get_by_text("Hold: the later step moves 7 days later")).to_be_visible()
    clean(doctor, "messages-plan-page-360")

    # The patient reads the reason with the change, and acknowledges it.
    pat.goto("/today/")
    notice = pat.get_by_test_id("plan-notice")
    expect(notice.get_by_test_id("plan-reason")).to_contain_text(
        "Let the headaches settle before the next step."
    )
    expect(pat.get_by_test_id("emergency-line")).to_contain_text("For an emergency")
    clean(pat, "messages-today-reason-360")
    notice.get_by_role("button", name="Got it").click()
    expect(pat.get_by_test_id("plan-notice")).to_have_count(0)

    # ... and asks a question about their plan.
    pat.goto("/plan/")
    pat.get_by_label("Your question").fill("Can I take it in the morning instead?")
    pat.get_by_role("button", name="Send the question").click()
    expect(pat.get_by_test_id("waiting")).to_be_visible()
    clean(pat, "messages-my-plan-question-360")

    # The clinician sees the acknowledgement, and the question needing attention on the roster.
    doctor.goto("/clinic/patients/?sort=attention")
    row = doctor.get_by_role("row", name=re.compile("Pat"))
    expect(row.get_by_test_id("open-questions")).to_contain_text("1 question")
    clean(doctor, "messages-roster-360")
    row.get_by_test_id("open-questions").click()
    expect(doctor.get_by_test_id("plan-notes")).to_contain_text("acknowledged by the patient on")
    questions = doctor.get_by_test_id("questions")
    expect(questions).to_contain_text("Can I take it in the morning instead?")
    clean(doctor, "messages-patient-page-question-360")
    questions.get_by_label("Your answer").fill("Yes: the same dose in the morning is fine.")
    questions.get_by_role("button", name=re.compile("Send the answer")).click()
    expect(doctor.get_by_text("Answer sent")).to_be_visible()
    timeline = doctor.get_by_test_id("audit-timeline")
    for words in (
        "Reason for the patient: Let the headaches settle",
        "Reasons told: Let the headaches settle",
        "Question (About my plan): Can I take it in the morning instead?",
        "Answer to “Can I take it in the morning instead?”: Yes: the same dose",
    ):
        expect(timeline).to_contain_text(words)
    doctor.goto("/clinic/patients/")
    expect(doctor.get_by_test_id("open-questions")).to_have_count(0)

    # The patient reads the answer on Today and with their questions.
    pat.goto("/today/")
    expect(pat.get_by_test_id("answers")).to_contain_text("Yes: the same dose in the morning is fine.")
    clean(pat, "messages-today-answer-360")
    pat.goto("/questions/")
    expect(pat.get_by_test_id("answer")).to_contain_text("Yes: the same dose in the morning is fine.")
    clean(pat, "messages-questions-360")
    pat.goto(f"/history/{(today - DAY).isoformat()}/")
    clean(pat, "messages-day-360")
    for page in (doctor, pat):
        page.context.close()
