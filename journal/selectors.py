"""Reads that feed pages: each runs a fixed number of queries, however many rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Max, Prefetch, QuerySet

from journal.diary import Diary
from journal.models import DoseStep, LdnPause, Patient, SymptomScore, TitrationPlan
from journal.titration import PausePeriod, ScheduledStep, first_dose_date, prescribed_on


def schedules_for(patient_ids: Iterable[int]) -> dict[int, list[ScheduledStep]]:
    """Every prescribed (non-draft) step of these patients, in date order. One query."""
    steps = (
        DoseStep.objects.filter(plan__patient_id__in=list(patient_ids))
        .exclude(plan__status=TitrationPlan.Status.DRAFT)
        .select_related("plan")
        .order_by("start_date", "plan__created_at")
    )
    schedules: dict[int, list[ScheduledStep]] = defaultdict(list)
    for step in steps:
        schedules[step.plan.patient_id].append(
            ScheduledStep(
                start_date=step.start_date,
                dose_mg=step.dose_mg,
                timing=step.timing,
                plan_id=step.plan_id,
                plan_ends_on=step.plan.ended_on,
                form=step.plan.form,
                strength_mg=step.plan.strength_mg,
            )
        )
    return schedules


def pauses_for(patient_ids: Iterable[int]) -> dict[int, list[PausePeriod]]:
    pauses: dict[int, list[PausePeriod]] = defaultdict(list)
    for pause in LdnPause.objects.filter(patient_id__in=list(patient_ids)):
        pauses[pause.patient_id].append(PausePeriod(pause.start_date, pause.end_date))
    return pauses


@dataclass(frozen=True)
class RosterRow:
    patient: Patient
    today: dt.date
    current: ScheduledStep | None
    first_dose: dt.date | None
    last_entry: dt.date | None


def roster_rows(patients: QuerySet[Patient], now: dt.datetime | None = None) -> list[RosterRow]:
    """One row per patient with today's prescription and last entry date (3 queries)."""
    patients = list(patients.annotate(last_entry=Max("entries__entry_date")))
    ids = [patient.pk for patient in patients]
    schedules, pauses = schedules_for(ids), pauses_for(ids)
    rows = []
    for patient in patients:
        today = patient.local_today(now)
        schedule = schedules.get(patient.pk, [])
        rows.append(
            RosterRow(
                patient=patient,
                today=today,
                current=prescribed_on(schedule, today, pauses.get(patient.pk, [])),
                first_dose=first_dose_date(schedule),
                last_entry=patient.last_entry,
            )
        )
    return rows


def patient_diary(patient: Patient, since: dt.date, today: dt.date) -> Diary:
    """A patient's schedule, pauses and entries from `since` to `today`, with each entry's
    scores (and their symptoms) and side effects (5 queries)."""
    entries = (
        patient.entries.filter(entry_date__gte=since, entry_date__lte=today)
        .prefetch_related(
            Prefetch("scores", queryset=SymptomScore.objects.select_related("symptom")), "side_effects"
        )
    )
    return Diary(
        today=today,
        schedule=schedules_for([patient.pk]).get(patient.pk, []),
        pauses=pauses_for([patient.pk]).get(patient.pk, []),
        entries={entry.entry_date: entry for entry in entries},
    )
