"""Importing from an EHR through the pages: a clinician of the patient's clinic uploads a FHIR
Bundle, sees the preview and confirms; a bad file is a form error (never a 500); the plan is
kept on the server, so nothing the browser sends changes what is added; nothing is added twice;
everyone else is refused and nothing is written. A whole patient from LDN Journal's export comes
into another clinic the same way, once."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from journal import fhir_import as fi
from journal.forms.fhir_import import FhirBundleForm
from journal.models import LabResult, Medication, Patient
from journal.schedule import DAY
from journal.selectors.fhir import patient_bundle
from journal.uploads import KEPT_BYTES
from journal.views.fhir_import import PATIENT_SESSION_KEY, SESSION_KEY
from tests.factories import log_days, make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def resources() -> list[dict]:
    return [
        {
            "resourceType": "MedicationStatement",
            "id": "m1",
            "status": "active",
            "medicationCodeableConcept": {"text": "Levothyroxine"},
            "effectivePeriod": {"start": "2024-02-01"},
            "dosage": [{"text": "50 mcg"}],
        },
        {
            "resourceType": "Observation",
            "id": "o1",
            "category": [{"coding": [{"code": "laboratory"}]}],
            "code": {"coding": [{"system": "http://loinc.org", "code": "3016-3"}]},
            "effectiveDateTime": (TODAY - 2 * DAY).isoformat(),
            "valueQuantity": {"value": 2.1, "unit": "mIU/L"},
        },
    ]


def upload(content: bytes, name: str = "ehr.json") -> dict:
    return {"bundle": SimpleUploadedFile(name, content, content_type="application/json")}


def bundle_bytes(*items: dict) -> bytes:
    return json.dumps(
        {"resourceType": "Bundle", "entry": [{"resource": r} for r in items or resources()]}
    ).encode()


@pytest.fixture
def opened(alice):
    alice.created_at = NOW - 60 * DAY
    alice.save(update_fields=["created_at"])
    return alice


def test_upload_preview_confirm_adds_the_items_once(client, opened, carol):
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[opened.pk])).content.decode()
    assert reverse("patient_fhir_import", args=[opened.pk]) in page
    response = client.post(reverse("patient_fhir_import", args=[opened.pk]), upload(bundle_bytes()))
    assert response.status_code == 302 and response.url == reverse(
        "patient_fhir_import_preview", args=[opened.pk]
    )
    preview = client.get(response.url).content.decode()
    assert "Levothyroxine, 50 mcg" in preview and "2.1 mIU/L" in preview
    assert not Medication.objects.exists(), "nothing is added before the confirmation"
    token = client.session[SESSION_KEY]["token"]
    done = client.post(reverse("patient_fhir_import_confirm", args=[opened.pk]), {"token": token})
    assert done.status_code == 302 and done.url.endswith("#medications")
    assert list(Medication.objects.values_list("name", "dose_text", "started_on")) == [
        ("Levothyroxine", "50 mcg", dt.date(2024, 2, 1))
    ]
    assert LabResult.objects.get().recorded_by == carol
    again = client.post(reverse("patient_fhir_import_confirm", args=[opened.pk]), {"token": token})
    assert again.status_code == 302 and again.url == reverse("patient_fhir_import", args=[opened.pk])
    # the same file once more: everything is already there
    client.post(reverse("patient_fhir_import", args=[opened.pk]), upload(bundle_bytes()))
    preview = client.get(reverse("patient_fhir_import_preview", args=[opened.pk])).content.decode()
    assert "Levothyroxine: already on the medication list" in preview
    assert "there is nothing to add" in preview
    assert (Medication.objects.count(), LabResult.objects.count()) == (1, 1)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b"{oops", "The file is not JSON"),
        (b'{"resourceType": "Patient"}', "not a FHIR Bundle"),
        (b'{"resourceType": "Bundle", "entry": [1]}', "Entry 1 of the Bundle is not a FHIR resource"),
        (
            bundle_bytes({"resourceType": "Condition", "id": "c"}),
            "no medication (MedicationStatement) or lab result",
        ),
        (b" " * (fi.BUNDLE_MAX_BYTES + 1), "larger than 4 MB"),
    ],
)
def test_a_bad_file_is_a_form_error_and_nothing_is_kept(client, opened, carol, content, message):
    client.force_login(carol.user)
    response = client.post(reverse("patient_fhir_import", args=[opened.pk]), upload(content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_huge_file_is_refused_for_its_size_and_only_what_the_form_reads_is_kept(
    client, opened, carol, monkeypatch
):
    received = []
    read = FhirBundleForm.clean_bundle
    monkeypatch.setattr(
        FhirBundleForm,
        "clean_bundle",
        lambda form: received.append(form.cleaned_data["bundle"].size) or read(form),
    )
    client.force_login(carol.user)
    response = client.post(
        reverse("patient_fhir_import", args=[opened.pk]), upload(b" " * (3 * fi.BUNDLE_MAX_BYTES))
    )
    assert response.status_code == 400 and "larger than 4 MB" in response.content.decode()
    assert received == [KEPT_BYTES]  # not on disk, not 12 MB in memory


def test_a_form_takes_one_file(client, opened, carol):
    client.force_login(carol.user)
    response = client.post(
        reverse("patient_fhir_import", args=[opened.pk]),
        {
            "bundle": SimpleUploadedFile("ehr.json", bundle_bytes()),
            "other": SimpleUploadedFile("b.json", b"{}"),
        },
    )
    assert response.status_code == 400 and not Medication.objects.exists()


def test_no_file_is_a_form_error(client, opened, carol):
    client.force_login(carol.user)
    response = client.post(reverse("patient_fhir_import", args=[opened.pk]), {"bundle": "not a file"})
    assert response.status_code == 400 and "Choose the Bundle&#x27;s file." in response.content.decode()


def test_what_the_browser_sends_at_confirmation_changes_nothing_that_is_added(client, opened, carol):
    client.force_login(carol.user)
    client.post(reverse("patient_fhir_import", args=[opened.pk]), upload(bundle_bytes()))
    token = client.session[SESSION_KEY]["token"]
    wrong = client.post(reverse("patient_fhir_import_confirm", args=[opened.pk]), {"token": token + "x"})
    assert wrong.status_code == 302 and not Medication.objects.exists()
    client.post(
        reverse("patient_fhir_import_confirm", args=[opened.pk]),
        {"token": token, "name": "Oxycodone", "medications": "Oxycodone", "value": "999"},
    )
    assert list(Medication.objects.values_list("name", flat=True)) == ["Levothyroxine"]
    assert list(LabResult.objects.values_list("value", flat=True)) == [fi.Decimal("2.1")]


def test_a_preview_of_one_patient_confirms_nothing_for_another(client, opened, bob, carol):
    client.force_login(carol.user)
    client.post(reverse("patient_fhir_import", args=[opened.pk]), upload(bundle_bytes()))
    token = client.session[SESSION_KEY]["token"]
    response = client.post(reverse("patient_fhir_import_confirm", args=[bob.pk]), {"token": token})
    assert response.status_code == 302
    assert not Medication.objects.exists()
    assert client.get(reverse("patient_fhir_import_preview", args=[bob.pk])).status_code == 302


@pytest.mark.parametrize(("who", "status"), [("charlie", 404), ("alice", 403)])
def test_another_clinics_clinician_and_a_patient_are_refused(client, opened, charlie, who, status):
    user = charlie.user if who == "charlie" else opened.user
    client.force_login(user)
    for name in ("patient_fhir_import", "patient_fhir_import_preview"):
        assert client.get(reverse(name, args=[opened.pk])).status_code == status
    response = client.post(reverse("patient_fhir_import", args=[opened.pk]), upload(bundle_bytes()))
    assert response.status_code == status
    assert (
        client.post(reverse("patient_fhir_import_confirm", args=[opened.pk]), {"token": "x"}).status_code
        == status
    )
    assert not Medication.objects.exists() and not LabResult.objects.exists()


# --- a whole patient into the clinic -----------------------------------------------------------


@pytest.fixture
def alices_export(opened, carol) -> bytes:
    """Alice's record as her clinic exports it: a plan, a week of diary and the record code."""
    opened.code = "ANNA-01"
    opened.save(update_fields=["code"])
    make_plan(
        opened, carol, [(TODAY - 10 * DAY, "1.5"), (TODAY - 3 * DAY, "3", "bedtime", "every_other_day")]
    )
    log_days(opened, TODAY - 7 * DAY, TODAY - DAY)
    return json.dumps(patient_bundle(opened, NOW)).encode()


def test_a_clinician_of_another_clinic_imports_the_patient_once_after_the_preview(
    client, alices_export, charlie
):
    client.force_login(charlie.user)
    page = client.get(reverse("invite_patient")).content.decode()
    assert reverse("clinic_patient_import") in page
    response = client.post(reverse("clinic_patient_import"), upload(alices_export))
    assert response.status_code == 302 and response.url == reverse("clinic_patient_import_preview")
    preview = client.get(response.url)
    page = preview.content.decode()
    assert "New patient ANNA-01" in page and "Plans: 1 (2 dose steps)" in page
    assert "1.5 mg at bedtime" in page and "3 mg every other day at bedtime" in page
    assert len(preview.context["plan"].days) == 7 and ">7</dd>" in page
    assert not Patient.objects.filter(clinic=charlie.clinic).exists(), "nothing before the confirmation"
    token = client.session[PATIENT_SESSION_KEY]["token"]
    done = client.post(reverse("clinic_patient_import_preview"), {"token": token})
    newcomer = Patient.objects.get(clinic=charlie.clinic, code="ANNA-01")
    assert done.status_code == 302 and done.url == reverse("patient_detail", args=[newcomer.pk])
    assert newcomer.entries.count() == 7 and list(newcomer.clinicians.all()) == [charlie]
    # The same file again: the preview says so and offers no confirmation.
    client.post(reverse("clinic_patient_import"), upload(alices_export))
    again = client.get(reverse("clinic_patient_import_preview")).content.decode()
    assert "is in this clinic already: importing this Bundle again adds nothing" in again
    assert 'data-testid="fhir-patient-confirm"' not in again
    token = client.session[PATIENT_SESSION_KEY]["token"]
    client.post(reverse("clinic_patient_import_preview"), {"token": token})
    assert Patient.objects.filter(clinic=charlie.clinic).count() == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"{oops", "The file is not JSON"),
        (bundle_bytes(), "holds 0 patients"),
        (bundle_bytes({"resourceType": "Patient", "id": "1"}), "not one LDN Journal exported"),
    ],
)
def test_a_file_that_is_not_a_patients_export_is_a_form_error(client, charlie, content, message):
    client.force_login(charlie.user)
    response = client.post(reverse("clinic_patient_import"), upload(content))
    assert response.status_code == 400 and message in response.content.decode()
    assert PATIENT_SESSION_KEY not in client.session


def test_a_wrong_token_or_no_preview_adds_no_patient(client, alices_export, charlie):
    client.force_login(charlie.user)
    assert client.get(reverse("clinic_patient_import_preview")).url == reverse("clinic_patient_import")
    client.post(reverse("clinic_patient_import"), upload(alices_export))
    wrong = client.post(reverse("clinic_patient_import_preview"), {"token": "x"})
    assert wrong.status_code == 302 and not Patient.objects.filter(clinic=charlie.clinic).exists()


def test_a_preview_kept_in_one_clinic_imports_nothing_into_another(client, alices_export, charlie, carol):
    client.force_login(charlie.user)
    client.post(reverse("clinic_patient_import"), upload(alices_export))
    kept = client.session[PATIENT_SESSION_KEY]
    client.force_login(carol.user)
    session = client.session
    session[PATIENT_SESSION_KEY] = kept
    session.save()
    response = client.post(reverse("clinic_patient_import_preview"), {"token": kept["token"]})
    assert response.url == reverse("clinic_patient_import")
    assert Patient.objects.filter(code="ANNA-01").count() == 1


def test_a_patient_is_refused_the_clinic_import(client, opened):
    client.force_login(opened.user)
    assert client.get(reverse("clinic_patient_import")).status_code == 403
    assert client.get(reverse("clinic_patient_import_preview")).status_code == 403
    assert client.post(reverse("clinic_patient_import_preview"), {"token": "x"}).status_code == 403
