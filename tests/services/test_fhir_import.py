"""journal.services.fhir_import: a confirmed import adds its medicines and results in one
transaction through their own services (audit, safety), or nothing when the record changed."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from journal import fhir_import as fi
from journal.models import AuditEvent, LabResult, Medication
from journal.selectors.fhir_import import import_context
from journal.selectors.records import safety_of
from journal.services.fhir_import import fhir_import_apply
from journal.services.labs import lab_result_record
from tests.test_labs import NOW, OPENED, TODAY, tsh_test

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]

BUNDLE = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {
            "resource": {
                "resourceType": "MedicationStatement",
                "id": "m1",
                "status": "completed",
                "medicationCodeableConcept": {"text": "Tramadol"},
                "effectivePeriod": {"start": "2026-01-05", "end": "2026-02-20"},
                "dosage": [{"text": "50 mg at night"}],
            }
        },
        {
            "resource": {
                "resourceType": "Observation",
                "id": "o1",
                "category": [{"coding": [{"code": "laboratory"}]}],
                "code": {"coding": [{"system": "http://loinc.org", "code": "3016-3"}]},
                "effectiveDateTime": (TODAY - dt.timedelta(days=3)).isoformat(),
                "valueQuantity": {"value": 5.2, "unit": "mIU/L"},
                "referenceRange": [{"low": {"value": 0.4}, "high": {"value": 4}}],
            }
        },
    ],
}


@pytest.fixture
def opened(alice):
    alice.created_at = dt.datetime.combine(OPENED, dt.time(9), tzinfo=dt.UTC)
    alice.save(update_fields=["created_at"])
    return alice


def planned(patient) -> fi.ImportPlan:
    return fi.plan_import(fi.read_bundle(json.dumps(BUNDLE).encode()), import_context(patient))


def test_a_confirmed_import_adds_through_the_services_with_audit_and_safety(opened, carol):
    checked = fhir_import_apply(patient=opened, clinician=carol, plan=planned(opened))
    assert not checked.changed
    tramadol = Medication.objects.get(patient=opened)
    assert (tramadol.name, tramadol.dose_text, tramadol.started_on, tramadol.stopped_on) == (
        "Tramadol",
        "50 mg at night",
        dt.date(2026, 1, 5),
        dt.date(2026, 2, 20),
    )
    result = LabResult.objects.get(patient=opened)
    assert (result.test, result.value, result.unit, result.reference_high, result.recorded_by) == (
        tsh_test(),
        Decimal("5.2"),
        "mIU/L",
        Decimal(4),
        carol,
    )
    kinds = list(AuditEvent.objects.filter(patient=opened).values_list("kind", flat=True).order_by("pk"))
    assert kinds == [
        AuditEvent.Kind.MEDICATION_ADDED,
        AuditEvent.Kind.MEDICATION_STOPPED,
        AuditEvent.Kind.LAB_RESULT_RECORDED,
    ]
    assert "added to the medication list by" in AuditEvent.objects.filter(patient=opened).first().summary


def test_an_imported_opioid_raises_the_safety_alert_as_a_typed_one(opened, carol):
    bundle = {**BUNDLE, "entry": [{"resource": {**BUNDLE["entry"][0]["resource"], "effectivePeriod": {}}}]}
    plan = fi.plan_import(fi.read_bundle(json.dumps(bundle).encode()), import_context(opened))
    assert [m.is_opioid for m in plan.medications] == [True]
    fhir_import_apply(patient=opened, clinician=carol, plan=plan)
    concerns = safety_of(opened).concerns
    assert any("Tramadol" in finding.message for finding in concerns), concerns
    assert "Safety:" in AuditEvent.objects.get(kind=AuditEvent.Kind.MEDICATION_ADDED).summary


def test_an_import_confirmed_twice_adds_nothing_the_second_time(opened, carol):
    plan = planned(opened)
    fhir_import_apply(patient=opened, clinician=carol, plan=plan)
    again = fhir_import_apply(patient=opened, clinician=carol, plan=plan)
    assert again.changed and again.plan.empty
    assert Medication.objects.filter(patient=opened).count() == 1
    assert LabResult.objects.filter(patient=opened).count() == 1


def test_when_the_record_changed_since_the_preview_nothing_is_added(opened, carol):
    plan = planned(opened)
    lab_result_record(
        patient=opened,
        clinician=carol,
        test=tsh_test(),
        value=Decimal("5.2"),
        sampled_on=TODAY - dt.timedelta(days=3),
    )
    checked = fhir_import_apply(patient=opened, clinician=carol, plan=plan)
    assert checked.changed
    assert [m.name for m in checked.plan.medications] == ["Tramadol"] and checked.plan.labs == ()
    assert not Medication.objects.filter(patient=opened).exists(), "all or nothing"


def test_a_failing_item_rolls_back_the_whole_import(opened, carol):
    plan = planned(opened)
    broken = fi.ImportPlan(
        plan.medications,
        (fi.LabToAdd("x", 10**9, "Gone", Decimal(1), "", None, None, TODAY, ""),),
    )
    with pytest.raises(ValidationError, match="no longer on the clinic's list"):
        fhir_import_apply(patient=opened, clinician=carol, plan=broken)
    assert not Medication.objects.filter(patient=opened).exists()


def test_only_a_clinician_of_the_patients_clinic_imports(opened, charlie):
    with pytest.raises(ValidationError, match="Only a clinician of the patient's clinic"):
        fhir_import_apply(patient=opened, clinician=charlie, plan=planned(opened))
    assert not Medication.objects.exists()
