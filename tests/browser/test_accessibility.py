"""axe-core finds no accessibility violations on any page, for each role, on a phone
and on a desktop screen, in the light and the dark theme, with the demo clinic's data in it."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.urls import reverse

from journal.management.commands.seed_demo import DEMO_PASSWORD
from journal.models import DoseStep, LdnPause, Patient
from journal.selectors.fhir import patient_bundle
from tests.browser.conftest import log_in, screenshot
from tests.factories import unchecked_rows


def patient_pages() -> list[str]:
    names = ["today", "entry", "history", "medications", "calendar", "reminders", "my_plan", "my_questions"]
    names += ["my_chart", "data_dictionary", "help_index"]
    return [reverse(name) for name in names] + [
        reverse("introduction", args=[1]),
        "/help/opioids-and-surgery/",
    ]


def clinician_pages(anna: Patient) -> list[str]:
    pages = [reverse("roster"), reverse("roster") + "?scope=all&q=a", reverse("invite_patient")]
    pages.append(reverse("clinic_patient_import"))
    pages += [reverse("clinic_outcomes"), reverse("clinic_outcomes") + "?started_from=1999-01-01"]
    pages.append(reverse("data_dictionary"))
    pages += [
        reverse(name, args=[anna.pk])
        for name in (
            "patient_detail",
            "plan_manage",
            "plan_new",
            "screening",
            "patient_csv",
            "appointment_summary",
            "patient_fhir_import",
        )
    ]
    pages.append(reverse("entry_changes", args=[anna.pk, anna.local_today() - dt.timedelta(days=1)]))
    return pages


def clinic_admin_pages(anna: Patient) -> list[str]:
    return [
        reverse("clinic_manage"),
        reverse("clinician_add"),
        reverse("care_team", args=[anna.pk]),
        reverse("api_tokens"),
    ]


def violations_on(page, paths: list[str]) -> dict[str, list[str]]:
    axe, found = Axe(), {}
    for path in paths:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        result = axe.run(page)
        if result.violations_count:
            found[path] = [f"{v['id']}: {v['help']}" for v in result.response["violations"]]
    return found


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())
    return Patient.objects.get(user__username="anna")


@pytest.mark.parametrize("screen", ["phone", "desktop", "dark_phone", "dark_desktop"])
def test_no_accessibility_violations(request, demo, screen):
    page = request.getfixturevalue(screen)
    log_in(page, "anna", DEMO_PASSWORD)
    found = violations_on(page, patient_pages())
    page.context.clear_cookies()
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    found |= violations_on(page, clinician_pages(demo))
    page.context.clear_cookies()
    log_in(page, "admin.okafor", DEMO_PASSWORD)
    found |= violations_on(page, clinic_admin_pages(demo))
    assert not found, found


@pytest.mark.parametrize("screen", ["phone", "desktop"])
def test_a_record_that_needs_attention_is_told_and_corrected_without_violations(request, demo, screen):
    """Rows stored outside their dates (before the bounds, or by hand): each clinician page
    still opens, says what needs attention, and the plan page corrects it, keyboard alone."""
    plan = demo.plans.get(status="active")
    with unchecked_rows():
        DoseStep.objects.create(plan=plan, start_date=dt.date(9999, 12, 31), dose_mg=Decimal("1.5"))
        LdnPause.objects.create(
            patient=demo,
            start_date=dt.date(1, 1, 1),
            end_date=dt.date(9999, 12, 30),
            reason="x",
            created_by=plan.prescriber,
        )
    page = request.getfixturevalue(screen)
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    found = violations_on(page, [reverse("roster"), *clinician_pages(demo)])
    assert not found, found
    page.goto(reverse("plan_manage", args=[demo.pk]))
    notice = page.get_by_test_id("needs-attention")
    assert "The pause from 1 January 0001 to 30 December 9999 is outside" in notice.inner_text()
    screenshot(page, f"needs-attention-plan-{screen}")
    for _ in range(2):
        page.get_by_role("button", name="Remove this").first.focus()
        with page.expect_navigation():
            page.keyboard.press("Enter")
    assert page.get_by_test_id("needs-attention").count() == 0


@pytest.mark.parametrize("screen", ["phone", "dark_phone"])
def test_a_patients_import_preview_has_no_violations_and_confirms_by_keyboard(
    request, demo, screen, tmp_path
):
    """Anna's export under another record code (a patient from another clinic): the preview
    lists her plan and diary, and Enter on its button adds her."""
    bundle = patient_bundle(demo)
    patient = next(e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient")
    patient["identifier"][0]["value"] = "HARBOUR-7"
    upload = tmp_path / "anna.json"
    upload.write_text(json.dumps(bundle))
    page = request.getfixturevalue(screen)
    log_in(page, "dr.rivera", DEMO_PASSWORD)
    page.goto(reverse("clinic_patient_import"))
    page.set_input_files("input[type=file]", str(upload))
    with page.expect_navigation():
        page.get_by_role("button", name="Show what will be added").click()
    assert "New patient HARBOUR-7" in page.get_by_test_id("import-patient").inner_text()
    assert not violations_on(page, [reverse("clinic_patient_import_preview")])
    screenshot(page, f"patient-import-preview-{screen}")
    page.get_by_role("button", name="Add the patient").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert Patient.objects.get(code="HARBOUR-7").entries.count() == demo.entries.count()
