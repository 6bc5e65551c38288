"""The medication list, changed by the patient or a clinician; every change is audited with
the safety state that follows."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation

from journal.bounds import taken_window
from journal.models import (
    AuditEvent,
    Medication,
    Patient,
    User,
)
from journal.selectors.records import safety_of
from journal.services.audit import (
    finding_dicts,
    lock_patient,
    record_audit,
)
from journal.services.snapshots import snapshot_refresh


def _by_whom(actor: User) -> str:
    return "by the patient" if actor.role == "patient" else f"by {actor.get_full_name() or actor.username}"


def _require_taken(patient: Patient, field: str, day: dt.date | None) -> None:
    """A medicine's start or stop lies from 1900 to the patient's today."""
    problem = day and taken_window(patient.local_today()).problem(day, "That date")
    if problem:
        raise ValidationError({field: problem})


def _safety_words(patient: Patient) -> tuple[str, list[dict[str, str]]]:
    """The patient's safety concerns now, for the audit row of a medication change."""
    concerns = safety_of(patient).concerns
    if not concerns:
        return "", []
    with translation.override(settings.LANGUAGE_CODE):  # the audit log stays in the site's language
        words = " Safety: " + " ".join(f"{f.level.label} — {f.message}" for f in concerns)
    return words, finding_dicts(concerns)


def medication_add(
    *, patient: Patient, actor: User, name: str, dose_text: str = "", started_on: dt.date | None = None
) -> Medication:
    """Add a medicine to the patient's list, by the patient or a clinician. The audit row
    says who added it and the safety state that follows (an opioid added mid-treatment
    raises its alert everywhere at once, since every page reads the list)."""
    _require_taken(patient, "started_on", started_on)
    with transaction.atomic():
        lock_patient(patient)
        medication = Medication(patient=patient, name=name, dose_text=dose_text, started_on=started_on)
        medication.full_clean()
        medication.save()
        safety, concerns = _safety_words(patient)
        record_audit(
            patient=patient,
            actor=actor,
            kind=AuditEvent.Kind.MEDICATION_ADDED,
            summary=f"{medication.name} added to the medication list {_by_whom(actor)}.{safety}",
            details={"medication": medication.pk, "name": medication.name, "concerns": concerns},
        )
        snapshot_refresh(patient, timezone.now())
    return medication


def medication_stop(*, medication: Medication, actor: User, stopped_on: dt.date) -> Medication:
    """Record the last day a medicine was taken."""
    patient = medication.patient
    _require_taken(patient, "stopped_on", stopped_on)
    with transaction.atomic():
        lock_patient(patient)
        medication.stopped_on = stopped_on
        medication.full_clean()
        medication.save(update_fields=["stopped_on"])
        safety, concerns = _safety_words(patient)
        record_audit(
            patient=patient,
            actor=actor,
            kind=AuditEvent.Kind.MEDICATION_STOPPED,
            summary=f"{medication.name}: last taken on {stopped_on.isoformat()}, {_by_whom(actor)}.{safety}",
            details={"medication": medication.pk, "stopped_on": stopped_on.isoformat(), "concerns": concerns},
        )
        snapshot_refresh(patient, timezone.now())
    return medication
