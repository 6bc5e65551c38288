"""A clinician imports a medication list and lab results from an EHR's FHIR Bundle on the
narrowest phone, in light and dark, with the keyboard alone: upload, preview, confirm. axe
finds nothing on either page. Screenshots: test-artifacts/screenshots/fhir-import-*.png."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from journal.models import LabResult, Medication
from journal.schedule import DAY
from tests.browser.conftest import log_in, no_accessibility_violations, screenshot
from tests.factories import make_plan


def ehr_bundle(today) -> bytes:
    def entry(resource):
        return {"fullUrl": f"urn:uuid:{resource['id']}", "resource": resource}

    sampled = (today - 5 * DAY).isoformat()
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                entry({"resourceType": "Patient", "id": "p1"}),
                entry(
                    {
                        "resourceType": "MedicationStatement",
                        "id": "m1",
                        "status": "active",
                        "medicationCodeableConcept": {"text": "Levothyroxine"},
                        "effectivePeriod": {"start": "2024-02-01"},
                        "dosage": [{"text": "50 mcg each morning"}],
                    }
                ),
                entry(
                    {
                        "resourceType": "MedicationStatement",
                        "id": "m2",
                        "status": "active",
                        "medicationCodeableConcept": {"text": "Tramadol"},
                        "effectiveDateTime": (today - 3 * DAY).isoformat(),
                        "dosage": [{"text": "50 mg when needed"}],
                    }
                ),
                entry(
                    {
                        "resourceType": "Observation",
                        "id": "o1",
                        "status": "final",
                        "category": [{"coding": [{"code": "laboratory"}]}],
                        "code": {"coding": [{"system": "http://loinc.org", "code": "3016-3"}], "text": "TSH"},
                        "effectiveDateTime": sampled,
                        "valueQuantity": {"value": 5.2, "unit": "mIU/L"},
                        "referenceRange": [{"low": {"value": 0.4}, "high": {"value": 4.0}}],
                        "performer": [{"display": "City Lab"}],
                    }
                ),
                entry(
                    {
                        "resourceType": "Observation",
                        "id": "o2",
                        "status": "final",
                        "category": [{"coding": [{"code": "laboratory"}]}],
                        "code": {"text": "Ferritin"},
                        "effectiveDateTime": sampled,
                        "valueQuantity": {"value": 80, "unit": "ng/mL"},
                    }
                ),
            ],
        }
    ).encode()


@pytest.fixture
def on_ldn(transactional_db, alice, carol):
    alice.created_at = timezone.now() - 60 * DAY
    alice.save(update_fields=["created_at"])
    make_plan(alice, carol, [(alice.local_today() - 42 * DAY, "1.5")])
    return alice


@pytest.mark.parametrize("viewport", ["small_phone", "dark_small_phone"])
def test_a_clinician_imports_from_an_ehr_bundle_with_the_keyboard(request, on_ldn, viewport, tmp_path):
    page = request.getfixturevalue(viewport)
    file = tmp_path / "ehr-export.json"
    file.write_bytes(ehr_bundle(on_ldn.local_today()))
    log_in(page, "carol")
    page.goto(f"/clinic/patients/{on_ldn.pk}/")
    page.get_by_test_id("fhir-import-link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/clinic/patients/{on_ldn.pk}/import/")

    chooser_field = page.get_by_label("FHIR Bundle (a .json file)")
    for _press in range(30):  # Tab from the page's start reaches the file field
        page.keyboard.press("Tab")
        if chooser_field.evaluate("field => field === document.activeElement"):
            break
    expect(chooser_field).to_be_focused()
    # The system's file dialog is no part of the page: the file is handed to the focused field.
    chooser_field.set_input_files(str(file))
    expect(chooser_field).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Show what will be added")).to_be_focused()
    no_accessibility_violations(page)
    screenshot(page, f"fhir-import-upload-{viewport}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/clinic/patients/{on_ldn.pk}/import/preview/")

    expect(page.get_by_test_id("import-medications")).to_contain_text("Levothyroxine, 50 mcg each morning")
    expect(page.get_by_test_id("import-medications")).to_contain_text("opioid: the safety alert will follow")
    expect(page.get_by_test_id("import-labs")).to_contain_text("5.2 mIU/L")
    expect(page.get_by_test_id("import-skipped")).to_contain_text("Ferritin: no test of that name or code")
    expect(page.get_by_test_id("import-skipped")).to_contain_text("Patient: not imported")
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    no_accessibility_violations(page)
    screenshot(page, f"fhir-import-preview-{viewport}")

    page.get_by_role("button", name="Add them to the record").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/clinic/patients/{on_ldn.pk}/#medications")
    expect(page.get_by_role("status").or_(page.locator(".messages")).first).to_contain_text(
        "Medications added: 2"
    )
    assert sorted(Medication.objects.filter(patient=on_ldn).values_list("name", flat=True)) == [
        "Levothyroxine",
        "Tramadol",
    ]
    assert LabResult.objects.filter(patient=on_ldn).count() == 1
    screenshot(page, f"fhir-import-done-{viewport}")
