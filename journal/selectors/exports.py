"""Reads behind the exports: the CSV rows, streamed in batches, and the appointment summary."""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import Any, BinaryIO

from django.db import connection
from django.db.models import Q, QuerySet

from journal.advice import AdherenceCount, count_adherence
from journal.caregiving import Logger, logger_of
from journal.exports import (
    NOTHING,
    EntryRecord,
    ExportDay,
    SideEffectTally,
    answer_cell,
    columns_for,
    csv_lines,
    dates,
    encoded_chunks,
    previous_visit,
    question_cell,
    tally_side_effects,
)
from journal.growth import age_in_years
from journal.labs import LabValue, result_words
from journal.models import (
    AuditEvent,
    Condition,
    DailyEntry,
    LabResult,
    Patient,
    PlanChangeNote,
    Question,
    QuestionnaireAnswer,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
    WeightMeasurement,
)
from journal.questionnaires import ScoredAnswer
from journal.safety import MedicationPeriod, SafetyState, safety_by_day
from journal.schedule import (
    DAY,
    DayPrescription,
    Dose,
    PausePeriod,
    StepRow,
)
from journal.selectors.entries import Loggers, entry_loggers
from journal.selectors.labs import LAB_VALUE_FIELDS
from journal.selectors.plans import plan_course_words
from journal.selectors.records import (
    PatientOverview,
    medication_periods_for,
    patient_overview,
    schedules_for,
    screening_answers_for,
)

EXPORT_BATCH_PATIENTS = 50
EXPORT_BATCH_ROWS = 20_000
# In EntryRecord's order, after the entry's id, patient and date: plain values, no model instances.
ENTRY_FIELDS = (
    "pk",
    "patient_id",
    "entry_date",
    "dose_taken",
    "dose_mg",
    "timing_taken",
    "time_taken",
    "sleep_quality",
    "notes",
    "edit_count",
    "logged_by_id",
)


@dataclass(frozen=True)
class WrittenExport:
    """What was written: data rows (the header not counted), bytes, and their SHA-256 in hex."""

    rows: int
    size: int
    sha256: str


def export_write(
    patients: QuerySet[Patient],
    first: dt.date,
    last: dt.date,
    out: BinaryIO,
    *,
    byte_order_mark: bool = False,
) -> WrittenExport:
    """The CSV of `patients` from `first` to `last` written to `out` in pieces (memory stays
    flat), counted and hashed as it goes. The clinic export job and the benchmark call it."""
    ids = list(patients.values_list("pk", flat=True))
    tally = itertools.count()  # advanced once per row as the rows pass, with no Python call per row
    counted = map(itemgetter(0), zip(export_days(patients, first, last), tally, strict=False))
    digest, size = hashlib.sha256(), 0
    with _heap_set_aside():
        for chunk in encoded_chunks(
            csv_lines(columns_for(export_symptoms(ids)), counted), byte_order_mark=byte_order_mark
        ):
            out.write(chunk)
            digest.update(chunk)
            size += len(chunk)
    return WrittenExport(rows=next(tally), size=size, sha256=digest.hexdigest())


@contextmanager
def _heap_set_aside() -> Iterator[None]:
    """Python's cycle collector walks every object the process holds each time enough new
    objects have lived a while. An export makes hundreds of thousands (tuples and dicts, which
    reference counting frees), so it walked all of Django's objects again and again: a tenth of
    a clinic export's time. The objects there before the export are kept out of those walks
    (`gc.freeze`) until it is written; the ones it makes are collected as ever."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


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

    A generator: 1 query for the patient ids, then 12 per batch of patients. A batch holds at
    most 50 patients and, for long ranges, fewer (about 20,000 rows), so memory stays flat
    however large the clinic."""
    ids = list(patients.order_by("code", "pk").values_list("pk", flat=True))
    days = dates(first, last)
    size = max(1, min(EXPORT_BATCH_PATIENTS, EXPORT_BATCH_ROWS // len(days)))
    for start in range(0, len(ids), size):
        yield from _export_batch(ids[start : start + size], days)


def _export_batch(ids: list[int], days: list[dt.date]) -> Iterator[ExportDay]:
    first, last = days[0], days[-1]
    patients = Patient.objects.only("pk", "code", "time_zone", "user").in_bulk(ids)
    schedules, answers = schedules_for(ids), screening_answers_for(ids)
    medications = medication_periods_for(patients.values())
    logins = {pk: patient.user_id for pk, patient in patients.items()}
    entries = _entry_records(ids, first, last, logins)
    reasons, questions = _day_messages(patients, first, last)
    labs = _day_labs(ids, first, last)
    questionnaires = _day_answers(ids, first, last, logins)
    for pk in ids:
        schedule, label = schedules[pk], patients[pk].export_label
        first_dose, ends_on = schedule.first_dose, schedule.treatment_ends_on
        taken = [med for med in medications[pk] if med.taken_within(first, last)]
        safety = safety_by_day(
            answers=answers.get(pk), medications=medications[pk], schedule=schedule, days=days
        )
        # Looked up by patient once, then by date: a year's rows ask these for each day.
        journal, told, asked = entries.get(pk, NOTHING), reasons.get(pk, NOTHING), questions.get(pk, NOTHING)
        sampled, answered = labs.get(pk, NOTHING), questionnaires.get(pk, NOTHING)
        yield from [
            ExportDay(
                label,
                day,
                first_dose,
                doses.prescribed,
                journal.get(day),
                taken,
                state,
                doses.pause,
                told.get(day, ()),
                asked.get(day, ()),
                sampled.get(day, ()),
                answered.get(day, ()),
                doses.step,
                ends_on,
            )
            for (day, state), doses in zip(safety, schedule.each_day(days), strict=True)
        ]


DayTexts = dict[int, dict[dt.date, list[str]]]  # patient → date → texts


def _day_texts() -> DayTexts:
    return defaultdict(lambda: defaultdict(list))


def _day_labs(ids: list[int], first: dt.date, last: dt.date) -> DayTexts:
    """The lab results of samples taken in the range, as the CSV writes them, by patient and
    date (1 query of plain values; a journal has a result for a few of its days at most)."""
    results = LabResult.objects.filter(patient_id__in=ids, sampled_on__gte=first, sampled_on__lte=last)
    texts = _day_texts()
    for patient_id, *fields in results.order_by("sampled_on", "test__name", "pk").values_list(
        "patient_id", *LAB_VALUE_FIELDS
    ):
        result = LabValue(*fields)
        texts[patient_id][result.day].append(result_words(result))
    return texts


def _day_answers(ids: list[int], first: dt.date, last: dt.date, logins: dict[int, int | None]) -> DayTexts:
    """The questionnaires answered in the range, as the CSV writes them (in the words of the
    version answered, as stored, and who answered), by patient and date (1 query); `logins`:
    each patient's own login."""
    texts = _day_texts()
    answers = QuestionnaireAnswer.objects.filter(
        patient_id__in=ids, answered_on__gte=first, answered_on__lte=last
    ).select_related("version")
    for answer in answers.order_by("answered_on", "pk"):
        definition = answer.version.definition
        texts[answer.patient_id][answer.answered_on].append(
            answer_cell(
                definition.title,
                definition.words(answer.values),
                answer.version.number,
                logger_of(answer.answered_by_id, logins[answer.patient_id]),
            )
        )
    return texts


def _day_messages(patients: dict[int, Patient], first: dt.date, last: dt.date) -> tuple[DayTexts, DayTexts]:
    """The reasons told with plan changes and the questions (with their answers), by patient and
    the patient's local date within the range, oldest first (2 queries)."""
    # Every zone's dates `first` to `last` lie within a day either side of them in UTC.
    start = dt.datetime.combine(first - DAY, dt.time.min, tzinfo=dt.UTC)
    end = dt.datetime.combine(last + 2 * DAY, dt.time.min, tzinfo=dt.UTC)

    def on_day(pk: int, moment: dt.datetime) -> dt.date | None:
        day = moment.astimezone(patients[pk].zone).date()
        return day if first <= day <= last else None

    reasons = _day_texts()
    notes = PlanChangeNote.objects.filter(patient_id__in=patients, at__gte=start, at__lt=end).exclude(
        reason=""
    )
    for pk, at, reason in notes.order_by("at", "pk").values_list("patient_id", "at", "reason"):
        if (day := on_day(pk, at)) is not None:
            reasons[pk][day].append(reason)
    questions = _day_texts()
    asked = Question.objects.filter(patient_id__in=patients, asked_at__gte=start, asked_at__lt=end)
    for pk, at, text, answer in asked.order_by("asked_at", "pk").values_list(
        "patient_id", "asked_at", "text", "answer"
    ):
        if (day := on_day(pk, at)) is not None:
            questions[pk][day].append(question_cell(text, answer))
    return reasons, questions


def _entry_records(
    ids: list[int], first: dt.date, last: dt.date, logins: dict[int, int | None]
) -> dict[int, dict[dt.date, EntryRecord]]:
    """The entries of these patients in the range as plain records (3 queries); `logins`: each
    patient's own login, which says who logged each entry."""
    rows = DailyEntry.objects.filter(patient_id__in=ids, entry_date__gte=first, entry_date__lte=last)
    of_rows = {"entry__among": rows.values("pk")}
    scores: dict[int, dict[int, int]] = defaultdict(dict)
    for entry_id, symptom_id, score in _plain_rows(
        SymptomScore.objects.filter(**of_rows).values_list("entry_id", "symptom_id", "score")
    ):
        scores[entry_id][symptom_id] = score
    side_effects: dict[int, dict[str, str]] = defaultdict(dict)
    other_text: dict[int, str] = {}
    for entry_id, kind, severity, text in _plain_rows(
        SideEffectReport.objects.filter(**of_rows).values_list("entry_id", "kind", "severity", "other_text")
    ):
        side_effects[entry_id][kind] = severity
        if text:
            other_text[entry_id] = text
    milligrams = _Milligrams()
    records: dict[int, dict[dt.date, EntryRecord]] = defaultdict(dict)
    for pk, patient_id, day, taken, dose, timing, time, sleep, notes, edits, logged_by in _plain_rows(
        rows.order_by().values_list(*ENTRY_FIELDS)  # into a dict: the database need not sort them
    ):
        records[patient_id][day] = EntryRecord(
            taken,
            milligrams[dose],
            timing,
            time,
            sleep,
            notes,
            edits,
            side_effects.get(pk, NOTHING),
            other_text.get(pk, ""),
            scores.get(pk, NOTHING),
            logger_of(logged_by, logins[patient_id]),
        )
    return records


def _plain_rows(query: QuerySet[Any, tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """The rows of a `values_list` query as the database driver gives them, without Django's
    conversion of each value (on SQLite most of an export's reading time). Dates, times and
    booleans arrive as Python's own either way; a decimal as a float or int on SQLite (see
    `_Milligrams`)."""
    sql, params = query.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows


class _Milligrams(dict[Any, Decimal | None]):
    """A dose as the driver gives it (a Decimal on PostgreSQL, a float or int on SQLite) → the
    Decimal it was saved as; a dose is one of a few values, each converted once."""

    def __missing__(self, value: Decimal | float | None) -> Decimal | None:
        dose = None if value is None else Decimal(str(value))
        self[value] = dose
        return dose


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
    course: str  # `plan_course_words`: when it ended or ends


AnswerRow = tuple[ScoredAnswer, str | None]  # an answer and the words beside it, if a caregiver gave it


@dataclass(frozen=True)
class AppointmentSummary:
    """What the printable appointment summary shows: the clinician page's overview (chart,
    responses, 14-day adherence, safety) and the rest of the visit, as of the patient's
    local today."""

    overview: PatientOverview
    conditions: list[Condition]
    age: int | None  # whole years, when the date of birth is known
    weight: WeightMeasurement | None  # the latest measurement
    plans: list[SummaryPlan]
    screening: Screening | None
    medications: list[MedicationPeriod]
    since: dt.date
    since_what: str
    adherence_since: AdherenceCount
    side_effects: list[SideEffectTally]
    plan_notes: list[PlanChangeNote]
    questions: list[Question]
    # the newest `SUMMARY_ANSWERS` questionnaire answers, newest first, with who answered
    questionnaire_answers: list[AnswerRow]

    @property
    def today(self) -> dt.date:
        return self.overview.record.today

    @property
    def current(self) -> Dose | None:
        return self.overview.record.schedule.step_on(self.today)

    @property
    def today_prescription(self) -> DayPrescription:
        return self.overview.record.schedule.on(self.today)

    @property
    def pauses(self) -> tuple[PausePeriod, ...]:
        return self.overview.record.schedule.pauses

    @property
    def safety(self) -> SafetyState | None:
        return self.overview.record.safety

    @property
    def lab_results(self) -> list[LabValue]:
        """The newest `SUMMARY_LABS` lab results, newest sample first."""
        return list(reversed(self.overview.record.labs))[:SUMMARY_LABS]

    @property
    def earlier_lab_count(self) -> int:
        return max(0, len(self.overview.record.labs) - SUMMARY_LABS)


# The summary shows the newest plan change told and the newest question since the previous
# visit, each text cut at 60 characters: the busiest record still prints on two pages
# (tests/browser/test_summary.py); the patient page and the CSV keep all.
SUMMARY_MESSAGES = 1
SUMMARY_LABS = 6  # the newest lab results; the patient page and the CSV have every one
SUMMARY_ANSWERS = 3  # the newest questionnaire answers; the patient page and the CSV have every one


def appointment_summary(patient: Patient, now: dt.datetime | None = None) -> AppointmentSummary:
    """The appointment summary of one patient (`patient_overview` and 4 more queries: the
    previous export, the conditions, the plan changes told to the patient and their questions
    since the previous visit).
    "Since the previous visit" runs from the later of the last review and the previous
    clinician export, else the last 30 days (`journal.exports.previous_visit`)."""
    overview = patient_overview(patient, now)
    record = overview.record
    today = record.today
    reviewed = patient.last_reviewed_at.astimezone(patient.zone).date() if patient.last_reviewed_at else None
    exported = previous_export_on(patient.audit_events.filter(details__by="clinician"), patient.zone, today)
    since, since_what = previous_visit(today, reviewed, exported)
    logged = [(entry.day, entry.dose_taken) for entry in record.entries]
    return AppointmentSummary(
        overview=overview,
        conditions=list(patient.conditions.all()),
        age=age_in_years(patient.date_of_birth, today) if patient.date_of_birth else None,
        weight=patient.weights.first(),
        plans=[
            SummaryPlan(plan, record.schedule.step_rows(today, plan.pk), plan_course_words(plan, today))
            for plan in reversed(overview.file.plans)
        ],
        screening=overview.file.screening,
        medications=[med for med in record.medications if med.taken_within(since, today)],
        since=since,
        since_what=since_what,
        adherence_since=count_adherence(
            logged, record.schedule.prescribed_days(since, today), today, days=(today - since).days + 1
        ),
        side_effects=tally_side_effects(record.side_effects, since, today),
        **_messages_since(patient, since),
        questionnaire_answers=_newest_answers(patient, record.answers),
    )


def _newest_answers(patient: Patient, answers: Sequence[ScoredAnswer]) -> list[AnswerRow]:
    """The newest answers with the words beside one a caregiver gave (1 query for the
    caregivers' names, only when there is one)."""
    newest = list(reversed(answers))[:SUMMARY_ANSWERS]
    by_caregiver = any(
        logger_of(answer.answered_by, patient.user_id) is Logger.CAREGIVER for answer in newest
    )
    loggers = entry_loggers(patient) if by_caregiver else Loggers(patient.user_id, patient.name, {})
    return [(answer, loggers.answered_by(answer.answered_by)) for answer in newest]


def _messages_since(patient: Patient, since: dt.date) -> dict[str, Any]:
    """The newest plan change told to the patient and question asked from the patient's local
    `since` on (at most `SUMMARY_MESSAGES` each, newest first)."""
    start = dt.datetime.combine(since, dt.time.min, tzinfo=patient.zone)
    notes = patient.plan_notes.filter(at__gte=start).select_related("written_by__user")
    questions = patient.questions.filter(asked_at__gte=start).select_related("answered_by__user")
    return {
        "plan_notes": list(notes[:SUMMARY_MESSAGES]),
        "questions": list(questions.order_by("-asked_at", "-pk")[:SUMMARY_MESSAGES]),
    }
