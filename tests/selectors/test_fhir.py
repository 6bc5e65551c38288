"""journal.selectors.fhir: the demo clinic's FHIR export, every resource validated against the
`fhir.resources` R4B models; a patient's Bundle in a pinned number of queries; the clinic's
NDJSON stream read in batches."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from fhir.resources.R4B import get_fhir_model_class

from journal import fhir
from journal.management.commands.seed_demo import DEMO_CLINIC
from journal.models import Clinic, LabResult, Patient, SymptomScore
from journal.schedule import DAY
from journal.selectors import fhir as fhir_selectors
from journal.selectors.fhir import (
    clinic_ndjson,
    fhir_identity,
    ndjson_write,
    patient_bundle,
    patient_exports,
    patient_resources,
)
from journal.selectors.records import schedule_of

NOW = dt.datetime(2026, 11, 21, 12, 0, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def demo(db) -> Clinic:
    call_command("seed_demo", today=TODAY, stdout=io.StringIO())
    return Clinic.objects.get(name=DEMO_CLINIC)


def validated(resource: dict) -> object:
    """The resource parsed by its R4B model (raises on anything the base spec refuses)."""
    return get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def references(value: object) -> list[str]:
    if isinstance(value, dict):
        found = [value["reference"]] if isinstance(value.get("reference"), str) else []
        return found + [ref for item in value.values() for ref in references(item)]
    if isinstance(value, list):
        return [ref for item in value for ref in references(item)]
    return []


def test_every_resource_of_the_demo_clinic_export_validates(demo):
    lines = list(clinic_ndjson(demo, NOW))
    assert all(line.endswith("\n") and "\n" not in line[:-1] for line in lines)
    resources = [json.loads(line) for line in lines]
    for resource in resources:
        validated(resource)
    kinds = collections.Counter(resource["resourceType"] for resource in resources)
    assert set(kinds) >= {
        "CodeSystem", "Practitioner", "Patient", "Condition", "MedicationRequest", "MedicationStatement",
        "Observation", "QuestionnaireResponse", "Provenance",
    }  # fmt: skip
    assert kinds["Patient"] == Patient.objects.filter(clinic=demo).count()
    keys = [(resource["resourceType"], resource["id"]) for resource in resources]
    assert len(keys) == len(set(keys)), "every resource has its own id"
    # Every reference points at a resource of the export (or the request's contained Medication).
    known = {f"{kind}/{pk}" for kind, pk in keys}
    dangling = {ref for resource in resources for ref in references(resource) if not ref.startswith("#")}
    assert dangling - known == set()


def test_a_patients_bundle_validates_and_reads_in_pinned_queries(demo, django_assert_num_queries):
    anna = Patient.objects.select_related("clinic").get(code="RLC-100")
    with django_assert_num_queries(14):
        bundle = patient_bundle(anna, NOW)
    validated(bundle)
    assert bundle["type"] == "collection"
    assert bundle["entry"][0]["fullUrl"].startswith("https://")
    resources = [entry["resource"] for entry in bundle["entry"]]
    (person,) = [resource for resource in resources if resource["resourceType"] == "Patient"]
    assert person["identifier"][0]["value"] == "RLC-100"
    assert "name" not in person and "birthDate" not in person, "pseudonymous by default"
    assert anna.name not in json.dumps(bundle)


def test_fhir_identity_is_nothing_unless_the_clinic_names_its_patients(demo):
    mia = Patient.objects.select_related("clinic").get(user__username="mia")
    assert mia.date_of_birth is not None
    assert fhir_identity(mia) == ("", None)
    demo.fhir_names_patients = True
    demo.save(update_fields=["fhir_names_patients"])
    mia = Patient.objects.select_related("clinic").get(pk=mia.pk)
    assert fhir_identity(mia) == ("Mia " + mia.user.last_name, mia.date_of_birth)


def test_a_named_clinics_patients_validate_with_their_name_and_birth_date(demo):
    demo.fhir_names_patients = True
    demo.save(update_fields=["fhir_names_patients"])
    patients = {patient.pk: patient for patient in Patient.objects.filter(clinic=demo)}
    named = [json.loads(line) for line in clinic_ndjson(demo, NOW) if '"resourceType":"Patient"' in line]
    assert len(named) == len(patients)
    for resource in named:
        patient = patients[int(resource["id"])]
        person = validated(resource)
        assert person.name[0].text == patient.name
        assert person.birthDate == patient.date_of_birth
        assert resource["identifier"][0]["value"] == patient.export_label, "the record code stays"


def test_each_prescribed_step_is_a_request_with_its_dose_and_prescriber(demo):
    tom = Patient.objects.select_related("clinic").get(user__username="tom")
    schedule = schedule_of(tom)
    requests = [item for item in patient_resources(tom, NOW) if item["resourceType"] == "MedicationRequest"]
    assert [request["dispenseRequest"]["validityPeriod"]["start"] for request in requests] == [
        dose.start_date.isoformat() for dose in schedule.doses
    ]
    last, dose = requests[-1], schedule.doses[-1]
    quantity = last["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]
    assert Decimal(str(quantity["value"])) == dose.dose_mg and quantity["code"] == "mg"
    assert last["dosageInstruction"][0]["timing"]["repeat"]["period"] == 2, "tom takes 3 mg every other day"
    assert last["requester"]["reference"].startswith("Practitioner/clinician-")


def test_patient_exports_reads_many_patients_in_the_same_queries(demo, django_assert_num_queries):
    patients = list(Patient.objects.filter(clinic=demo).select_related("clinic"))
    with django_assert_num_queries(14):
        exports = patient_exports(patients, NOW)
    assert set(exports) == {patient.pk for patient in patients}
    anna = exports[Patient.objects.get(code="RLC-100").pk]
    assert anna.days and anna.screening is not None and anna.prescribers
    harry = exports[Patient.objects.get(user__username="harry").pk]
    assert harry.labs, "harry's thyroid results"
    assert all(isinstance(record, fhir.PatientExport) for record in exports.values())


def test_the_clinic_stream_reads_patients_in_batches(demo, django_assert_num_queries, monkeypatch):
    monkeypatch.setattr(fhir_selectors, "FHIR_BATCH_PATIENTS", 10)
    patients = Patient.objects.filter(clinic=demo).count()
    batches = -(-patients // 10)
    with django_assert_num_queries(3 + 15 * batches):
        lines = list(clinic_ndjson(demo, NOW))
    assert sum('"resourceType":"Patient"' in line for line in lines) == patients


def test_ndjson_write_counts_and_hashes_what_it_writes(demo):
    ids = list(Patient.objects.filter(clinic=demo).values_list("pk", flat=True)[:3])
    out = io.BytesIO()
    written = ndjson_write(demo, ids, out, NOW)
    content = out.getvalue()
    assert written.size == len(content) and written.sha256 == hashlib.sha256(content).hexdigest()
    lines = content.decode().splitlines()
    assert written.rows == len(lines)
    assert sorted(json.loads(line)["id"] for line in lines if '"resourceType":"Patient"' in line) == sorted(
        str(pk) for pk in ids
    )


def test_export_then_read_gives_back_every_patients_plan_doses_scores_and_labs(demo):
    """Item 4's round trip, the export half: what a Bundle says read back equals the database."""
    for patient in Patient.objects.filter(clinic=demo).select_related("clinic"):
        values = fhir.read_bundle(json.loads(json.dumps(patient_bundle(patient, NOW))))
        schedule = schedule_of(patient)
        assert [
            (step.start_date, step.last_day, step.dose_mg, step.timing, step.frequency, step.form)
            for step in values.steps
        ] == [
            (
                dose.start_date,
                dose.until - DAY if dose.until and dose.takes_effect else None,
                dose.dose_mg,
                dose.timing,
                dose.frequency,
                dose.form,
            )
            for dose in schedule.doses
        ], patient.code
        entries = patient.entries.order_by("entry_date")
        assert [(dose.day, dose.taken, dose.dose_mg, dose.timing) for dose in values.doses] == [
            (
                entry.entry_date,
                entry.dose_taken,
                entry.dose_mg if entry.dose_taken else None,
                entry.timing_taken if entry.dose_taken else "",
            )
            for entry in entries
        ]
        scores = [
            (score.entry.entry_date, score.symptom.name, score.score)
            for score in SymptomScore.objects.filter(entry__patient=patient).select_related(
                "entry", "symptom"
            )
        ] + [
            (entry.entry_date, "Sleep quality", entry.sleep_quality)
            for entry in entries
            if entry.sleep_quality is not None
        ]
        assert [(score.day, score.name, score.score) for score in values.scores] == sorted(
            scores, key=lambda item: (item[0], item[1])
        )
        labs = sorted(
            (
                result.sampled_on,
                result.test.name,
                result.value,
                result.unit or result.test.unit,
                result.reference_low,
                result.reference_high,
            )
            for result in LabResult.objects.filter(patient=patient).select_related("test")
        )
        assert [(lab.day, lab.test, lab.value, lab.unit, lab.low, lab.high) for lab in values.labs] == labs
