"""What an import from a FHIR Bundle is matched against: the clinic's lab tests, the patient's
medication list and lab results, and the dates the services accept."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.utils import timezone

from journal.bounds import sample_window, taken_window
from journal.fhir_import import ImportContext, KnownTest, MedicationRead, PatientContext
from journal.models import Clinic, LabResult, Medication, Patient
from journal.selectors.labs import lab_tests_of


def import_context(patient: Patient) -> ImportContext:
    """The clinic's tests and the patient's medicines and results, by the keys the import
    compares (3 queries)."""
    today = patient.local_today()
    tests = lab_tests_of(patient.clinic_id).order_by("pk").values_list("pk", "name", "key", "unit")
    listed = Medication.objects.filter(patient=patient).values_list("name", "started_on")
    results = LabResult.objects.filter(patient=patient).values_list("test_id", "sampled_on", "value")
    return ImportContext(
        tests=tuple(KnownTest(*row) for row in tests),
        sample_window=sample_window(patient.opened_on, today),
        taken_window=taken_window(today),
        medications=frozenset(MedicationRead("", name, started_on=started).key for name, started in listed),
        labs=frozenset((test, day, value.normalize()) for test, day, value in results),
    )


def patient_import_context(clinic: Clinic, now: dt.datetime | None = None) -> PatientContext:
    """The record codes of the clinic's patients (`Patient.export_label`: a patient exported
    from this clinic is known by it) and its lab tests, on the clinic's today (2 queries): what
    a whole-patient import is matched against."""
    today = (now or timezone.now()).astimezone(zoneinfo.ZoneInfo(clinic.time_zone)).date()
    tests = lab_tests_of(clinic.pk).order_by("pk").values_list("pk", "name", "key", "unit")
    codes = {
        Patient(pk=pk, code=code).export_label
        for pk, code in Patient.objects.filter(clinic=clinic).values_list("pk", "code")
    }
    return PatientContext(codes=frozenset(codes), tests=tuple(KnownTest(*row) for row in tests), today=today)
