"""Reads of the daily journal: the patient's diary around today, and the clinician's view
of recent entries with what was edited."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from journal.diary import Diary
from journal.entry_history import ENTRY_FIELDS, Change, Version, entry_changes
from journal.models import (
    DailyEntry,
    Patient,
    SymptomScore,
)
from journal.selectors.records import JournalDay, PatientFile, schedule_of


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


# --- the clinician's view of recent entries, with what was edited --------------------------

RECENT_ENTRY_DAYS = 14


@dataclass(frozen=True)
class RecentEntry:
    entry: JournalDay
    scores: list[int | None]  # in the order of the file's tracked symptoms
    changes: list[Change]


def recent_entries(file: PatientFile, days: int = RECENT_ENTRY_DAYS) -> list[RecentEntry]:
    """The file's entries of the last `days` days to its today, newest first, with the scores
    of its tracked symptoms, each edited one with the changes made since it was first saved
    (no query, or 2 when an entry was edited)."""
    today = file.record.today
    shown = [day for day in reversed(file.days) if today - dt.timedelta(days=days) < day.day <= today]
    edited = [day.entry_id for day in shown if day.was_edited]
    versions: dict[int, list[Version]] = defaultdict(list)
    if edited:
        for row in DailyEntry.history.filter(id__in=edited).values("id", "history_date", *ENTRY_FIELDS):
            versions[row["id"]].append(Version(row["history_date"], "entry", row))
        names = {symptom.pk: symptom.name for symptom in file.symptoms}
        score_rows = SymptomScore.history.filter(entry_id__in=edited).values(
            "entry_id", "symptom_id", "score", "history_date", "history_type"
        )
        for row in score_rows:
            what = names.get(row["symptom_id"], "a symptom no longer tracked")
            versions[row["entry_id"]].append(
                Version(row["history_date"], what, row, removed=row["history_type"] == "-")
            )
    return [
        RecentEntry(
            day,
            [day.scores.get(symptom.pk) for symptom in file.symptoms],
            entry_changes(versions[day.entry_id], day.created_at) if day.was_edited else [],
        )
        for day in shown
    ]
