"""journal.services.fhir_import: a confirmed import adds its medicines and results in one
transaction through their own services (audit, safety), or nothing when the record changed; a
whole patient comes into the clinic once, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from journal import fhir_import as fi
from journal.models import AuditEvent, LabResult, Medication, Patient, Symptom, TitrationPlan
from journal.selectors.fhir_import import import_context
from journal.selectors.records import safety_of
from journal.services.fhir_import import fhir_import_apply, patient_import
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


# --- a whole patient -------------------------------------------------------------------------


def whole_plan(label: str = "ANNA-01", **changes) -> fi.PatientImportPlan:
    values = {
        "label": label,
        "opened_on": TODAY - dt.timedelta(days=30),
        "conditions": (fi.ConditionRead("Fibromyalgia", TODAY - dt.timedelta(days=30)),),
        "symptoms": ("Pain", "Hand tremor"),
        "plans": (
            fi.PlanToAdd(
                "1",
                "capsule",
                "immediate",
                (fi.StepToAdd(TODAY - dt.timedelta(days=20), Decimal("1.5"), "bedtime", "daily"),),
            ),
        ),
        "days": (
            fi.DayToAdd(
                TODAY - dt.timedelta(days=19),
                True,
                Decimal("1.5"),
                "bedtime",
                7,
                (("Pain", 6), ("Hand tremor", 2)),
                (("headache", "mild", ""),),
            ),
            fi.DayToAdd(TODAY - dt.timedelta(days=25), False),  # a day whose note was all it held
        ),
    }
    return fi.PatientImportPlan(**{**values, **changes})


def test_a_whole_patient_comes_in_as_a_new_patient_of_the_clinic_with_audit(carol):
    patient = patient_import(clinician=carol, plan=whole_plan(), now=NOW)
    assert patient is not None
    assert (patient.name, patient.code, patient.clinic, patient.user) == (
        "ANNA-01",
        "ANNA-01",
        carol.clinic,
        None,
    )
    assert list(patient.clinicians.all()) == [carol]
    assert patient.opened_on == TODAY - dt.timedelta(days=30)
    tremor = Symptom.objects.get(clinic=carol.clinic, name="Hand tremor")
    assert set(patient.tracked_symptoms.all()) == {Symptom.objects.get(clinic=None, name="Pain"), tremor}
    assert [c.name for c in patient.conditions.all()] == ["Fibromyalgia"]
    plan = TitrationPlan.objects.get(patient=patient)
    assert (plan.status, plan.prescriber, plan.starts_on) == ("active", carol, TODAY - dt.timedelta(days=20))
    [entry] = patient.entries.all()
    assert (entry.dose_mg, entry.sleep_quality, entry.logged_by) == (Decimal("1.5"), 7, None)
    assert {(s.symptom.name, s.score) for s in entry.scores.all()} == {("Pain", 6), ("Hand tremor", 2)}
    kinds = list(AuditEvent.objects.filter(patient=patient).values_list("kind", flat=True).order_by("pk"))
    assert kinds == [AuditEvent.Kind.PLAN_CREATED, AuditEvent.Kind.RECORD_CHANGED]
    assert (
        "1 diary days" in AuditEvent.objects.get(patient=patient, kind=AuditEvent.Kind.RECORD_CHANGED).summary
    )


def test_a_patient_is_imported_once(carol):
    first = patient_import(clinician=carol, plan=whole_plan(), now=NOW)
    assert first is not None
    assert patient_import(clinician=carol, plan=whole_plan(), now=NOW) is None
    assert patient_import(clinician=carol, plan=whole_plan(already_there=True), now=NOW) is None
    assert Patient.objects.filter(clinic=carol.clinic, code="ANNA-01").count() == 1


def test_a_step_the_model_refuses_rolls_back_the_whole_patient(carol):
    broken = whole_plan(
        plans=(
            fi.PlanToAdd("1", "tablet", "immediate", (fi.StepToAdd(TODAY, Decimal(1), "bedtime", "daily"),)),
        )
    )
    with pytest.raises(ValidationError):
        patient_import(clinician=carol, plan=broken, now=NOW)
    assert not Patient.objects.filter(code="ANNA-01").exists()
    assert not Symptom.objects.filter(name="Hand tremor").exists()


def test_a_patient_exported_from_this_clinic_without_a_code_is_known_by_their_export_label(alice, carol):
    assert alice.code == ""
    assert patient_import(clinician=carol, plan=whole_plan(label=alice.export_label), now=NOW) is None
    assert list(Patient.objects.filter(clinic=carol.clinic)) == [alice]
