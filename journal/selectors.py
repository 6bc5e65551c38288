"""Reads that feed pages: each runs a fixed number of queries, however many rows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery

from journal.advice import ADHERENCE_DAYS, AdherenceCount, PatientNote, ReportedSideEffect, count_adherence
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
    MedicationPeriod,
    SideEffectTally,
    dates,
    previous_visit,
    tally_side_effects,
)
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
from journal.safety import (
    LEVEL_ORDER,
    OPIOID_REASON,
    Finding,
    ScreeningAnswers,
    judge_screening,
    prefill_screening,
)
from journal.titration import PHASES, PausePeriod, ScheduledStep, first_dose_date, phase, prescribed_on


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
    phase: str = "baseline"
    adherence: AdherenceCount | None = None
    flags: tuple[Finding, ...] = ()
    main: MeasureResponse | None = None  # the main symptom's response: see Assessment.main
    open_advice: int = 0
    since_review: SinceReview | None = None
    # For a patient with no plan yet: the next step towards one, as (view name, words).
    first_plan: tuple[str, str] | None = None

    @property
    def day_on_ldn(self) -> int | None:
        if self.first_dose is None or self.today < self.first_dose:
            return None
        return (self.today - self.first_dose).days + 1


def safety_flags(screening: Screening | None, medications: Iterable[Medication], first_dose: dt.date | None,
                 today: dt.date) -> tuple[Finding, ...]:
    """What a clinician must keep in mind: an opioid on the medication list now (or stopped
    within 14 days), the latest screening's blocks and warnings judged against the first
    dose, its thyroid note, and a plan with no screening on record. Most severe first."""
    flags: list[Finding] = []
    listed = prefill_screening(medications, today)
    if listed.opioid_use_last_14_days:
        still_taken = listed.opioid_stopped_on is None
        flags.append(Finding("block" if still_taken else "warn", "opioid_on_list",
                             f"Opioid on the medication list: {listed.opioid_names}"
                             + ("" if still_taken else f" (stopped {listed.opioid_stopped_on.isoformat()})"),
                             OPIOID_REASON))
    if screening is not None:
        judged = judge_screening(ScreeningAnswers.from_record(screening), first_dose or today)
        flags += [f for f in judged if f.level != "note" and f.code != "thyroid_medication"]
        # The thyroid answer's warning and standing note become one short roster flag.
        flags += [replace(f, message="Thyroid medicine: watch for hyperthyroid signs.") for f in judged
                  if f.code == "thyroid_watch"]
    elif first_dose is not None:
        flags.append(Finding("warn", "no_screening", "No safety screening on record.",
                             "A safety screening is recorded before a patient's first plan becomes "
                             "active [003, 004]."))
    return tuple(sorted(flags, key=lambda flag: LEVEL_ORDER[flag.level]))


def roster_rows(patients: QuerySet[Patient], now: dt.datetime | None = None) -> list[RosterRow]:
    """One row per patient: today's prescription, phase, last entry, adherence over the
    last 14 days, open safety flags, the main symptom's response, open advice and what is
    new since the last review (15 queries, however many patients: 6 here, 9 for the
    journals in `patient_records` and `advice_open_at_review`)."""
    patients = list(patients.annotate(last_entry=Max("entries__entry_date")))
    ids = [patient.pk for patient in patients]
    schedules, pauses = schedules_for(ids), pauses_for(ids)
    todays = {patient.pk: patient.local_today(now) for patient in patients}
    since = min(todays.values(), default=dt.date.today()) - dt.timedelta(days=ADHERENCE_DAYS)
    logged: dict[int, list[tuple[dt.date, bool]]] = defaultdict(list)
    recent = DailyEntry.objects.filter(patient_id__in=ids, entry_date__gte=since)
    for patient_id, day, taken in recent.values_list("patient_id", "entry_date", "dose_taken"):
        logged[patient_id].append((day, taken))
    screenings: dict[int, Screening] = {}
    for screening in Screening.objects.filter(patient_id__in=ids).order_by("-screened_at", "-pk"):
        screenings.setdefault(screening.patient_id, screening)
    medications: dict[int, list[Medication]] = defaultdict(list)
    for medication in Medication.objects.filter(patient_id__in=ids):
        medications[medication.patient_id].append(medication)
    records, open_at_review = patient_records(patients, now), advice_open_at_review(ids)
    rows = []
    for patient in patients:
        today = todays[patient.pk]
        assessment = assess(records[patient.pk])
        schedule, patient_pauses = schedules.get(patient.pk, []), pauses.get(patient.pk, [])
        first_dose = first_dose_date(schedule)
        window = [today - dt.timedelta(days=n) for n in range(ADHERENCE_DAYS)]
        prescribed = {day for day in window if prescribed_on(schedule, day, patient_pauses)}
        rows.append(
            RosterRow(
                patient=patient,
                today=today,
                current=prescribed_on(schedule, today, patient_pauses),
                first_dose=first_dose,
                last_entry=patient.last_entry,
                phase=phase(schedule, today, patient_pauses),
                adherence=count_adherence(logged[patient.pk], prescribed, today) if prescribed else None,
                flags=safety_flags(screenings.get(patient.pk), medications[patient.pk], first_dose, today),
                main=assessment.main,
                open_advice=len(assessment.open_cards),
                since_review=since_review(records[patient.pk], assessment, patient.last_reviewed_at,
                                          open_at_review.get(patient.pk, frozenset())),
                first_plan=_first_plan(schedule, screenings.get(patient.pk)),
            )
        )
    return rows


def _first_plan(schedule: list[ScheduledStep], screening: Screening | None) -> tuple[str, str] | None:
    """Straight from the roster to what a patient without any plan needs next: a safety
    screening first (it leads on to the editor), else the plan editor."""
    if schedule:
        return None
    return ("plan_new", "Write a plan") if screening else ("screening", "Screen, then write a plan")


def _flag_rank(row: RosterRow) -> tuple[int, int]:
    worst = min((LEVEL_ORDER[flag.level] for flag in row.flags), default=len(LEVEL_ORDER))
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
        schedule=schedules_for([patient.pk]).get(patient.pk, []),
        pauses=pauses_for([patient.pk]).get(patient.pk, []),
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

    A generator: 1 query for the patient ids, then 7 per batch of patients. A batch holds at
    most 50 patients and, for long ranges, fewer (about 10,000 rows), so memory stays flat
    however large the clinic."""
    ids = list(patients.order_by("code", "pk").values_list("pk", flat=True))
    days = dates(first, last)
    size = max(1, min(EXPORT_BATCH_PATIENTS, EXPORT_BATCH_ROWS // len(days)))
    for start in range(0, len(ids), size):
        yield from _export_batch(ids[start : start + size], days)


def _export_batch(ids: list[int], days: list[dt.date]) -> Iterator[ExportDay]:
    first, last = days[0], days[-1]
    patients = Patient.objects.only("pk", "code").in_bulk(ids)
    schedules, pauses = schedules_for(ids), pauses_for(ids)
    entries = _entry_records(ids, first, last)
    medications: dict[int, list[MedicationPeriod]] = defaultdict(list)
    in_range = Medication.objects.filter(patient_id__in=ids).exclude(stopped_on__lt=first)
    for med in in_range.exclude(started_on__gt=last):
        period = MedicationPeriod(med.name, med.dose_text, med.started_on, med.stopped_on)
        medications[med.patient_id].append(period)
    for pk in ids:
        schedule, patient_pauses = schedules.get(pk, []), pauses.get(pk, [])
        label, first_dose = patients[pk].export_label, first_dose_date(schedule)
        for day in days:
            yield ExportDay(
                patient_label=label,
                day=day,
                first_dose=first_dose,
                prescribed=prescribed_on(schedule, day, patient_pauses),
                entry=entries.get((pk, day)),
                medications=medications[pk],
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
class AppointmentSummary:
    """What the printable appointment summary shows: the clinician page's overview (chart,
    responses, 14-day adherence) and the rest of the visit, as of the patient's local today."""

    overview: PatientOverview
    conditions: list[Condition]
    plans: list[TitrationPlan]
    pauses: list[LdnPause]
    screening: Screening | None
    findings: list[Finding]
    medications: list[Medication]
    since: dt.date
    since_what: str
    adherence_since: AdherenceCount
    side_effects: list[SideEffectTally]

    @property
    def today(self) -> dt.date:
        return self.overview.record.today

    @property
    def current(self) -> ScheduledStep | None:
        return self.overview.record.prescribed(self.today)


def appointment_summary(patient: Patient, now: dt.datetime | None = None) -> AppointmentSummary:
    """The appointment summary of one patient (16 queries: `patient_overview` and 7 more).
    "Since the previous visit" runs from the later of the last review and the previous
    clinician export, else the last 30 days (`journal.exports.previous_visit`)."""
    overview = patient_overview(patient, now)
    record = overview.record
    today = record.today
    reviewed = patient.last_reviewed_at.astimezone(patient.zone).date() if patient.last_reviewed_at else None
    exported = previous_export_on(patient.audit_events.filter(details__by="clinician"), patient.zone, today)
    since, since_what = previous_visit(today, reviewed, exported)
    logged = [(entry.day, entry.dose_taken) for entry in record.entries]
    screening = patient.screenings.select_related("screened_by__user").first()
    return AppointmentSummary(
        overview=overview,
        conditions=list(patient.conditions.all()),
        plans=list(patient.plans.exclude(status=TitrationPlan.Status.DRAFT)
                   .select_related("prescriber__user").prefetch_related("steps")),
        pauses=list(patient.pauses.all()),
        screening=screening,
        findings=[] if screening is None else judge_screening(
            ScreeningAnswers.from_record(screening), record.first_dose or today
        ),
        medications=[medication for medication in patient.medications.all()
                     if medication.stopped_on is None or medication.stopped_on >= since],
        since=since,
        since_what=since_what,
        adherence_since=count_adherence(logged, record.prescribed_days(since, today), today,
                                        days=(today - since).days + 1),
        side_effects=tally_side_effects(record.side_effects, since, today),
    )


# --- one patient's journal as plain data (charts, response, advice, roster) -----------------


def patient_records(patients: Iterable[Patient], now: dt.datetime | None = None) -> dict[int, PatientRecord]:
    """Each patient's whole journal as plain data, as of their own local today (8 queries,
    however many patients and days): steps, pauses, tracked symptoms, entries with their
    scores and side effects, medications, dismissed advice."""
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    schedules, pauses = schedules_for(ids), pauses_for(ids)
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
    medications: dict[int, list[Medication]] = defaultdict(list)
    for medication in Medication.objects.filter(patient_id__in=ids):
        medications[medication.patient_id].append(medication)
    dismissed: dict[int, set[str]] = defaultdict(set)
    for patient_id, key in AdviceDismissal.objects.filter(patient_id__in=ids).values_list(
        "patient_id", "evidence_key"
    ):
        dismissed[patient_id].add(key)
    records = {}
    for patient in patients:
        today, logged = patient.local_today(now), entries[patient.pk]
        records[patient.pk] = PatientRecord(
            today=today,
            schedule=tuple(schedules.get(patient.pk, [])),
            pauses=tuple(pauses.get(patient.pk, [])),
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
            on_thyroid_medication=prefill_screening(medications[patient.pk], today).thyroid_medication,
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
