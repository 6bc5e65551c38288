"""Reads of the daily journal: the patient's diary around today, and the clinician's view
of recent entries with what was edited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from journal.caregiving import Logger, answered_by_words, logged_by_words, logger_of
from journal.diary import Diary
from journal.entry_history import ENTRY_FIELDS, Change, Version, entry_changes
from journal.models import (
    Caregiver,
    DailyEntry,
    Patient,
    SideEffectReport,
    Symptom,
    SymptomScore,
)
from journal.schedule import DAY, Schedule
from journal.selectors.compiled import Call, CompiledRead, as_instances, read_together, whole_rows
from journal.selectors.records import JournalDay, PatientFile, schedule_from, schedule_of, schedule_reads


def _with_details(entries: QuerySet[DailyEntry]) -> QuerySet[DailyEntry]:
    """Entries with their scores (symptoms by name) and side effects (3 queries)."""
    scores = SymptomScore.objects.select_related("symptom").order_by("symptom__name")
    return entries.prefetch_related(Prefetch("scores", queryset=scores), "side_effects")


def patient_diary(
    patient: Patient, since: dt.date, today: dt.date, schedule: Schedule | None = None
) -> Diary:
    """A patient's schedule, pauses and entries from `since` to `today`, with each entry's
    scores (and their symptoms) and side effects (5 queries; 3 given the `schedule`)."""
    entries = _with_details(patient.entries.filter(entry_date__gte=since, entry_date__lte=today))
    return Diary(
        today=today,
        schedule=schedule_of(patient) if schedule is None else schedule,
        entries={entry.entry_date: entry for entry in entries},
    )


def history_diary(
    patient: Patient, *, first: dt.date, last: dt.date, recent_days: int, today: dt.date, schedule: Schedule
) -> Diary:
    """A patient's entries from `first` to `last` (a month of the history) and of the last
    `recent_days` days (for adherence), with each entry's details (3 queries): a month long
    ago does not read every entry since."""
    recent = today - (recent_days - 1) * DAY
    in_month = Q(entry_date__gte=first, entry_date__lte=min(last, today))
    entries = _with_details(
        patient.entries.filter(in_month | Q(entry_date__gte=recent, entry_date__lte=today))
    )
    return Diary(today=today, schedule=schedule, entries={entry.entry_date: entry for entry in entries})


class LoggedDay(NamedTuple):
    """That a day was logged, and whether the dose was taken: all a diary's statuses read."""

    entry_date: dt.date
    dose_taken: bool


def diary_without_details(patient: Patient, since: dt.date, today: dt.date) -> Diary:
    """A patient's schedule and pauses, and the days logged from `since` to `today` as
    `LoggedDay`s (3 queries): what the days' statuses need, without reading each entry."""
    steps, pauses, logged = read_together(
        *schedule_reads(patient), _LOGGED_DAYS.call(patient=patient.pk, since=since, today=today)
    )
    return Diary(
        today=today,
        schedule=schedule_from(patient, steps, pauses),
        entries={day: LoggedDay(day, taken) for day, taken in logged},
    )


_LOGGED_DAYS = CompiledRead(
    lambda patient, since, today: DailyEntry.objects.filter(
        patient_id=patient, entry_date__gte=since, entry_date__lte=today
    ).values_list("entry_date", "dose_taken"),
    patient=int,
    since=dt.date,
    today=dt.date,
)


@dataclass(frozen=True)
class EntryFormReads:
    """What the entry form needs."""

    schedule: Schedule
    symptoms: list[Symptom]  # tracked, by name
    logged: DayEntry | None  # the shown day's entry, when a day was given and logged


def entry_form_reads(patient: Patient, day: dt.date | None = None) -> EntryFormReads:
    """The patient's schedule and the symptoms they score each day, and, given a `day`, that
    day's entry with its scores and side effects: 3 queries, 6 with a day, in one round trip."""
    calls = [*schedule_reads(patient), _TRACKED_SYMPTOMS.call(patient=patient.pk)]
    steps, pauses, symptoms, *day_rows = read_together(
        *calls, *(_day_entry_reads(patient, day) if day is not None else ())
    )
    return EntryFormReads(
        schedule_from(patient, steps, pauses),
        [
            Symptom(pk=pk, name=name, higher_is_better=higher_is_better, clinic_id=clinic_id)
            for pk, name, higher_is_better, clinic_id in symptoms
        ],
        _stored_from(*day_rows).shown() if day_rows and day_rows[0] else None,
    )


_TRACKED_SYMPTOMS = CompiledRead(
    lambda patient: Patient(pk=patient).tracked_symptoms.values_list(
        "pk", "name", "higher_is_better", "clinic_id"
    ),
    patient=int,
)


@dataclass(frozen=True)
class DayEntry:
    """One day's entry as the entry form shows it."""

    entry: DailyEntry
    scores: Mapping[int, int]  # by symptom id
    side_effects: Mapping[str, tuple[str, str]]  # by kind: (severity, the words of "other")


@dataclass(frozen=True)
class StoredEntry:
    """One day's entry as stored: the rows a save compares with what it saves, and changes."""

    entry: DailyEntry
    scores: dict[int, SymptomScore]  # by symptom id
    side_effects: dict[str, SideEffectReport]  # by kind

    def shown(self) -> DayEntry:
        return DayEntry(
            self.entry,
            scores={symptom_id: row.score for symptom_id, row in self.scores.items()},
            side_effects={kind: (row.severity, row.other_text) for kind, row in self.side_effects.items()},
        )


def stored_entry(patient: Patient, day: dt.date) -> StoredEntry | None:
    """The patient's entry of `day` with its scores and side effects, as model rows; None when
    the day is not logged (3 queries in one round trip)."""
    entries, scores, reports = read_together(*_day_entry_reads(patient, day))
    return _stored_from(entries, scores, reports) if entries else None


def _day_entry_reads(patient: Patient, day: dt.date) -> list[Call]:
    return [
        _DAY_ENTRY.call(patient=patient.pk, day=day),
        _DAY_SCORES.call(patient=patient.pk, day=day),
        _DAY_SIDE_EFFECTS.call(patient=patient.pk, day=day),
    ]


def _stored_from(
    entries: list[tuple[Any, ...]], scores: list[tuple[Any, ...]], reports: list[tuple[Any, ...]]
) -> StoredEntry:
    [entry] = as_instances(DailyEntry, entries)
    return StoredEntry(
        entry,
        scores={score.symptom_id: score for score in as_instances(SymptomScore, scores)},
        side_effects={report.kind: report for report in as_instances(SideEffectReport, reports)},
    )


def day_entry(patient: Patient, day: dt.date) -> DayEntry | None:
    """The patient's entry of `day` as the entry form shows it; None when the day is not
    logged (3 queries in one round trip)."""
    stored = stored_entry(patient, day)
    return None if stored is None else stored.shown()


_DAY_ENTRY = CompiledRead(
    lambda patient, day: whole_rows(DailyEntry.objects.filter(patient_id=patient, entry_date=day)),
    patient=int,
    day=dt.date,
)
_DAY_SCORES = CompiledRead(
    lambda patient, day: whole_rows(
        SymptomScore.objects.filter(entry__patient_id=patient, entry__entry_date=day).order_by()
    ),
    patient=int,
    day=dt.date,
)
_DAY_SIDE_EFFECTS = CompiledRead(
    lambda patient, day: whole_rows(
        SideEffectReport.objects.filter(entry__patient_id=patient, entry__entry_date=day).order_by()
    ),
    patient=int,
    day=dt.date,
)


# --- the clinician's view of recent entries, with what was edited --------------------------

RECENT_ENTRY_DAYS = 14
# Changes shown per entry on the patient page (the latest); all of them are on the entry's
# own page (`entry_change_log`), a page at a time: a much-edited entry keeps the page small.
CHANGES_SHOWN = 20


@dataclass(frozen=True)
class RecentEntry:
    entry: JournalDay
    scores: list[int | None]  # in the order of the file's tracked symptoms
    changes: list[Change]  # the latest CHANGES_SHOWN, oldest first
    change_count: int  # every change since the entry was first saved
    logged_by: str | None = None  # "logged by … (caregiver)"; None for the patient's own
    missed: bool = False  # logged as not taken on a day with a dose prescribed


@dataclass(frozen=True)
class Loggers:
    """Who can have saved a patient's entries: the patient's own login and their caregivers'
    (revoked ones too: what they saved stays theirs), by login id."""

    patient_login: int | None
    patient_name: str
    caregivers: dict[int, str]  # login id → the caregiver's name

    def logged_by(self, login: int | None) -> str | None:
        """The clinician's words beside an entry a caregiver saved (`journal.caregiving`)."""
        return logged_by_words(logger_of(login, self.patient_login), self._caregiver(login))

    def answered_by(self, login: int | None) -> str | None:
        """The clinician's words beside a questionnaire a caregiver answered."""
        return answered_by_words(logger_of(login, self.patient_login), self._caregiver(login))

    def who(self, login: int | None) -> str:
        """Whoever saved a version, as the entry's history names them."""
        if logger_of(login, self.patient_login) is Logger.PATIENT:
            return self.patient_name
        return _("%(name)s (caregiver)") % {"name": self._caregiver(login)}

    def _caregiver(self, login: int | None) -> str:
        return self.caregivers.get(login, "") if login is not None else ""


def entry_loggers(patient: Patient, caregivers: Iterable[Caregiver] | None = None) -> Loggers:
    """The patient's loggers, from their `caregivers` (every one, revoked too) or 1 query."""
    if caregivers is None:
        caregivers = Caregiver.objects.filter(patient=patient).exclude(user=None)
    named = {caregiver.user_id: caregiver.name for caregiver in caregivers if caregiver.user_id is not None}
    return Loggers(patient.user_id, patient.name, named)


def _versions(
    entry_ids: list[int], symptoms: Iterable[Symptom], loggers: Loggers | None = None
) -> dict[int, list[Version]]:
    """Every saved version of the entries and of their scores, by entry (2 queries); a score
    of a symptom not among `symptoms` is named as no longer tracked; who saved each version by
    name when `loggers` are given."""
    versions: dict[int, list[Version]] = defaultdict(list)
    for row in DailyEntry.history.filter(id__in=entry_ids).values("id", "history_date", *ENTRY_FIELDS):
        row["logged_by"] = loggers.who(row["logged_by"]) if loggers is not None else None
        versions[row["id"]].append(Version(row["history_date"], "entry", row))
    names = {symptom.pk: symptom.name for symptom in symptoms}
    score_rows = SymptomScore.history.filter(entry_id__in=entry_ids).values(
        "entry_id", "symptom_id", "score", "history_date", "history_type"
    )
    for row in score_rows:
        what = names.get(row["symptom_id"], "a symptom no longer tracked")
        versions[row["entry_id"]].append(
            Version(row["history_date"], what, row, removed=row["history_type"] == "-")
        )
    return versions


def recent_entries(
    file: PatientFile, days: int = RECENT_ENTRY_DAYS, loggers: Loggers | None = None
) -> list[RecentEntry]:
    """The file's entries of the last `days` days to its today, newest first, with the scores
    of its tracked symptoms, each edited one with the latest changes made since it was first
    saved (no query, or 2 when an entry was edited), and, given the patient's `loggers`, who
    logged each one a caregiver saved."""
    today = file.record.today
    shown = [day for day in reversed(file.days) if today - dt.timedelta(days=days) < day.day <= today]
    edited = [day.entry_id for day in shown if day.was_edited]
    versions = _versions(edited, file.symptoms, loggers) if edited else {}
    rows = []
    for day in shown:
        changes = entry_changes(versions[day.entry_id], day.created_at) if day.was_edited else []
        scores = [day.scores.get(symptom.pk) for symptom in file.symptoms]
        logged_by = loggers.logged_by(day.logged_by_id) if loggers is not None else None
        missed = not day.dose_taken and file.record.schedule.prescribed(day.day) is not None
        rows.append(RecentEntry(day, scores, changes[-CHANGES_SHOWN:], len(changes), logged_by, missed))
    return rows


def entry_change_log(patient: Patient, day: dt.date, loggers: Loggers | None = None) -> list[Change]:
    """Every change made to the patient's entry of `day` since it was first saved, newest
    first (with who saved each version, given the patient's `loggers`); none when there is no
    such entry (4 queries, 1 without an entry)."""
    entry = patient.entries.filter(entry_date=day).values_list("pk", "created_at").first()
    if entry is None:
        return []
    entry_id, created_at = entry
    versions = _versions([entry_id], patient.tracked_symptoms.all(), loggers)
    return entry_changes(versions[entry_id], created_at)[::-1]


@dataclass(frozen=True)
class EntryHistory:
    changes: list[Change]  # newest first
    logged_by: str | None  # "logged by … (caregiver)" when the caregiver saved it last


def entry_history(patient: Patient, day: dt.date) -> EntryHistory:
    """The changes to the patient's entry of `day` (`entry_change_log`), each version with who
    saved it, and who saved it last (5 queries, 1 without an entry)."""
    entry = patient.entries.filter(entry_date=day).values_list("pk", "created_at", "logged_by_id").first()
    if entry is None:
        return EntryHistory([], None)
    entry_id, created_at, logged_by = entry
    loggers = entry_loggers(patient)
    versions = _versions([entry_id], patient.tracked_symptoms.all(), loggers)
    return EntryHistory(entry_changes(versions[entry_id], created_at)[::-1], loggers.logged_by(logged_by))
