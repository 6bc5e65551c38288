"""Each patient's record as plain data — schedule, medication list, screening, safety state and
the whole journal — in a fixed number of queries, however many patients: the one read behind
the patient page, the summary, the chart, the roster and the consistency of them all."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any, NamedTuple, cast

from django.db.models import DateField, OuterRef, QuerySet, Subquery, Value
from django.utils.translation import gettext

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
from journal.bounds import RecordProblem, record_problems, record_window
from journal.catalogue import symptom_words
from journal.charts import ChartRange, WeekRow, chart_ranges, patient_figure, weekly_rows
from journal.compounding import IMMEDIATE, SLOW
from journal.labs import LabValue
from journal.models import (
    AdviceDismissal,
    AuditEvent,
    Condition,
    ConditionPeriod,
    DailyEntry,
    DoseStep,
    LabResult,
    LdnPause,
    Medication,
    Patient,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    SymptomTracking,
    TitrationPlan,
)
from journal.response import BASELINE_DAYS
from journal.safety import (
    ANSWER_FIELDS,
    MedicationPeriod,
    SafetyState,
    ScreeningAnswers,
    safety_state,
)
from journal.schedule import (
    DAY,
    PausePeriod,
    PlannedStep,
    PlanRecord,
    Schedule,
    Supply,
)
from journal.selectors.compiled import Call, CompiledRead, read_together
from journal.selectors.labs import LAB_VALUE_FIELDS
from journal.selectors.questionnaires import scored_answers
from journal.step_effects import StepReport, step_reports
from journal.vocabulary import side_effect_label


@dataclass(frozen=True)
class _Prescriptions:
    """Each patient's prescribed (non-draft) plans as rows, oldest first, and their plans and
    pauses as plain data, with the dates as stored."""

    rows: dict[int, list[TitrationPlan]]
    plans: dict[int, list[PlanRecord]]
    pauses: dict[int, list[PausePeriod]]

    def schedule(self, patient_id: int) -> Schedule:
        return Schedule(self.plans[patient_id], self.pauses[patient_id])


# A prescribed step with its plan's facts, as `_prescriptions` reads it.
_STEP_FIELDS = (
    "plan__patient_id",
    "plan_id",
    "plan__form",
    "plan__strength_mg",
    "plan__ended_on",
    "plan__immediate_release",
    "plan__filler",
    "plan__supply_quantity",
    "plan__dispensed_on",
    "plan__pharmacy",
    "start_date",
    "dose_mg",
    "timing",
    "note",
    "pk",
    "frequency",
)
_PAUSE_FIELDS = ("patient_id", "start_date", "end_date", "reason", "pk", "created_at", "late_reason")


def _prescribed_steps(patient_ids: list[int]) -> QuerySet[DoseStep]:
    return (
        DoseStep.objects.filter(plan__patient_id__in=patient_ids)
        .exclude(plan__status=TitrationPlan.Status.DRAFT)
        .order_by("plan__created_at", "plan_id", "start_date")
    )


def _pauses(patient_ids: list[int]) -> QuerySet[LdnPause, tuple[Any, ...]]:
    return LdnPause.objects.filter(patient_id__in=patient_ids).values_list(
        *_PAUSE_FIELDS, "patient__time_zone"
    )


# One patient's (every page of a patient's own reads it).
_STEPS_OF_ONE = CompiledRead(
    lambda patient: _prescribed_steps([patient]).values_list(*_STEP_FIELDS), patient=int
)
_PAUSES_OF_ONE = CompiledRead(lambda patient: _pauses([patient]), patient=int)


def _prescriptions(patient_ids: Iterable[int], *, prescribers: bool = False) -> _Prescriptions:
    """Plans, steps and pauses of these patients (2 queries), as plain values; with
    `prescribers`, also each plan's row with who prescribed it (the clinician's pages name them;
    `rows` is empty otherwise)."""
    ids = list(patient_ids)
    rows: dict[int, dict[int, TitrationPlan]] = defaultdict(dict)
    step_values: list[tuple[Any, ...]]
    pause_rows: Iterable[tuple[Any, ...]]
    one_patient = len(ids) == 1 and not prescribers
    if one_patient:  # the steps and pauses in one round trip
        step_values, pause_rows = read_together(*_schedule_calls(ids[0]))
    else:
        pause_rows = _pauses(ids)
    if prescribers:
        step_values = []
        for step in _prescribed_steps(ids).select_related("plan__prescriber__user"):
            rows[step.plan.patient_id].setdefault(step.plan_id, step.plan)
            step_values.append(
                (
                    step.plan.patient_id,
                    step.plan_id,
                    step.plan.form,
                    step.plan.strength_mg,
                    step.plan.ended_on,
                    step.plan.immediate_release,
                    step.plan.filler,
                    step.plan.supply_quantity,
                    step.plan.dispensed_on,
                    step.plan.pharmacy,
                )
                + (step.start_date, step.dose_mg, step.timing, step.note, step.pk, step.frequency)
            )
    elif not one_patient:
        step_values = list(_prescribed_steps(ids).values_list(*_STEP_FIELDS))
    return _prescriptions_from(ids, step_values, pause_rows, rows)


def _prescriptions_from(
    ids: list[int],
    step_values: Iterable[tuple[Any, ...]],
    pause_rows: Iterable[tuple[Any, ...]],
    rows: dict[int, dict[int, TitrationPlan]],
) -> _Prescriptions:
    plans: dict[int, dict[int, tuple[tuple[Any, ...], list[PlannedStep]]]] = defaultdict(dict)
    for (
        patient_id,
        plan_id,
        form,
        strength,
        ended_on,
        immediate,
        filler,
        quantity,
        dispensed,
        pharmacy,
        *step_facts,
    ) in step_values:
        supply = (
            Supply(dispensed, quantity, pharmacy) if quantity is not None and dispensed is not None else None
        )
        about = (form, strength, ended_on, IMMEDIATE if immediate else SLOW, filler, supply)
        _, planned = plans[patient_id].setdefault(plan_id, (about, []))
        planned.append(PlannedStep(*step_facts))
    pauses: dict[int, list[PausePeriod]] = defaultdict(list)
    for patient_id, start, end, reason, pk, created_at, late_reason, zone in pause_rows:
        recorded_on = created_at.astimezone(zoneinfo.ZoneInfo(zone)).date()
        pauses[patient_id].append(PausePeriod(start, end, reason, pk, recorded_on, late_reason))
    return _Prescriptions(
        rows={pk: list(rows[pk].values()) for pk in ids},
        plans={
            pk: [
                PlanRecord(plan_id, tuple(planned), *about) for plan_id, (about, planned) in plans[pk].items()
            ]
            for pk in ids
        },
        pauses={pk: pauses[pk] for pk in ids},
    )


def schedules_for(patient_ids: Iterable[int]) -> dict[int, Schedule]:
    """Each patient's schedule (2 queries); a patient with no plan and no pause gets an empty one."""
    ids = list(patient_ids)
    prescriptions = _prescriptions(ids)
    return {pk: prescriptions.schedule(pk) for pk in ids}


def schedule_of(patient: Patient) -> Schedule:
    return schedules_for([patient.pk])[patient.pk]


def schedule_reads(patient: Patient) -> list[Call]:
    """The 2 reads of one patient's schedule, to send with others (`read_together`); their rows
    make the schedule (`schedule_from`)."""
    return _schedule_calls(patient.pk)


def _schedule_calls(patient_id: int) -> list[Call]:
    return [_STEPS_OF_ONE.call(patient=patient_id), _PAUSES_OF_ONE.call(patient=patient_id)]


def schedule_from(patient: Patient, steps: list[tuple[Any, ...]], pauses: list[tuple[Any, ...]]) -> Schedule:
    return _prescriptions_from([patient.pk], steps, pauses, defaultdict(dict)).schedule(patient.pk)


def schedule_with_problems(patient: Patient, today: dt.date) -> tuple[Schedule, tuple[RecordProblem, ...]]:
    """The patient's schedule, and their stored steps, plan ends and pauses dated outside
    the patient's window on `today` (2 queries)."""
    prescriptions = _prescriptions([patient.pk])
    problems = record_problems(
        plans=prescriptions.plans[patient.pk],
        pauses=prescriptions.pauses[patient.pk],
        entry_days=(),
        window=record_window(patient.opened_on, today),
    )
    return prescriptions.schedule(patient.pk), problems


def period_of(medication: Medication, zone: dt.tzinfo) -> MedicationPeriod:
    """A medicine on the list as the period it is taken: without a start date, from the
    patient's local date it was listed on."""
    return _period(
        medication.name,
        medication.dose_text,
        medication.started_on,
        medication.stopped_on,
        medication.created_at,
        zone,
    )


def _period(
    name: str,
    dose_text: str,
    started_on: dt.date | None,
    stopped_on: dt.date | None,
    created_at: dt.datetime,
    zone: dt.tzinfo,
) -> MedicationPeriod:
    return MedicationPeriod(
        name, dose_text, started_on, stopped_on, listed_on=created_at.astimezone(zone).date()
    )


def _medications_for(patients: Iterable[Patient]) -> dict[int, list[Medication]]:
    rows: dict[int, list[Medication]] = {patient.pk: [] for patient in patients}
    for medication in Medication.objects.filter(patient_id__in=list(rows)):
        rows[medication.patient_id].append(medication)
    return rows


def _medication_rows(patient_ids: list[int]) -> QuerySet[Medication, tuple[Any, ...]]:
    """The list in its order, as (patient id, name, dose, started, stopped, listed at)."""
    return Medication.objects.filter(patient_id__in=patient_ids).values_list(
        "patient_id", "name", "dose_text", "started_on", "stopped_on", "created_at"
    )


_MEDICATIONS_OF_ONE = CompiledRead(lambda patient: _medication_rows([patient]), patient=int)


def medication_periods_for(patients: Iterable[Patient]) -> dict[int, list[MedicationPeriod]]:
    """Each patient's medication list as periods taken, in list order (1 query)."""
    zones = {patient.pk: patient.zone for patient in patients}
    ids = list(zones)
    rows = _MEDICATIONS_OF_ONE.rows(patient=ids[0]) if len(ids) == 1 else _medication_rows(ids)
    return _periods_from(rows, zones)


def _periods_from(
    rows: Iterable[tuple[Any, ...]], zones: Mapping[int, dt.tzinfo]
) -> dict[int, list[MedicationPeriod]]:
    periods: dict[int, list[MedicationPeriod]] = {pk: [] for pk in zones}
    for patient_id, name, dose_text, started_on, stopped_on, created_at in rows:
        periods[patient_id].append(
            _period(name, dose_text, started_on, stopped_on, created_at, zones[patient_id])
        )
    return periods


def _latest_screenings(patient_ids: Iterable[int]) -> dict[int, Screening]:
    """Each patient's latest screening, with who screened (1 query)."""
    latest: dict[int, Screening] = {}
    screenings = (
        Screening.objects.filter(patient_id__in=list(patient_ids))
        .select_related("screened_by__user")
        .order_by("-screened_at", "-pk")
    )
    for screening in screenings:
        latest.setdefault(screening.patient_id, screening)
    return latest


def _screening_answers(patient_ids: list[int]) -> QuerySet[Screening, tuple[Any, ...]]:
    """(patient id, answer, …) of each screening, newest first: who screened is not read."""
    return (
        Screening.objects.filter(patient_id__in=patient_ids)
        .order_by("-screened_at", "-pk")
        .values_list("patient_id", *ANSWER_FIELDS)
    )


_SCREENING_ANSWERS_OF_ONE = CompiledRead(lambda patient: _screening_answers([patient])[:1], patient=int)


def screening_answers_for(patient_ids: Iterable[int]) -> dict[int, ScreeningAnswers]:
    """Each patient's latest screening's answers (1 query); patients without one are absent."""
    ids = list(patient_ids)
    rows = _SCREENING_ANSWERS_OF_ONE.rows(patient=ids[0]) if len(ids) == 1 else _screening_answers(ids)
    return _latest_answers_from(rows)


def _latest_answers_from(rows: Iterable[tuple[Any, ...]]) -> dict[int, ScreeningAnswers]:
    """Each patient's first row's answers, of rows newest first."""
    latest: dict[int, ScreeningAnswers] = {}
    for patient_id, *answers in rows:
        if patient_id not in latest:
            latest[patient_id] = ScreeningAnswers.from_fields(dict(zip(ANSWER_FIELDS, answers, strict=True)))
    return latest


def safety_of(patient: Patient, schedule: Schedule | None = None, day: dt.date | None = None) -> SafetyState:
    """One patient's safety state on `day` (their local today by default): 2 queries in one
    round trip (the latest screening, the medication list), and 2 more without a schedule
    given."""
    screenings, medications = read_together(
        _SCREENING_ANSWERS_OF_ONE.call(patient=patient.pk), _MEDICATIONS_OF_ONE.call(patient=patient.pk)
    )
    return safety_state(
        answers=_latest_answers_from(screenings).get(patient.pk),
        medications=_periods_from(medications, {patient.pk: patient.zone})[patient.pk],
        schedule=schedule if schedule is not None else schedule_of(patient),
        day=day or patient.local_today(),
    )


# --- one patient's journal as plain data (charts, response, advice, roster) -----------------


@dataclass(frozen=True)
class PatientFile:
    """One patient's record (plain data for the domain core) and the rows the pages show
    besides it, read together: the patient page, the summary and the review read a patient
    once."""

    record: PatientRecord
    screening: Screening | None  # the latest, with who screened
    plans: tuple[TitrationPlan, ...]  # prescribed plans, oldest first
    symptoms: tuple[Symptom, ...]  # tracked, by name
    medications: tuple[Medication, ...]  # the list's rows, for the forms that change them
    days: tuple[JournalDay, ...]  # every logged day, oldest first
    lab_rows: tuple[LabRow, ...] = ()  # lab results, newest sample first, with who recorded them
    tracks: tuple[RecordTrack, ...] = ()  # every symptom ever tracked, by name, with its periods


@dataclass(frozen=True)
class RecordTrack:
    """A symptom the patient tracks or once tracked, or a condition listed now or before.
    `periods` are its (first day, day it stopped) from the record's history, oldest first
    (None while open); an item on the record since it was opened and never changed has none."""

    item: Any  # Symptom or Condition
    current: bool
    periods: tuple[tuple[dt.date, dt.date | None], ...]

    @property
    def symptom(self) -> Symptom:
        return cast(Symptom, self.item)

    @property
    def tracked_from(self) -> dt.date | None:
        """The day it was first on the record; None when there since the record was opened."""
        return self.periods[0][0] if self.periods else None

    @property
    def stopped_on(self) -> dt.date | None:
        """The day it came off the record, for an item no longer on it."""
        return None if self.current or not self.periods else self.periods[-1][1]


def _tracks(
    current: QuerySet[Any, Any], history: QuerySet[Any, Any], make: Callable[..., Any]
) -> dict[int, list[RecordTrack]]:
    """Each patient's tracks from the current set's rows and the history's periods, read in
    one query (a UNION); `make` builds the item from its columns after the first two."""
    items: dict[tuple[int, int], Any] = {}
    is_current: set[tuple[int, int]] = set()
    periods: dict[tuple[int, int], list[tuple[dt.date, dt.date | None]]] = defaultdict(list)
    for patient_id, item_id, *columns, started, stopped, link in current.order_by().union(
        history.order_by(), all=True
    ):
        key = (patient_id, item_id)
        items[key] = make(item_id, *columns)
        if link:
            is_current.add(key)
        else:
            periods[key].append((started, stopped))
    tracks: dict[int, list[RecordTrack]] = defaultdict(list)
    for key, item in sorted(items.items(), key=lambda pair: pair[1].name):
        spans = sorted(periods[key], key=lambda span: span[0])
        tracks[key[0]].append(RecordTrack(item, key in is_current, tuple(spans)))
    return tracks


_OPEN = (Value(None, DateField()), Value(None, DateField()), Value(True))


def symptom_tracks(patient_ids: Iterable[int]) -> dict[int, list[RecordTrack]]:
    """Each patient's symptoms, tracked now or before, by name (1 query)."""
    ids = list(patient_ids)
    columns = ("patient_id", "symptom_id", "symptom__name", "symptom__higher_is_better", "symptom__clinic_id")
    current = Patient.tracked_symptoms.through.objects.filter(patient_id__in=ids).values_list(
        *columns, *_OPEN
    )
    history = SymptomTracking.objects.filter(patient_id__in=ids).values_list(
        *columns, "started_on", "stopped_on", Value(False)
    )

    def symptom(pk: int, name: str, higher_is_better: bool, clinic_id: int | None) -> Symptom:
        return Symptom(pk=pk, name=name, higher_is_better=higher_is_better, clinic_id=clinic_id)

    return _tracks(current, history, symptom)


def condition_tracks(patient_ids: Iterable[int]) -> dict[int, list[RecordTrack]]:
    """Each patient's conditions, listed now or before, by name (1 query)."""
    ids = list(patient_ids)
    columns = ("patient_id", "condition_id", "condition__name", "condition__clinic_id")
    current = Patient.conditions.through.objects.filter(patient_id__in=ids).values_list(*columns, *_OPEN)
    history = ConditionPeriod.objects.filter(patient_id__in=ids).values_list(
        *columns, "started_on", "stopped_on", Value(False)
    )

    def condition(pk: int, name: str, clinic_id: int | None) -> Condition:
        return Condition(pk=pk, name=name, clinic_id=clinic_id)

    return _tracks(current, history, condition)


@dataclass(frozen=True)
class LabRow:
    """A lab result as the patient page lists it."""

    result: LabValue
    recorded_by: str
    recorded_at: dt.datetime


# A lab result's columns, as `_lab_rows` reads them: its patient, the result, who recorded it.
_LAB_FIELDS = (
    "patient_id",
    *LAB_VALUE_FIELDS,
    "recorded_by__user__first_name",
    "recorded_by__user__last_name",
    "recorded_by__user__username",
    "recorded_at",
)


def _lab_rows(patient_ids: list[int]) -> dict[int, list[LabRow]]:
    """Each patient's lab results, oldest sample first (1 query)."""
    rows: dict[int, list[LabRow]] = defaultdict(list)
    results = LabResult.objects.filter(patient_id__in=patient_ids).order_by("sampled_on", "pk")
    for patient_id, *fields, first_name, last_name, username, recorded_at in results.values_list(
        *_LAB_FIELDS
    ):
        name = f"{first_name} {last_name}".strip() or username
        rows[patient_id].append(LabRow(LabValue(*fields), name, recorded_at))
    return rows


@dataclass(frozen=True)
class JournalDay:
    """One logged day as the clinician's recent-entries table shows it."""

    entry_id: int
    day: dt.date
    dose_taken: bool
    dose_mg: Decimal | None
    timing_taken: str
    dose_deviation_confirmed: bool
    sleep_quality: int | None
    notes: str
    edit_count: int
    created_at: dt.datetime
    logged_by_id: int | None  # the login that saved it last (`journal.caregiving.logger_of`)
    scores: dict[int, int]  # symptom id → score
    side_effects: tuple[tuple[str, str], ...]  # (words, severity)

    @property
    def was_edited(self) -> bool:
        return self.edit_count > 0


def patient_files(patients: Iterable[Patient], now: dt.datetime | None = None) -> dict[int, PatientFile]:
    """Each patient's file as of their own local today (11 queries, however many patients and
    days): plans, steps and pauses, the latest screening, tracked symptoms, entries with
    their scores and side effects, the medication list, dismissed advice, lab results,
    questionnaire answers."""
    patients = list(patients)
    ids = [patient.pk for patient in patients]
    prescriptions = _prescriptions(ids, prescribers=True)
    screenings = _latest_screenings(ids)
    tracks = symptom_tracks(ids)
    # Plain rows, not model instances: the roster reads every journal of the clinic.
    entries: dict[int, list[_EntryRow]] = defaultdict(list)
    for row in (
        DailyEntry.objects.filter(patient_id__in=ids).order_by("entry_date").values_list(*_EntryRow._fields)
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
    medications = _medications_for(patients)
    dismissed: dict[int, set[str]] = defaultdict(set)
    for patient_id, key in AdviceDismissal.objects.filter(patient_id__in=ids).values_list(
        "patient_id", "evidence_key"
    ):
        dismissed[patient_id].add(key)
    labs = _lab_rows(ids)
    questionnaire_answers = scored_answers(ids)
    files = {}
    for patient in patients:
        today, logged, schedule = (
            patient.local_today(now),
            entries[patient.pk],
            prescriptions.schedule(patient.pk),
        )
        periods = [period_of(med, patient.zone) for med in medications[patient.pk]]
        screening = screenings.get(patient.pk)
        answers = ScreeningAnswers.from_record(screening) if screening else None
        record = PatientRecord(
            today=today,
            schedule=schedule,
            safety=safety_state(answers=answers, medications=periods, schedule=schedule, day=today),
            screened=screening is not None,
            medications=tuple(periods),
            measures=_measures(tracks[patient.pk], logged, scores),
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
            problems=record_problems(
                plans=prescriptions.plans[patient.pk],
                pauses=prescriptions.pauses[patient.pk],
                entry_days=[entry.entry_date for entry in logged],
                window=record_window(patient.opened_on, today),
            ),
            labs=tuple(row.result for row in labs[patient.pk]),
            answers=tuple(questionnaire_answers[patient.pk]),
        )
        files[patient.pk] = PatientFile(
            record=record,
            screening=screening,
            plans=tuple(prescriptions.rows[patient.pk]),
            symptoms=tuple(track.symptom for track in tracks[patient.pk] if track.current),
            tracks=tuple(tracks[patient.pk]),
            medications=tuple(medications[patient.pk]),
            days=tuple(_journal_day(entry, scores[entry.pk], reports[entry.pk]) for entry in logged),
            lab_rows=tuple(reversed(labs[patient.pk])),
        )
    return files


def _journal_day(
    entry: _EntryRow, scores: list[tuple[int, int]], reports: list[tuple[str, str, str]]
) -> JournalDay:
    return JournalDay(
        entry_id=entry.pk,
        day=entry.entry_date,
        dose_taken=entry.dose_taken,
        dose_mg=entry.dose_mg,
        timing_taken=entry.timing_taken,
        dose_deviation_confirmed=entry.dose_deviation_confirmed,
        sleep_quality=entry.sleep_quality,
        notes=entry.notes,
        edit_count=entry.edit_count,
        created_at=entry.created_at,
        logged_by_id=entry.logged_by_id,
        scores=dict(scores),
        side_effects=tuple(
            (text if kind == "other" and text else side_effect_label(kind), severity)
            for kind, severity, text in reports
        ),
    )


def patient_records(patients: Iterable[Patient], now: dt.datetime | None = None) -> dict[int, PatientRecord]:
    """Each patient's record as plain data (`patient_files`, 11 queries)."""
    return {pk: file.record for pk, file in patient_files(patients, now).items()}


class _EntryRow(NamedTuple):
    """A daily entry's columns, read as a plain row (named after the model's fields)."""

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
    dose_deviation_confirmed: bool
    edit_count: int
    logged_by_id: int | None


def _measures(
    tracks: list[RecordTrack], entries: list[_EntryRow], scores: dict[int, list[tuple[int, int]]]
) -> tuple[Measure, ...]:
    """The symptoms tracked now or before by name (a symptom no longer asked keeps its past
    scores), then sleep quality once any entry records it."""
    series: dict[int, list[tuple[dt.date, int]]] = defaultdict(list)
    for entry in entries:
        for symptom_id, score in scores[entry.pk]:
            series[symptom_id].append((entry.entry_date, score))
    measures = [
        Measure(
            symptom_words(track.symptom.name),
            track.symptom.higher_is_better,
            tuple(series[track.symptom.pk]),
            tracked=track.current,
            tracked_from=track.tracked_from,
            stopped_on=track.stopped_on,
        )
        for track in tracks
        if track.current or series[track.symptom.pk]
    ]
    sleep = tuple(
        (entry.entry_date, entry.sleep_quality) for entry in entries if entry.sleep_quality is not None
    )
    if sleep:
        measures.append(Measure(gettext(SLEEP_QUALITY), True, sleep, tracked=False))
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


class PatientOverview:
    """What the patient chart, the response table, the advice cards and the review show. The
    chart is drawn only when a page asks for it: the review's posts read only the advice."""

    def __init__(self, file: PatientFile, open_at_review: frozenset[str], reviewed_at: dt.datetime | None):
        self.file = file
        self.record = file.record
        self.assessment: Assessment = assess(file.record)
        self.since_review: SinceReview = since_review(
            self.record, self.assessment, reviewed_at, open_at_review
        )

    @cached_property
    def figure(self) -> dict[str, Any]:
        return patient_figure(self.record)

    @cached_property
    def ranges(self) -> list[ChartRange]:
        return chart_ranges(self.record)

    @cached_property
    def weeks(self) -> list[WeekRow]:
        return weekly_rows(self.record)

    @cached_property
    def step_reports(self) -> list[StepReport]:
        return step_reports(self.record)

    @property
    def chart_is_empty(self) -> bool:
        """Nothing logged and no lab result yet: the patient is told when the chart starts, not
        shown empty axes."""
        return not self.record.entries and not self.record.labs

    @property
    def chart_starts_on(self) -> dt.date | None:
        """The first day of the baseline week when that is still ahead: the chart's first day."""
        first_dose = self.record.first_dose
        baseline = first_dose - BASELINE_DAYS * DAY if first_dose else None
        return baseline if baseline and baseline > self.record.today else None


def patient_overview(
    patient: Patient, now: dt.datetime | None = None, *, open_at_review: frozenset[str] | None = None
) -> PatientOverview:
    """One patient's file, responses, advice and what is new since the last review (12
    queries: `patient_files` and `advice_open_at_review`, unless the advice open at the last
    review is given)."""
    file = patient_files([patient], now)[patient.pk]
    if open_at_review is None:
        open_at_review = advice_open_at_review([patient.pk]).get(patient.pk, frozenset())
    return PatientOverview(file, open_at_review, patient.last_reviewed_at)
