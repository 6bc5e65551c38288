"""The patient's daily entry and their private dose calendar."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from journal.diary import entry_is_empty
from journal.models import (
    AuditEvent,
    DailyEntry,
    Patient,
    SideEffectReport,
    SymptomScore,
    User,
    new_calendar_token,
)
from journal.selectors.entries import StoredEntry, stored_entry
from journal.selectors.records import schedule_of
from journal.services.audit import (
    lock_patient,
    record_audit,
)
from journal.services.snapshots import snapshot_refresh

EMPTY_ENTRY = gettext_lazy(
    "This entry has nothing in it yet. Score a symptom or your sleep, report a side effect "
    "or write a note, then save."
)


def entry_save(
    *,
    patient: Patient,
    entry_date: dt.date,
    dose_taken: bool,
    dose_mg: Decimal | None,
    timing_taken: str,
    time_taken: dt.time | None,
    sleep_quality: int | None,
    notes: str,
    dose_deviation_confirmed: bool,
    scores: Mapping[int, int],
    side_effects: Mapping[str, tuple[str, str]],
    logged_by: User | None = None,
    refresh_roster: bool = True,
) -> DailyEntry:
    """Create or update the patient's one entry for `entry_date` with its scores (symptom
    id → 0–10) and side effects (kind → (severity, text)).

    A resubmission with nothing changed (a double tap, a retry, the offline outbox sending an
    entry again) writes nothing and takes no lock: it reads the day's entry and returns it. An
    entry with nothing in it (`journal.diary.entry_is_empty`) is refused. `logged_by` is who
    saved it: the patient, or their caregiver (`journal.caregiving`; the view checks who may);
    a change records the latest. `refresh_roster=False`: the caller refreshes the roster row
    once after many entries (an import), inside the same transaction."""
    if entry_is_empty(
        dose_taken=dose_taken,
        sleep_quality=sleep_quality,
        scores=scores,
        side_effects=side_effects,
        notes=notes,
        dose_prescribed=lambda: schedule_of(patient).prescribed(entry_date) is not None,
    ):
        raise ValidationError(EMPTY_ENTRY, code="empty")
    values = {
        "dose_taken": dose_taken,
        "dose_mg": dose_mg,
        "timing_taken": timing_taken,
        "time_taken": time_taken,
        "sleep_quality": sleep_quality,
        "notes": notes,
        "dose_deviation_confirmed": dose_deviation_confirmed,
    }
    stored = stored_entry(patient, entry_date)
    if stored is not None and _holds(stored, values, scores, side_effects):
        return stored.entry
    return _entry_write(patient, entry_date, values, scores, side_effects, logged_by, refresh_roster)


def _holds(
    stored: StoredEntry,
    values: Mapping[str, object],
    scores: Mapping[int, int],
    side_effects: Mapping[str, tuple[str, str]],
) -> bool:
    """The stored entry already says all of this."""
    shown = stored.shown()
    return (
        all(getattr(stored.entry, name) == value for name, value in values.items())
        and shown.scores == dict(scores)
        and shown.side_effects == dict(side_effects)
    )


@transaction.atomic
def _entry_write(
    patient: Patient,
    entry_date: dt.date,
    values: Mapping[str, object],
    scores: Mapping[int, int],
    side_effects: Mapping[str, tuple[str, str]],
    logged_by: User | None,
    refresh_roster: bool,
) -> DailyEntry:
    """The entry written. Two saves of the same day at once (two tabs, a double tap, a retry)
    must leave one row with the last values: locking the patient row makes a patient's saves
    queue up, so the second reads the first's entry again and updates it (on SQLite,
    IMMEDIATE transactions queue all writers anyway). An update that changes something counts
    as an edit, so the clinician sees that the entry was edited; simple_history keeps the
    previous values."""
    lock_patient(patient)
    stored = stored_entry(patient, entry_date)
    if stored is not None and _holds(stored, values, scores, side_effects):
        return stored.entry  # the same save, just made by another request
    entry = None if stored is None else stored.entry
    old_scores = {} if stored is None else stored.scores
    old_effects = {} if stored is None else stored.side_effects
    if entry is None:
        entry = DailyEntry(patient=patient, entry_date=entry_date)
    else:
        entry.edit_count += 1
    for name, value in values.items():
        setattr(entry, name, value)
    entry.logged_by = logged_by
    # The login is the request's own, not typed: no query to check that it exists.
    entry.full_clean(exclude={"logged_by"})
    entry.save()

    for symptom_id, old in old_scores.items():
        if symptom_id not in scores:
            old.delete()
    for symptom_id, value in scores.items():
        score: SymptomScore = old_scores.get(symptom_id) or SymptomScore(entry=entry, symptom_id=symptom_id)
        if score.pk is None or score.score != value:
            score.score = value
            score.full_clean()
            score.save()

    for kind, old_report in old_effects.items():
        if kind not in side_effects:
            old_report.delete()
    for kind, (severity, text) in side_effects.items():
        report: SideEffectReport = old_effects.get(kind) or SideEffectReport(entry=entry, kind=kind)
        if report.pk is None or (report.severity, report.other_text) != (severity, text):
            report.severity, report.other_text = severity, text
            report.full_clean()
            report.save()
    if refresh_roster:
        snapshot_refresh(patient, timezone.now())
    return entry


@transaction.atomic
def calendar_token_reset(*, patient: Patient, actor: User) -> str:
    """Give the patient a new private calendar address; the old one stops working at once."""
    patient.calendar_token = new_calendar_token()
    patient.save(update_fields=["calendar_token"])
    record_audit(
        patient=patient,
        actor=actor,
        kind=AuditEvent.Kind.CALENDAR_RESET,
        summary="Calendar link reset; the old link no longer works.",
    )
    return patient.calendar_token
