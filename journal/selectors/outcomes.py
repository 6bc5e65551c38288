"""The clinic's outcomes: its patients' records read once, for `journal.outcomes`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from journal.models import Clinic, Clinician, Condition, Patient
from journal.outcomes import CohortPatient
from journal.selectors.records import patient_records


@dataclass(frozen=True)
class CohortFilter:
    """Which patients the figures count: a condition and a clinician (ids, None for any) and
    the dates their first dose may fall on (None: no bound)."""

    condition: int | None = None
    clinician: int | None = None
    started_from: dt.date | None = None
    started_to: dt.date | None = None

    def admits(self, first_dose: dt.date | None) -> bool:
        if self.started_from is None and self.started_to is None:
            return True
        if first_dose is None:
            return False
        return (self.started_from is None or first_dose >= self.started_from) and (
            self.started_to is None or first_dose <= self.started_to
        )


def outcome_cohort(
    patients: QuerySet[Patient], chosen: CohortFilter, now: dt.datetime | None = None
) -> list[CohortPatient]:
    """These patients as `journal.outcomes` reads them, filtered (a fixed number of queries:
    the patients, their conditions and `patient_records`)."""
    if chosen.condition is not None:
        patients = patients.filter(conditions=chosen.condition)
    if chosen.clinician is not None:
        patients = patients.filter(clinicians=chosen.clinician)
    listed = list(patients.prefetch_related("conditions").order_by("pk"))
    records = patient_records(listed, now)
    cohort = [
        CohortPatient(
            patient.pk, records[patient.pk], tuple(sorted(c.name for c in patient.conditions.all()))
        )
        for patient in listed
    ]
    return [patient for patient in cohort if chosen.admits(patient.first_dose)]


def outcome_choices(clinic: Clinic) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The conditions the clinic's patients have and the clinic's clinicians, for the filters,
    each as (id, name) by name (2 queries)."""
    conditions = Condition.objects.filter(patients__clinic=clinic).distinct().order_by("name")
    clinicians = Clinician.objects.filter(clinic=clinic).select_related("user")
    return (
        [(condition.pk, condition.name) for condition in conditions],
        [(clinician.pk, str(clinician)) for clinician in clinicians],
    )
