"""The clinic's outcomes: its patients' records read once, for `journal.outcomes`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from journal.models import Clinic, Clinician, Condition, ExportState, OutcomeReport, Patient, PlanChangeNote
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
    the patients, their conditions, `patient_records` and the reasons told with plan ends)."""
    if chosen.condition is not None:
        patients = patients.filter(conditions=chosen.condition)
    if chosen.clinician is not None:
        patients = patients.filter(clinicians=chosen.clinician)
    listed = list(patients.prefetch_related("conditions").order_by("pk"))
    records = patient_records(listed, now)
    reasons = stop_reasons_told([patient.pk for patient in listed])
    cohort = [
        CohortPatient(
            patient.pk,
            records[patient.pk],
            tuple(sorted(c.name for c in patient.conditions.all())),
            reasons.get(patient.pk, ""),
        )
        for patient in listed
    ]
    return [patient for patient in cohort if chosen.admits(patient.first_dose)]


def stop_reasons_told(patient_ids: list[int]) -> dict[int, str]:
    """Each patient's reason told with the newest end set to their plan ("" when none was
    given), by patient (1 query). A plan end is the change kept as the kind "ended"
    (`journal.plan_changes.ended`)."""
    ends = PlanChangeNote.objects.filter(patient_id__in=patient_ids, wording__kind="ended")
    return dict(ends.order_by("at", "pk").values_list("patient_id", "reason"))


def outcome_choices(clinic: Clinic) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The conditions the clinic's patients have and the clinic's clinicians, for the filters,
    each as (id, name) by name (2 queries)."""
    conditions = Condition.objects.filter(patients__clinic=clinic).distinct().order_by("name")
    clinicians = Clinician.objects.filter(clinic=clinic).select_related("user")
    return (
        [(condition.pk, condition.name) for condition in conditions],
        [(clinician.pk, str(clinician)) for clinician in clinicians],
    )


def reports_of_filter(clinic_id: int, chosen: CohortFilter) -> QuerySet[OutcomeReport]:
    """The clinic's outcome reports of exactly this filter, newest first."""
    exactly: dict[str, Any] = {  # None matches a filter left empty (IS NULL)
        "condition_id": chosen.condition,
        "clinician_id": chosen.clinician,
        "started_from": chosen.started_from,
        "started_to": chosen.started_to,
    }
    return OutcomeReport.objects.filter(clinic_id=clinic_id, **exactly)


@dataclass(frozen=True)
class ShownReports:
    """What the outcomes page shows for a filter: the newest report computed (`done`), and
    the newest report asked for when it is not that one (waiting, being computed, failed)."""

    done: OutcomeReport | None
    newer: OutcomeReport | None


def outcome_reports_shown(clinic_id: int, chosen: CohortFilter) -> ShownReports:
    """The clinic's reports for `chosen` the page shows (1 query, 2 while a newer one is not
    done)."""
    reports = reports_of_filter(clinic_id, chosen)
    newest = reports.exclude(state=ExportState.EXPIRED).first()
    if newest is None or newest.state == ExportState.DONE:
        return ShownReports(done=newest, newer=None)
    return ShownReports(done=reports.filter(state=ExportState.DONE).first(), newer=newest)
