"""The patient's introduction: how far they have read, and that they finished or skipped it
(a returning patient then goes straight to Today)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from journal.guide import INTRODUCTION
from journal.models import AuditEvent, Patient
from journal.services.audit import lock_patient, record_audit


def introduction_read(*, patient: Patient, screen: int, now: dt.datetime | None = None) -> None:
    """The patient read screen `screen` (1 for the first) and moved on: they resume after it.
    Reading the last screen ends the introduction. A screen read again never moves them back."""
    if not 1 <= screen <= len(INTRODUCTION):
        raise ValidationError(f"No introduction screen {screen}.")
    with transaction.atomic():
        lock_patient(patient)
        patient.refresh_from_db(fields=["introduction_seen", "introduced_at"])
        patient.introduction_seen = max(patient.introduction_seen, screen)
        patient.full_clean(validate_unique=False, validate_constraints=False)
        patient.save(update_fields=["introduction_seen"])
        if screen == len(INTRODUCTION):
            _end(patient, "Introduction finished.", now)


def introduction_skip(*, patient: Patient, now: dt.datetime | None = None) -> None:
    """The patient skipped the rest of the introduction: every topic stays on the help pages."""
    with transaction.atomic():
        lock_patient(patient)
        patient.refresh_from_db(fields=["introduction_seen", "introduced_at"])
        _end(
            patient,
            f"Introduction skipped after {patient.introduction_seen} of {len(INTRODUCTION)} screens.",
            now,
        )


def _end(patient: Patient, summary: str, now: dt.datetime | None) -> None:
    if patient.introduced_at is not None:
        return
    patient.introduced_at = now or timezone.now()
    patient.save(update_fields=["introduced_at"])
    record_audit(
        patient=patient, actor=patient.user, kind=AuditEvent.Kind.INTRODUCTION_ENDED, summary=summary
    )
