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
    Symptom,
    SymptomScore,
)
from journal.selectors.records import schedule_of


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
    entry: DailyEntry
    scores: list[int | None]  # in the order of the symptoms asked for
    changes: list[Change]


def recent_entries(
    patient: Patient, today: dt.date, symptoms: list[Symptom], days: int = RECENT_ENTRY_DAYS
) -> list[RecentEntry]:
    """The patient's entries of the last `days` days, newest first, with the scores of
    `symptoms`, each edited one with the changes made since it was first saved (at most 6
    queries)."""
    entries = list(
        _with_details(
            patient.entries.filter(
                entry_date__gt=today - dt.timedelta(days=days), entry_date__lte=today
            ).order_by("-entry_date")
        )
    )
    edited = [entry for entry in entries if entry.was_edited]
    versions: dict[int, list[Version]] = defaultdict(list)
    if edited:
        ids = [entry.pk for entry in edited]
        for row in DailyEntry.history.filter(id__in=ids).values("id", "history_date", *ENTRY_FIELDS):
            versions[row["id"]].append(Version(row["history_date"], "entry", row))
        score_rows = list(
            SymptomScore.history.filter(entry_id__in=ids).values(
                "entry_id", "symptom_id", "score", "history_date", "history_type"
            )
        )
        names = dict(
            Symptom.objects.filter(pk__in={row["symptom_id"] for row in score_rows}).values_list("pk", "name")
        )
        for row in score_rows:
            versions[row["entry_id"]].append(
                Version(
                    row["history_date"],
                    names[row["symptom_id"]],
                    row,
                    removed=row["history_type"] == "-",
                )
            )
    return [
        RecentEntry(
            entry,
            [
                next((s.score for s in entry.scores.all() if s.symptom_id == symptom.pk), None)
                for symptom in symptoms
            ],
            entry_changes(versions[entry.pk], entry.created_at) if entry.was_edited else [],
        )
        for entry in entries
    ]
