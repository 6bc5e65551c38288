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
from tests.factories import make_entry, make_plan

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
