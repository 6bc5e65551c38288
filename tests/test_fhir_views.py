"""FHIR downloads: a patient's Bundle from the patient page, and the clinic's NDJSON export as a
background job with its line count and SHA-256; each audited like the CSV, and only for the
patient's clinic."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from django.urls import reverse

from journal.models import AccessEvent, AuditEvent, ExportJob, ExportState
from journal.services.exports import export_job_run
from tests.factories import make_clinician, make_entry, make_plan

TODAY = dt.date(2026, 11, 21)
NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)

pytestmark = [pytest.mark.django_db, pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def alices_record(alice, carol):
    make_plan(alice, carol, [(TODAY - dt.timedelta(days=20), "1.5"), (TODAY - dt.timedelta(days=6), "3")])
    make_entry(alice, TODAY - dt.timedelta(days=1), dose_mg="3")
    return alice


def test_a_clinician_downloads_the_patients_bundle_and_it_is_audited(client, carol, alices_record):
    client.force_login(carol.user)
    response = client.get(reverse("patient_fhir", args=[alices_record.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    kinds = [entry["resource"]["resourceType"] for entry in bundle["entry"]]
    assert kinds.count("MedicationRequest") == 2 and "MedicationStatement" in kinds
    assert alices_record.name not in response.content.decode(), "pseudonymous by default"
    assert AccessEvent.objects.filter(patient=alices_record, what=AccessEvent.What.PATIENT_FHIR).count() == 1
    event = AuditEvent.objects.get(patient=alices_record, kind=AuditEvent.Kind.EXPORT)
    assert event.details["format"] == "fhir+json"


def test_the_patient_page_offers_the_fhir_download(client, carol, alices_record):
    client.force_login(carol.user)
    page = client.get(reverse("patient_detail", args=[alices_record.pk])).content.decode()
    assert reverse("patient_fhir", args=[alices_record.pk]) in page


@pytest.mark.parametrize("who", ["charlie", "alice"])
def test_no_one_outside_the_patients_clinic_staff_gets_the_bundle(client, who, request, alices_record):
    user = request.getfixturevalue(who).user
    client.force_login(user)
    assert client.get(reverse("patient_fhir", args=[alices_record.pk])).status_code in (403, 404)
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).exists()


def test_the_clinic_fhir_export_is_a_job_with_its_line_count_and_checksum(client, ada, bob, alices_record):
    client.force_login(ada.user)
    asked = client.post(reverse("clinic_fhir"))
    job = ExportJob.objects.get()
    assert asked["Location"] == reverse("clinic_export_job", args=[job.pk])
    assert job.format == ExportJob.Format.NDJSON and sorted(job.patient_ids) == sorted(
        [alices_record.pk, bob.pk]
    )
    assert export_job_run(job_id=job.pk) == ExportState.DONE
    job.refresh_from_db()
    page = client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()
    assert job.sha256 in page and "FHIR" in page
    download = client.get(reverse("clinic_export_download", args=[job.pk]))
    content = b"".join(download.streaming_content)
    assert download["Content-Type"] == "application/fhir+ndjson; charset=utf-8"
    assert hashlib.sha256(content).hexdigest() == job.sha256
    lines = content.decode().splitlines()
    assert len(lines) == job.rows
    assert sum(json.loads(line)["resourceType"] == "Patient" for line in lines) == 2
    reads = AccessEvent.objects.filter(what=AccessEvent.What.CLINIC_FHIR)
    assert sorted(reads.values_list("patient_id", flat=True)) == sorted(job.patient_ids)
    details = AuditEvent.objects.filter(kind=AuditEvent.Kind.EXPORT).values_list("details", flat=True)
    assert [detail["format"] for detail in details] == ["ndjson", "ndjson"]  # asked for, downloaded


def test_a_clinicians_fhir_export_holds_only_their_patients(client, carol, bob, alices_record):
    client.force_login(carol.user)
    client.post(reverse("clinic_fhir"))
    assert ExportJob.objects.get().patient_ids == [alices_record.pk]


@pytest.mark.parametrize("who", ["alice", "anonymous"])
def test_only_clinicians_ask_for_a_clinic_fhir_export(client, who, request, alice):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who).user)
    response = client.post(reverse("clinic_fhir"))
    assert response.status_code in (302, 403) and not ExportJob.objects.exists()
    if response.status_code == 302:
        assert reverse("login") in response["Location"]


def test_a_get_does_not_ask_for_an_export(client, carol):
    client.force_login(carol.user)
    assert client.get(reverse("clinic_fhir")).status_code == 405
    assert not ExportJob.objects.exists()


# --- the clinic's choice: pseudonymous (the default) or named ---------------------------------


def fhir_patients(content: str) -> list[dict]:
    lines = [json.loads(line) for line in content.splitlines()]
    return [resource for resource in lines if resource["resourceType"] == "Patient"]


def test_the_admin_names_patients_and_the_pages_say_so(client, ada, alices_record):
    alices_record.date_of_birth = dt.date(2015, 4, 2)
    alices_record.save(update_fields=["date_of_birth"])
    client.force_login(ada.user)
    manage = client.get(reverse("clinic_manage")).content.decode()
    assert 'name="fhir_names_patients"' in manage
    patient_page = client.get(reverse("patient_detail", args=[alices_record.pk])).content.decode()
    assert "record code, not their name" in patient_page

    response = client.post(reverse("clinic_fhir_names"), {"fhir_names_patients": "on"}, follow=True)
    assert "now give each patient&#x27;s name and date of birth" in response.content.decode()
    ada.clinic.refresh_from_db()
    assert ada.clinic.fhir_names_patients
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.CLINIC_SETTINGS_CHANGED)
    assert (event.actor, event.details) == (ada.user, {"fhir_names_patients": True})

    patient_page = client.get(reverse("patient_detail", args=[alices_record.pk])).content.decode()
    assert "gives the patient's name and date of birth" in patient_page
    assert "by name and date of birth" in client.get(reverse("clinic_csv")).content.decode()
    client.post(reverse("clinic_fhir"))
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.names_patients
    page = client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()
    assert "Patients appear in this file by name and date of birth." in page
    content = b"".join(client.get(reverse("clinic_export_download", args=[job.pk])).streaming_content)
    named = [patient for patient in fhir_patients(content.decode()) if patient["id"] == str(alices_record.pk)]
    assert named[0]["name"] == [{"text": alices_record.name}] and named[0]["birthDate"] == "2015-04-02"


def test_a_file_written_pseudonymous_says_so_after_the_setting_changes(client, ada, alices_record):
    client.force_login(ada.user)
    client.post(reverse("clinic_fhir"))
    job = ExportJob.objects.get()
    export_job_run(job_id=job.pk)
    client.post(reverse("clinic_fhir_names"), {"fhir_names_patients": "on"})
    page = client.get(reverse("clinic_export_job", args=[job.pk])).content.decode()
    assert "Patients appear in this file by their code, not their name." in page
    content = b"".join(client.get(reverse("clinic_export_download", args=[job.pk])).streaming_content)
    assert all("name" not in patient for patient in fhir_patients(content.decode()))


@pytest.mark.parametrize("who", ["carol", "alice", "charlie", "anonymous"])
def test_only_the_clinics_admin_names_its_patients(client, who, request, ada, alices_record):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who).user)
    response = client.post(reverse("clinic_fhir_names"), {"fhir_names_patients": "on"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("login") in response["Location"]
    ada.clinic.refresh_from_db()
    assert not ada.clinic.fhir_names_patients
    assert not AuditEvent.objects.filter(kind=AuditEvent.Kind.CLINIC_SETTINGS_CHANGED).exists()


def test_another_clinics_admin_names_only_their_own_patients(client, ada, other_clinic):
    other_admin = make_clinician(other_clinic, "olga", admin=True)
    client.force_login(other_admin.user)
    client.post(reverse("clinic_fhir_names"), {"fhir_names_patients": "on"})
    other_clinic.refresh_from_db()
    ada.clinic.refresh_from_db()
    assert other_clinic.fhir_names_patients and not ada.clinic.fhir_names_patients


def test_naming_patients_is_a_post(client, ada):
    client.force_login(ada.user)
    assert client.get(reverse("clinic_fhir_names")).status_code == 405


def test_what_the_caregiver_reported_is_the_caregivers_in_the_bundle(client, carol, gina, alices_record):
    caregivers_day = make_entry(alices_record, TODAY, dose_mg="3", sleep_quality=6, logged_by=gina.user)
    client.force_login(carol.user)
    bundle = json.loads(client.get(reverse("patient_fhir", args=[alices_record.pk])).content)
    resources = {entry["resource"]["id"]: entry["resource"] for entry in bundle["entry"]}
    caregiver = {"type": "RelatedPerson", "display": "caregiver"}
    patient = {"reference": f"Patient/{alices_record.pk}"}
    assert resources[f"dose-{caregivers_day.pk}"]["informationSource"] == caregiver
    assert resources[f"sleep-{caregivers_day.pk}"]["performer"] == [caregiver]
    patients_day = alices_record.entries.get(entry_date=TODAY - dt.timedelta(days=1))
    assert resources[f"dose-{patients_day.pk}"]["informationSource"] == patient
    assert gina.name not in json.dumps(bundle), "the export names no caregiver"
