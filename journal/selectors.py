"""Reads that feed pages: each runs a fixed number of queries, however many rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from journal.advice import AdherenceCount, PatientNote, ReportedSideEffect, count_adherence
from journal.assessment import (
    SLEEP_QUALITY,
    Assessment,
    LoggedEntry,
    Measure,
    MeasureResponse,
    PatientRecord,
    SinceReview,
    assess,
    since_review,
)
from journal.charts import ChartRange, WeekRow, chart_ranges, patient_figure, weekly_rows
from journal.diary import Diary
from journal.entry_history import ENTRY_FIELDS, Change, Version, entry_changes
from journal.exports import (
    EntryRecord,
    ExportDay,
    SideEffectTally,
    dates,
    previous_visit,
    tally_side_effects,
)
from journal.findings import Finding, Level
from journal.models import (
    AdviceDismissal,
    AuditEvent,
    Clinic,
    Clinician,
    Condition,
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
from journal.response import ATTENTION_ORDER
from journal.safety import MedicationPeriod, SafetyState, ScreeningAnswers, safety_by_day, safety_state
from journal.schedule import (
    PHASES,
    DayPrescription,
    Dose,
    PausePeriod,
    PlannedStep,
    PlanRecord,
    Schedule,
    StepRow,
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
            [PlanRecord(plan.pk, tuple(planned), plan.form, plan.strength_mg, plan.ended_on)
             for plan, planned in plans[pk].values()],
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
        periods[med.patient_id].append(MedicationPeriod(
            med.name, med.dose_text, med.started_on, med.stopped_on,
            listed_on=med.created_at.astimezone(zones[med.patient_id]).date(),
        ))
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


@dataclass(frozen=True)
class RosterRow:
    patient: Patient
    record: PatientRecord
    assessment: Assessment
    last_entry: dt.date | None
    since_review: SinceReview | None = None

    @property
    def first_plan(self) -> tuple[str, str] | None:
        """Straight from the roster to what a patient without any plan needs next, as (view
        name, words): a safety screening first (it leads on to the editor), else the editor."""
        if self.record.schedule.doses:
            return None
        if self.record.screened:
            return ("plan_new", "Write a plan")
        return ("screening", "Screen, then write a plan")

    @property
    def today(self) -> dt.date:
        return self.record.today

    @property
    def current(self) -> Dose | None:
        return self.record.prescribed(self.today)

    @property
    def first_dose(self) -> dt.date | None:
        return self.record.first_dose

    @property
    def day_on_ldn(self) -> int | None:
        return self.record.day_on_ldn

    @property
    def phase(self) -> str:
        return self.record.schedule.phase(self.today)

    @property
    def adherence(self) -> AdherenceCount | None:
        count = self.assessment.adherence
        return count if count.prescribed else None

    @property
    def flags(self) -> tuple[Finding, ...]:
        return self.record.safety.findings if self.record.safety else ()

    @property
    def alerts(self) -> tuple[Finding, ...]:
        return self.record.safety.alerts if self.record.safety else ()

    @property
    def main(self) -> MeasureResponse | None:
        """The main symptom's response: see Assessment.main."""
        return self.assessment.main

    @property
    def open_advice(self) -> int:
        return len(self.assessment.open_cards)


def roster_rows(patients: QuerySet[Patient], now: dt.datetime | None = None) -> list[RosterRow]:
    """One row per patient: today's prescription, phase, last entry, adherence over the
    last 14 days, the safety state, the main symptom's response, open advice and what is
    new since the last review, each from the patient's one record and assessment
    (1 query here, plus `patient_records` and `advice_open_at_review`)."""
    patients = list(patients.annotate(last_entry=Max("entries__entry_date")))
    records = patient_records(patients, now)
    open_at_review = advice_open_at_review([patient.pk for patient in patients])
    rows = []
    for patient in patients:
        record = records[patient.pk]
        assessment = assess(record)
        rows.append(RosterRow(
            patient=patient,
            record=record,
            assessment=assessment,
            last_entry=patient.last_entry,
            since_review=since_review(record, assessment, patient.last_reviewed_at,
                                      open_at_review.get(patient.pk, frozenset())),
        ))
    return rows


def _flag_rank(row: RosterRow) -> tuple[int, int]:
    """Ascending: no flags, then notes, warnings and blocks; more flags later."""
    worst = min((flag.level.order for flag in row.flags), default=len(Level))
    return (-worst, len(row.flags))


def _response_rank(row: RosterRow) -> int:
    """Worse first (`ResponseClass.rank`); no tracked symptom last."""
    return row.main.response.response_class.rank if row.main else len(ATTENTION_ORDER)


def _new_since_review(row: RosterRow) -> tuple[int, int, int]:
    new = row.since_review
    return (new.advice, new.side_effects, new.entries) if new else (0, 0, 0)


def _attention(row: RosterRow) -> tuple[int, int, int]:
    """Needs attention first: the most open advice, then the main symptom's response
    (worse first), then the most advice raised since the last review."""
    return (-row.open_advice, _response_rank(row), -_new_since_review(row)[0])


# Sort keys for the roster, each ascending; rows without a value sort first (except where
# a key says otherwise). "attention" is no column of its own: it orders by three columns.
ROSTER_SORTS = {
    "name": lambda row: row.patient.name.lower(),
    "dose": lambda row: row.current.dose_mg if row.current else Decimal(-1),
    "day": lambda row: row.day_on_ldn or 0,
    "phase": lambda row: PHASES.index(row.phase),
    "last_entry": lambda row: row.last_entry or dt.date.min,
    "adherence": lambda row: row.adherence.rate if row.adherence and row.adherence.rate is not None else -1.0,
    "flags": _flag_rank,
    "response": _response_rank,
    "advice": lambda row: row.open_advice,
    "new": _new_since_review,
    "attention": _attention,
}


def sorted_roster(rows: Iterable[RosterRow], *, sort: str = "name", descending: bool = False,
                  phase_is: str = "", flagged: bool = False) -> list[RosterRow]:
    """Rows filtered by phase and by having any safety flag, then sorted (name breaks ties)."""
    kept = [row for row in rows if (not phase_is or row.phase == phase_is) and (not flagged or row.flags)]
    kept.sort(key=ROSTER_SORTS["name"])
    return sorted(kept, key=ROSTER_SORTS.get(sort, ROSTER_SORTS["name"]), reverse=descending)


def _with_details(entries: QuerySet[DailyEntry]) -> QuerySet[DailyEntry]:
    """Entries with their scores (symptoms by name) and side effects (3 queries)."""
    scores = SymptomScore.objects.select_related("symptom").order_by("symptom__name")
    return entries.prefetch_related(Prefetch("scores", queryset=scores), "side_effects")


def patient_diary(patient: Patient, since: dt.date, today: dt.date) -> Diary:
    """A patient's schedule, pauses and entries from `since` to `today`, with each entry's
    scores (and their symptoms) and side effects (5 queries)."""
    entries = _with_details(patient.entries.filter(entry_date__gte=since, entry_date__lte=today))
    return Diary(
        today=today,
        schedule=schedule_of(patient),
        entries={entry.entry_date: entry for entry in entries},
    )


# --- exports ------------------------------------------------------------------------------

EXPORT_BATCH_PATIENTS = 50
EXPORT_BATCH_ROWS = 10_000


def export_symptoms(patient_ids: Iterable[int]) -> list[Symptom]:
    """Symptoms these patients track or have scored, by name (1 query): an export keeps the
    scores of a symptom that is no longer tracked."""
    ids = list(patient_ids)
    scored = SymptomScore.objects.filter(entry__patient_id__in=ids).values("symptom_id")
    return list(
        Symptom.objects.filter(Q(patients__in=ids) | Q(pk__in=scored)).distinct().order_by("name", "pk")
    )


def export_days(patients: QuerySet[Patient], first: dt.date, last: dt.date) -> Iterator[ExportDay]:
    """One row per patient per date from `first` to `last`, patients in code order.

    A generator: 1 query for the patient ids, then 8 per batch of patients. A batch holds at
    most 50 patients and, for long ranges, fewer (about 10,000 rows), so memory stays flat
    however large the clinic."""
    ids = list(patients.order_by("code", "pk").values_list("pk", flat=True))
    days = dates(first, last)
    size = max(1, min(EXPORT_BATCH_PATIENTS, EXPORT_BATCH_ROWS // len(days)))
    for start in range(0, len(ids), size):
        yield from _export_batch(ids[start : start + size], days)


def _export_batch(ids: list[int], days: list[dt.date]) -> Iterator[ExportDay]:
    first, last = days[0], days[-1]
    patients = Patient.objects.only("pk", "code", "time_zone").in_bulk(ids)
    schedules, answers = schedules_for(ids), screening_answers_for(ids)
    medications = medication_periods_for(patients.values())
    entries = _entry_records(ids, first, last)
    for pk in ids:
        schedule, label = schedules[pk], patients[pk].export_label
        taken = [med for med in medications[pk] if med.taken_within(first, last)]
        safety = safety_by_day(answers=answers.get(pk), medications=medications[pk], schedule=schedule,
                               days=days)
        for day, state in safety:
            yield ExportDay(
                patient_label=label,
                day=day,
                first_dose=schedule.first_dose,
                prescribed=schedule.prescribed(day),
                entry=entries.get((pk, day)),
                medications=taken,
                safety=state,
            )


def _entry_records(ids: list[int], first: dt.date, last: dt.date) -> dict[tuple[int, dt.date], EntryRecord]:
    """The entries of these patients in the range as plain records (3 queries)."""
    in_range = {"entry__patient_id__in": ids, "entry__entry_date__gte": first, "entry__entry_date__lte": last}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for entry_id, symptom_id, score in SymptomScore.objects.filter(**in_range).values_list(
        "entry_id", "symptom_id", "score"
    ):
        scores[entry_id][symptom_id] = score
    side_effects: dict[int, dict[str, str]] = defaultdict(dict)
    other_text: dict[int, str] = {}
    for entry_id, kind, severity, text in SideEffectReport.objects.filter(**in_range).values_list(
        "entry_id", "kind", "severity", "other_text"
    ):
        side_effects[entry_id][kind] = severity
        if text:
            other_text[entry_id] = text
    rows = DailyEntry.objects.filter(patient_id__in=ids, entry_date__gte=first, entry_date__lte=last)
    return {
        (entry.patient_id, entry.entry_date): EntryRecord(
            dose_taken=entry.dose_taken,
            dose_mg=entry.dose_mg,
            timing_taken=entry.timing_taken,
            time_taken=entry.time_taken,
            sleep_quality=entry.sleep_quality,
            notes=entry.notes,
            edit_count=entry.edit_count,
            side_effects=side_effects[entry.pk],
            other_side_effect=other_text.get(entry.pk, ""),
            scores=scores[entry.pk],
        )
        for entry in rows
    }


def previous_export_on(events: QuerySet[AuditEvent], zone: dt.tzinfo, today: dt.date) -> dt.date | None:
    """The local date of the latest export among `events` made before `today` (1 query).
    Exports made earlier today do not count, so the default range stays put all day."""
    start_of_today = dt.datetime.combine(today, dt.time.min, tzinfo=zone)
    event = events.filter(kind=AuditEvent.Kind.EXPORT, at__lt=start_of_today).order_by("at", "pk").last()
    return event.at.astimezone(zone).date() if event else None


@dataclass(frozen=True)
class SummaryPlan:
    plan: TitrationPlan
    steps: list[StepRow]


@dataclass(frozen=True)
class AppointmentSummary:
    """What the printable appointment summary shows: the clinician page's overview (chart,
    responses, 14-day adherence, safety) and the rest of the visit, as of the patient's
    local today."""

    overview: PatientOverview
    conditions: list[Condition]
    plans: list[SummaryPlan]
    screening: Screening | None
    medications: list[MedicationPeriod]
    since: dt.date
    since_what: str
    adherence_since: AdherenceCount
    side_effects: list[SideEffectTally]

    @property
    def today(self) -> dt.date:
        return self.overview.record.today

    @property
    def current(self) -> Dose | None:
        return self.overview.record.prescribed(self.today)

    @property
    def today_prescription(self) -> DayPrescription:
        return self.overview.record.schedule.on(self.today)

    @property
    def pauses(self) -> tuple[PausePeriod, ...]:
        return self.overview.record.schedule.pauses

    @property
    def safety(self) -> SafetyState | None:
        return self.overview.record.safety


def appointment_summary(patient: Patient, now: dt.datetime | None = None) -> AppointmentSummary:
    """The appointment summary of one patient (`patient_overview` and 6 more queries).
    "Since the previous visit" runs from the later of the last review and the previous
    clinician export, else the last 30 days (`journal.exports.previous_visit`)."""
    overview = patient_overview(patient, now)
    record = overview.record
    today = record.today
    reviewed = patient.last_reviewed_at.astimezone(patient.zone).date() if patient.last_reviewed_at else None
    exported = previous_export_on(patient.audit_events.filter(details__by="clinician"), patient.zone, today)
    since, since_what = previous_visit(today, reviewed, exported)
    logged = [(entry.day, entry.dose_taken) for entry in record.entries]
    plans = patient.plans.exclude(status=TitrationPlan.Status.DRAFT).select_related("prescriber__user")
    return AppointmentSummary(
        overview=overview,
        conditions=list(patient.conditions.all()),
        plans=[SummaryPlan(plan, record.schedule.step_rows(today, plan.pk)) for plan in plans],
        screening=patient.screenings.select_related("screened_by__user").first(),
        medications=[med for med in record.medications if med.taken_within(since, today)],
        since=since,
        since_what=since_what,
        adherence_since=count_adherence(logged, record.schedule.prescribed_days(since, today), today,
                                        days=(today - since).days + 1),
        side_effects=tally_side_effects(record.side_effects, since, today),
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
    for row in DailyEntry.objects.filter(patient_id__in=ids).order_by("entry_date").values_list(
        "pk", "patient_id", "entry_date", "dose_taken", "dose_mg", "timing_taken", "created_at",
        "updated_at", "sleep_quality", "notes",
    ):
        entries[row[1]].append(_EntryRow(*row))
    scores: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for entry_id, symptom_id, score in SymptomScore.objects.filter(entry__patient_id__in=ids).values_list(
        "entry_id", "symptom_id", "score"
    ):
        scores[entry_id].append((symptom_id, score))
    reports: dict[int, list[tuple[str, str, str]]] = defaultdict(list)
    for entry_id, *report in SideEffectReport.objects.filter(entry__patient_id__in=ids).values_list(
        "entry_id", "kind", "severity", "other_text"
    ):
        reports[entry_id].append(tuple(report))
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
            safety=safety_state(answers=answers.get(patient.pk), medications=medications[patient.pk],
                                schedule=schedule, day=today),
            screened=patient.pk in answers,
            medications=tuple(medications[patient.pk]),
            measures=_measures(tracked[patient.pk], logged, scores),
            entries=tuple(
                LoggedEntry(entry.entry_date, entry.dose_taken, entry.dose_mg, entry.timing_taken,
                            entry.created_at, entry.updated_at)
                for entry in logged
            ),
            side_effects=tuple(
                ReportedSideEffect(entry.entry_date, *report)
                for entry in logged for report in reports[entry.pk]
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
    measures = [Measure(symptom.name, symptom.higher_is_better, tuple(series[symptom.pk]))
                for symptom in symptoms]
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
    return {event.patient_id: frozenset(event.details.get("open_advice", [])) for event in events}


@dataclass(frozen=True)
class PatientOverview:
    """What the patient chart, the response table, the advice cards and the review show."""

    record: PatientRecord
    assessment: Assessment
    figure: dict
    ranges: list[ChartRange]
    weeks: list[WeekRow]
    since_review: SinceReview


def patient_overview(patient: Patient, now: dt.datetime | None = None) -> PatientOverview:
    """One patient's chart, responses, advice and what is new since the last review (9
    queries: `patient_records` and `advice_open_at_review`)."""
    record = patient_records([patient], now)[patient.pk]
    assessment = assess(record)
    new = since_review(record, assessment, patient.last_reviewed_at,
                       advice_open_at_review([patient.pk]).get(patient.pk, frozenset()))
    return PatientOverview(record, assessment, patient_figure(record), chart_ranges(record),
                           weekly_rows(record), new)


# --- the clinician's view of recent entries, with what was edited --------------------------

RECENT_ENTRY_DAYS = 14


@dataclass(frozen=True)
class RecentEntry:
    entry: DailyEntry
    scores: list[int | None]  # in the order of the symptoms asked for
    changes: list[Change]


def recent_entries(
    patient: Patient, today: dt.date, symptoms: list[Symptom], days: int = RECENT_ENTRY_DAYS
) -> list[RecentEntry]:
    """The patient's entries of the last `days` days, newest first, with the scores of
    `symptoms`, each edited one with the changes made since it was first saved (at most 6
    queries)."""
    entries = list(_with_details(
        patient.entries.filter(entry_date__gt=today - dt.timedelta(days=days), entry_date__lte=today)
        .order_by("-entry_date")
    ))
    edited = [entry for entry in entries if entry.was_edited]
    versions: dict[int, list[Version]] = defaultdict(list)
    if edited:
        ids = [entry.pk for entry in edited]
        for row in DailyEntry.history.filter(id__in=ids).values("id", "history_date", *ENTRY_FIELDS):
            versions[row["id"]].append(Version(row["history_date"], "entry", row))
        score_rows = list(SymptomScore.history.filter(entry_id__in=ids).values(
            "entry_id", "symptom_id", "score", "history_date", "history_type"
        ))
        names = dict(Symptom.objects.filter(pk__in={row["symptom_id"] for row in score_rows})
                     .values_list("pk", "name"))
        for row in score_rows:
            versions[row["entry_id"]].append(Version(
                row["history_date"], names[row["symptom_id"]], row, removed=row["history_type"] == "-",
            ))
    return [
        RecentEntry(
            entry,
            [next((s.score for s in entry.scores.all() if s.symptom_id == symptom.pk), None)
             for symptom in symptoms],
            entry_changes(versions[entry.pk], entry.created_at) if entry.was_edited else [],
        )
        for entry in entries
    ]


# --- clinic administration ------------------------------------------------------------------


def clinic_clinicians(clinic: Clinic) -> QuerySet[Clinician]:
    """The clinic's clinicians with their logins and `patient_count`, the patients assigned to each."""
    return clinic.clinicians.select_related("user").annotate(patient_count=Count("patients"))


def clinic_care_teams(clinic: Clinic) -> QuerySet[Patient]:
    """The clinic's patients, each with the clinicians assigned to them."""
    return clinic.patients.prefetch_related(
        Prefetch("clinicians", queryset=Clinician.objects.select_related("user"))
    )
