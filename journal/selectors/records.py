"""Each patient's record as plain data — schedule, medication list, screening, safety state and
the whole journal — in a fixed number of queries, however many patients: the one read behind
the patient page, the summary, the chart, the roster and the consistency of them all."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import OuterRef, Subquery

from journal.advice import PatientNote, ReportedSideEffect
from journal.assessment import (
    SLEEP_QUALITY,
    Assessment,
    LoggedEntry,
    Measure,
    PatientRecord,
    SinceReview,
    assess,
    since_review,
)
from journal.charts import ChartRange, WeekRow, chart_ranges, patient_figure, weekly_rows
from journal.models import (
    AdviceDismissal,
    AuditEvent,
    DailyEntry,
    DoseStep,
    LdnPause,
    Medication,
    Patient,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
)
from journal.safety import MedicationPeriod, SafetyState, ScreeningAnswers, safety_state
from journal.schedule import (
    PausePeriod,
    PlannedStep,
    PlanRecord,
    Schedule,
)


def schedules_for(patient_ids: Iterable[int]) -> dict[int, Schedule]:
    """Each patient's schedule from their prescribed (non-draft) plans and pauses (2 queries);
    a patient with neither gets an empty schedule."""
    ids = list(patient_ids)
    steps = (
        DoseStep.objects.filter(plan__patient_id__in=ids)
        .exclude(plan__status=TitrationPlan.Status.DRAFT)
        .select_related("plan")
        .order_by("plan__created_at", "plan_id", "start_date")
    )
    plans: dict[int, dict[int, tuple[TitrationPlan, list[PlannedStep]]]] = defaultdict(dict)
    for step in steps:
        plan = step.plan
        _, planned = plans[plan.patient_id].setdefault(plan.pk, (plan, []))
        planned.append(PlannedStep(step.start_date, step.dose_mg, step.timing, step.note, step.pk))
    pauses: dict[int, list[PausePeriod]] = defaultdict(list)
    for pause in LdnPause.objects.filter(patient_id__in=ids):
        pauses[pause.patient_id].append(PausePeriod(pause.start_date, pause.end_date, pause.reason))
    return {
        pk: Schedule(
            [
                PlanRecord(plan.pk, tuple(planned), plan.form, plan.strength_mg, plan.ended_on)
                for plan, planned in plans[pk].values()
            ],
            pauses[pk],
        )
        for pk in ids
    }


def schedule_of(patient: Patient) -> Schedule:
    return schedules_for([patient.pk])[patient.pk]


def medication_periods_for(patients: Iterable[Patient]) -> dict[int, list[MedicationPeriod]]:
    """Each patient's medication list as periods taken, in list order (1 query). A medicine
    without a start date counts from the patient's local date it was listed on."""
    zones = {patient.pk: patient.zone for patient in patients}
    periods: dict[int, list[MedicationPeriod]] = {pk: [] for pk in zones}
    for med in Medication.objects.filter(patient_id__in=list(zones)):
        periods[med.patient_id].append(
            MedicationPeriod(
                med.name,
                med.dose_text,
                med.started_on,
                med.stopped_on,
                listed_on=med.created_at.astimezone(zones[med.patient_id]).date(),
            )
        )
    return periods


def screening_answers_for(patient_ids: Iterable[int]) -> dict[int, ScreeningAnswers]:
    """Each patient's latest screening's answers (1 query); patients without one are absent."""
    answers: dict[int, ScreeningAnswers] = {}
    screenings = Screening.objects.filter(patient_id__in=list(patient_ids)).order_by("-screened_at", "-pk")
    for screening in screenings:
        answers.setdefault(screening.patient_id, ScreeningAnswers.from_record(screening))
    return answers


def safety_of(patient: Patient, schedule: Schedule | None = None, day: dt.date | None = None) -> SafetyState:
    """One patient's safety state on `day` (their local today by default): 2 queries, and 2
    more without a schedule given."""
    return safety_state(
        answers=screening_answers_for([patient.pk]).get(patient.pk),
        medications=medication_periods_for([patient])[patient.pk],
        schedule=schedule if schedule is not None else schedule_of(patient),
        day=day or patient.local_today(),
    )


# --- one patient's journal as plain data (charts, response, advice, roster) -----------------


def patient_records(patients: Iterable[Patient], now: dt.datetime | None = None) -> dict[int, PatientRecord]:
    """Each patient's whole journal as plain data, as of their own local today (9 queries,
    however many patients and days): plans and pauses, tracked symptoms, entries with their
    scores and side effects, medications, the latest screening, dismissed advice."""
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    schedules, answers = schedules_for(ids), screening_answers_for(ids)
    tracked: dict[int, list[Symptom]] = defaultdict(list)
    links = Patient.tracked_symptoms.through.objects.filter(patient_id__in=ids).select_related("symptom")
    for link in sorted(links, key=lambda link: link.symptom.name):
        tracked[link.patient_id].append(link.symptom)
    # Plain rows, not model instances: the roster reads every journal of the clinic.
    entries: dict[int, list[_EntryRow]] = defaultdict(list)
    for row in (
        DailyEntry.objects.filter(patient_id__in=ids)
        .order_by("entry_date")
        .values_list(
            "pk",
            "patient_id",
            "entry_date",
            "dose_taken",
            "dose_mg",
            "timing_taken",
            "created_at",
            "updated_at",
            "sleep_quality",
            "notes",
        )
    ):
        entries[row[1]].append(_EntryRow(*row))
    scores: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for entry_id, symptom_id, score in SymptomScore.objects.filter(entry__patient_id__in=ids).values_list(
        "entry_id", "symptom_id", "score"
    ):
        scores[entry_id].append((symptom_id, score))
    reports: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for entry_id, kind, severity, text in SideEffectReport.objects.filter(
        entry__patient_id__in=ids
    ).values_list("entry_id", "kind", "severity", "other_text"):
        reports[entry_id].append((kind, severity, text))
    medications = medication_periods_for(patients)
    dismissed: dict[int, set[str]] = defaultdict(set)
    for patient_id, key in AdviceDismissal.objects.filter(patient_id__in=ids).values_list(
        "patient_id", "evidence_key"
    ):
        dismissed[patient_id].add(key)
    records = {}
    for patient in patients:
        today, logged, schedule = patient.local_today(now), entries[patient.pk], schedules[patient.pk]
        records[patient.pk] = PatientRecord(
            today=today,
            schedule=schedule,
            safety=safety_state(
                answers=answers.get(patient.pk),
                medications=medications[patient.pk],
                schedule=schedule,
                day=today,
            ),
            screened=patient.pk in answers,
            medications=tuple(medications[patient.pk]),
            measures=_measures(tracked[patient.pk], logged, scores),
            entries=tuple(
                LoggedEntry(
                    entry.entry_date,
                    entry.dose_taken,
                    entry.dose_mg,
                    entry.timing_taken,
                    entry.created_at,
                    entry.updated_at,
                )
                for entry in logged
            ),
            side_effects=tuple(
                ReportedSideEffect(entry.entry_date, *report)
                for entry in logged
                for report in reports[entry.pk]
            ),
            notes=tuple(PatientNote(entry.entry_date, entry.notes) for entry in logged if entry.notes),
            dismissed_keys=frozenset(dismissed[patient.pk]),
        )
    return records


class _EntryRow(NamedTuple):
    pk: int
    patient_id: int
    entry_date: dt.date
    dose_taken: bool
    dose_mg: Decimal | None
    timing_taken: str
    created_at: dt.datetime
    updated_at: dt.datetime
    sleep_quality: int | None
    notes: str


def _measures(
    symptoms: list[Symptom], entries: list[_EntryRow], scores: dict[int, list[tuple[int, int]]]
) -> tuple[Measure, ...]:
    """The tracked symptoms by name, then sleep quality once any entry records it."""
    series: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for entry in entries:
        for symptom_id, score in scores[entry.pk]:
            series[symptom_id].append((entry.entry_date, score))
    measures = [
        Measure(symptom.name, symptom.higher_is_better, tuple(series[symptom.pk])) for symptom in symptoms
    ]
    sleep = tuple(
        (entry.entry_date, entry.sleep_quality) for entry in entries if entry.sleep_quality is not None
    )
    if sleep:
        measures.append(Measure(SLEEP_QUALITY, True, sleep, tracked=False))
    return tuple(measures)


def advice_open_at_review(patient_ids: Iterable[int]) -> dict[int, frozenset[str]]:
    """The advice keys open at each patient's latest review (1 query)."""
    latest = AuditEvent.objects.filter(patient_id=OuterRef("patient_id"), kind=AuditEvent.Kind.REVIEWED)
    events = AuditEvent.objects.filter(
        patient_id__in=list(patient_ids),
        kind=AuditEvent.Kind.REVIEWED,
        pk=Subquery(latest.order_by("-at", "-pk").values("pk")[:1]),
    )
    return {
        event.patient_id: frozenset(event.details.get("open_advice", []))
        for event in events
        if event.patient_id is not None
    }


@dataclass(frozen=True)
class PatientOverview:
    """What the patient chart, the response table, the advice cards and the review show."""

    record: PatientRecord
    assessment: Assessment
    figure: dict[str, Any]
    ranges: list[ChartRange]
    weeks: list[WeekRow]
    since_review: SinceReview


def patient_overview(patient: Patient, now: dt.datetime | None = None) -> PatientOverview:
    """One patient's chart, responses, advice and what is new since the last review (9
    queries: `patient_records` and `advice_open_at_review`)."""
    record = patient_records([patient], now)[patient.pk]
    assessment = assess(record)
    new = since_review(
        record,
        assessment,
        patient.last_reviewed_at,
        advice_open_at_review([patient.pk]).get(patient.pk, frozenset()),
    )
    return PatientOverview(
        record, assessment, patient_figure(record), chart_ranges(record), weekly_rows(record), new
    )
