"""Round trip: a patient's FHIR export, imported into a new patient of an empty clinic, gives
the same medication list and lab results; the dose steps, reported doses and diary scores the
import leaves alone read back from the same Bundle (`journal.fhir.read_bundle`) equal to the
record they came from.

What it covers: medications (name, dose, started, stopped) and lab results (test, value, unit,
range, sample date, laboratory) are imported and compared as rows; dose steps (start, last day,
mg, timing, every other day), reported doses (day, taken, mg) and scores (day, symptom, score;
sleep quality) are read back from the Bundle and compared with the source's schedule and
entries (the import creates no plan and no diary: those are the clinic's and the patient's to
write)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from journal import fhir
from journal import fhir_import as fi
from journal.models import LabResult, LabTest, Medication, SymptomScore
from journal.schedule import DAY
from journal.selectors.fhir import patient_bundle
from journal.selectors.fhir_import import import_context
from journal.selectors.records import schedule_of
from journal.services.fhir_import import fhir_import_apply
from journal.services.labs import lab_result_record
from journal.services.medications import medication_add, medication_stop
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


def test_the_bundle_reads_back_the_dose_steps_and_scores_of_the_record(exported):
    """The import adds no plan and no diary; `journal.fhir.read_bundle` reads them back from
    the same Bundle, equal to the record."""
    values = fhir.read_bundle(json.loads(json.dumps(patient_bundle(exported, NOW))))
    doses = schedule_of(exported).doses
    assert [(s.start_date, s.last_day, s.dose_mg, s.timing, s.frequency) for s in values.steps] == [
        (dose.start_date, dose.until - DAY if dose.until else None, dose.dose_mg, dose.timing, dose.frequency)
        for dose in doses
    ]
    assert [step.dose_mg for step in values.steps] == [Decimal("1.5"), Decimal(3), Decimal("4.5")]
    assert (values.steps[-1].timing, values.steps[-1].frequency) == ("morning", "every_other_day")
    scores = {(score.day, score.name, score.score) for score in values.scores}
    stored = {
        (row.entry.entry_date, row.symptom.name, row.score)
        for row in SymptomScore.objects.filter(entry__patient=exported).select_related("entry", "symptom")
    }
    sleep = {(entry.entry_date, "Sleep quality", entry.sleep_quality) for entry in exported.entries.all()}
    assert len(stored) == 2 * 40
    assert scores == stored | sleep
    assert [(dose.day, dose.taken, dose.dose_mg) for dose in values.doses] == [
        (entry.entry_date, entry.dose_taken, entry.dose_mg)
        for entry in exported.entries.order_by("entry_date")
    ], "the daily dose reports, and not the medication list's statements"
