"""Round trip: a patient's FHIR export, imported into an empty clinic as a new patient, is the
same record: what is prescribed on each day (`Schedule.prescribed`: dose, timing, every other
day, form, release), each diary day (dose taken, sleep, scores by symptom, side effects), the
conditions and tracked symptoms, the medication list and the lab results, each read through the
app's own selectors. Importing the same Bundle again adds nothing.

Not carried: the diary's free-text notes, pauses, the audit trail, reviews, questionnaire
answers, the screening and messages (the export writes some of them, the import does not read
them back)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from journal import fhir_import as fi
from journal.models import (
    AuditEvent,
    Condition,
    DoseStep,
    LabResult,
    LabTest,
    Medication,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
)
from journal.schedule import DAY
from journal.selectors.fhir import patient_bundle
from journal.selectors.fhir_import import import_context, patient_import_context
from journal.selectors.records import condition_tracks, patient_files, schedule_of
from journal.services.fhir_import import fhir_import_apply, patient_import
from journal.services.labs import lab_result_record
from journal.services.medications import medication_add, medication_stop
from journal.services.record import record_item_add, record_item_stop
from tests.factories import log_days, make_clinic, make_clinician, make_patient, make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()
FIRST_DOSE = TODAY - 40 * DAY

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


def catalogue(key: str) -> LabTest:
    return LabTest.objects.get(clinic=None, key=key)


@pytest.fixture
def exported(alice, carol):
    """Alice: a plan of three steps (the last in the morning, every other day), 40 days of
    entries with scores and sleep, two lab results and two other medicines, one stopped."""
    alice.created_at = NOW - 90 * DAY
    alice.save(update_fields=["created_at"])
    make_plan(
        alice,
        carol,
        [
            (FIRST_DOSE, "1.5"),
            (FIRST_DOSE + 14 * DAY, "3"),
            (FIRST_DOSE + 28 * DAY, "4.5", "morning", "every_other_day"),
        ],
    )
    log_days(alice, FIRST_DOSE, TODAY - DAY, scores={"Pain": 6, "Fatigue": 4})
    medication_add(
        patient=alice,
        actor=carol.user,
        name="Levothyroxine",
        dose_text="50 mcg",
        started_on=dt.date(2023, 5, 1),
    )
    tramadol = medication_add(
        patient=alice, actor=carol.user, name="Tramadol", started_on=dt.date(2025, 11, 1)
    )
    medication_stop(medication=tramadol, actor=carol.user, stopped_on=FIRST_DOSE - 15 * DAY)
    for key, value, low, high, day in (
        ("tsh", "5.25", "0.4", "4.0", TODAY - 30 * DAY),
        ("crp", "3", None, "5", TODAY - 3 * DAY),
    ):
        lab_result_record(
            patient=alice,
            clinician=carol,
            test=catalogue(key),
            value=Decimal(value),
            unit="mIU/L" if key == "tsh" else "mg/L",
            reference_low=Decimal(low) if low else None,
            reference_high=Decimal(high),
            sampled_on=day,
            laboratory="City Lab",
        )
    return alice


def medications(patient) -> list[tuple]:
    return sorted(
        Medication.objects.filter(patient=patient).values_list(
            "name", "dose_text", "started_on", "stopped_on"
        )
    )


def labs(patient) -> list[tuple]:
    return sorted(
        LabResult.objects.filter(patient=patient).values_list(
            "test__key", "value", "unit", "reference_low", "reference_high", "sampled_on", "laboratory"
        )
    )


def test_export_then_import_into_an_empty_clinic_gives_the_same_medications_and_labs(exported):
    data = json.dumps(patient_bundle(exported, NOW)).encode()
    clinic = make_clinic("Empty clinic")
    clinician = make_clinician(clinic, "erin")
    newcomer = make_patient(clinic, "newcomer", clinicians=(clinician,), created_at=NOW - 90 * DAY)

    read = fi.read_bundle(data)
    plan = fi.plan_import(read, import_context(newcomer))
    assert (len(plan.medications), len(plan.labs)) == (2, 2), plan.skipped_by_reason()
    assert not fhir_import_apply(patient=newcomer, clinician=clinician, plan=plan).changed

    assert medications(newcomer) == medications(exported)
    assert labs(newcomer) == labs(exported)
    # The daily LDN dose reports are LDN itself, not the medication list.
    ldn = [item for item in read.skipped if item.message == fi.LDN_ITSELF]
    assert len(ldn) == exported.entries.count()
    # A second import of the same Bundle adds nothing.
    assert fi.plan_import(fi.read_bundle(data), import_context(newcomer)).empty


def prescribed(patient, first: dt.date, last: dt.date) -> list[tuple]:
    """What the schedule prescribes on each day, as the pages read it (`Schedule.prescribed`)."""
    schedule = schedule_of(patient)
    days = [first + offset * DAY for offset in range((last - first).days + 1)]
    return [
        (day, dose.dose_mg, dose.timing, dose.frequency, dose.form, dose.release, dose.note)
        if (dose := schedule.prescribed(day)) is not None
        else (day, None)
        for day in days
    ]


def diary(patient) -> list[tuple]:
    """Each diary day as the patient file reads it: the dose, sleep, scores by symptom name
    and side effects (`patient_files`)."""
    file = patient_files([patient], NOW)[patient.pk]
    names = {track.symptom.pk: track.symptom.name for track in file.tracks}
    return [
        (
            day.day,
            day.dose_taken,
            day.dose_mg,
            day.timing_taken,
            day.sleep_quality,
            sorted((names[pk], score) for pk, score in day.scores.items()),
            sorted(day.side_effects),
        )
        for day in file.days
    ]


def record_items(patient) -> tuple:
    file = patient_files([patient], NOW)[patient.pk]
    conditions = [(t.item.name, t.current, t.periods) for t in condition_tracks([patient.pk])[patient.pk]]
    return sorted(symptom.name for symptom in file.symptoms), conditions


@pytest.fixture
def whole(exported, carol):
    """Alice besides: an earlier capsule plan ended with a step that never took effect, a
    cream plan in force (applied in the evening since), a clinic's own symptom, a day not
    taken, an "other" side effect and two conditions (one taken off the record)."""
    TitrationPlan.objects.filter(patient=exported).update(status=TitrationPlan.Status.ENDED)
    first_plan = TitrationPlan.objects.get(patient=exported)
    first_plan.ended_on = TODAY - 6 * DAY
    first_plan.save(update_fields=["ended_on"])
    DoseStep.objects.create(plan=first_plan, start_date=TODAY - 5 * DAY, dose_mg=Decimal("6"))
    make_plan(
        exported,
        carol,
        [(TODAY - 4 * DAY, "1", "evening"), (TODAY + 10 * DAY, "2", "evening", "every_other_day")],
        form="cream",
        immediate_release=False,
    )
    tremor = Symptom.objects.create(clinic=exported.clinic, name="Hand tremor")
    exported.tracked_symptoms.add(tremor)
    for offset, score in ((5, 4), (6, 3)):
        entry = exported.entries.get(entry_date=TODAY - offset * DAY)
        SymptomScore.objects.create(entry=entry, symptom=tremor, score=score)
    exported.entries.filter(entry_date__gte=TODAY - 4 * DAY).update(timing_taken="evening")  # the cream
    skipped = exported.entries.get(entry_date=TODAY - 8 * DAY)
    skipped.dose_taken, skipped.dose_mg, skipped.timing_taken = False, None, ""
    skipped.save()
    SideEffectReport.objects.create(
        entry=skipped, kind="other", severity="moderate", other_text="tingling lips"
    )
    fibro = Condition.objects.get(clinic=None, name="Fibromyalgia")
    record_item_add(patient=exported, item=fibro, on=TODAY - 60 * DAY, actor=carol.user)
    crps = Condition.objects.get(clinic=None, name="CRPS")
    record_item_add(patient=exported, item=crps, on=TODAY - 60 * DAY, actor=carol.user)
    record_item_stop(patient=exported, item=crps, on=TODAY - 20 * DAY, actor=carol.user)
    return exported


def test_a_whole_patient_exported_and_imported_into_an_empty_clinic_is_the_same_record(whole):
    data = json.dumps(patient_bundle(whole, NOW)).encode()
    clinic = make_clinic("Empty clinic", time_zone="Europe/London")
    erin = make_clinician(clinic, "erin")

    plan = fi.plan_patient_import(fi.read_patient(data), patient_import_context(clinic, NOW))
    assert (len(plan.plans), plan.steps, len(plan.days)) == (2, 5, 40)
    newcomer = patient_import(clinician=erin, plan=plan, now=NOW)
    assert newcomer is not None and newcomer.clinic == clinic and newcomer.code == whole.export_label

    span = (FIRST_DOSE - 10 * DAY, TODAY + 60 * DAY)
    assert prescribed(newcomer, *span) == prescribed(whole, *span)
    assert {row[4] for row in prescribed(newcomer, *span) if len(row) > 2} == {"capsule", "cream"}
    assert diary(newcomer) == diary(whole)
    assert ("tingling lips", "moderate") in diary(newcomer)[-8][6]
    assert record_items(newcomer) == record_items(whole)
    assert medications(newcomer) == medications(whole)
    assert labs(newcomer) == labs(whole)
    assert AuditEvent.objects.filter(patient=newcomer, kind=AuditEvent.Kind.PLAN_CREATED).count() == 2

    # The same Bundle again adds nothing: the clinic has the record code.
    again = fi.plan_patient_import(fi.read_patient(data), patient_import_context(clinic, NOW))
    assert again.already_there
    assert patient_import(clinician=erin, plan=plan, now=NOW) is None
    assert clinic.patients.count() == 1
