"""Clinics for the benchmarks and for tests that need many patients, built fast: bulk inserts
in batches of patients, no history rows, no services.

Rows written here bypass the services, so anything a service keeps in step with the journal
(a derived row per patient, say) has to be brought up to date at the end of `add_patients`, as
the app's own refresh would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from journal.models import (
    Clinic,
    Clinician,
    DailyEntry,
    DoseStep,
    Patient,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
)
from journal.schedule import DAY

BATCH_PATIENTS = 100  # about 36,000 entries a batch at a year each: memory stays small


def add_patients(
    clinic: Clinic, prescriber: Clinician, *, patients: int, days: int, last_day: dt.date, code: str = "C"
) -> dt.date:
    """`patients` patients with `days` days of journal each, ending on `last_day`: screened
    (nothing found), a plan stepping up to 1.5 mg on day 7 and 3 mg on day 60, Pain scored,
    one day a week unlogged, a headache on every tenth entry. Codes `code` + a number
    (C000, C001, …). Returns the first day."""
    first = last_day - (days - 1) * DAY
    width = max(3, len(str(patients - 1)))
    for start in range(0, patients, BATCH_PATIENTS):
        numbers = range(start, min(start + BATCH_PATIENTS, patients))
        _add_batch(clinic, prescriber, [f"{code}{n:0{width}d}" for n in numbers], first, days)
    return first


def _add_batch(clinic: Clinic, prescriber: Clinician, codes: list[str], first: dt.date, days: int) -> None:
    pain = Symptom.objects.get(clinic=None, name="Pain")
    people = Patient.objects.bulk_create(
        [Patient(clinic=clinic, name=f"Patient {code}", code=code) for code in codes]
    )
    link = Patient.tracked_symptoms.through
    link.objects.bulk_create([link(patient_id=person.pk, symptom_id=pain.pk) for person in people])
    Screening.objects.bulk_create(
        [Screening(patient=person, screened_by=prescriber, screened_at=_noon(first)) for person in people]
    )
    plans = TitrationPlan.objects.bulk_create(
        [
            TitrationPlan(patient=person, prescriber=prescriber, status="active", starts_on=first + 7 * DAY)
            for person in people
        ]
    )
    DoseStep.objects.bulk_create(
        [
            DoseStep(plan=plan, start_date=first + offset * DAY, dose_mg=Decimal(dose))
            for plan in plans
            for offset, dose in ((7, "1.5"), (60, "3"))
        ]
    )
    entries = DailyEntry.objects.bulk_create(
        [
            DailyEntry(
                patient=person,
                entry_date=first + n * DAY,
                dose_taken=True,
                dose_mg=Decimal("1.5"),
                timing_taken="bedtime",
                sleep_quality=5,
            )
            for person in people
            for n in range(days)
            if n % 7 != 3
        ],
        batch_size=2000,
    )
    SymptomScore.objects.bulk_create(
        [SymptomScore(entry=entry, symptom=pain, score=4) for entry in entries], batch_size=5000
    )
    SideEffectReport.objects.bulk_create(
        [SideEffectReport(entry=entry, kind="headache", severity="mild") for entry in entries[::10]],
        batch_size=5000,
    )


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
