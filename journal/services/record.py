"""Changes to what a patient's record holds after the invitation, each by a clinician:
conditions and tracked symptoms, added or stopped on a date; the date of birth and the
weight. A condition's or symptom's change updates the patient's set (what the entry form
asks, what the pages list) with a period row that keeps the history
(`journal.models.RecordPeriod`), an audit row and a fresh roster snapshot, in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.bounds import birth_window, change_window, measured_window
from journal.models import (
    AuditEvent,
    Condition,
    ConditionPeriod,
    Patient,
    RecordPeriod,
    Symptom,
    SymptomTracking,
    User,
    WeightMeasurement,
)
from journal.services.audit import lock_patient, record_audit
from journal.services.snapshots import snapshot_refresh

Item = Condition | Symptom


def _require_of_clinic(patient: Patient, item: Item) -> None:
    """The shared catalogue's items and the patient's own clinic's, never another clinic's."""
    if item.clinic_id not in (None, patient.clinic_id):
        raise ValidationError(_("Choose from this clinic's list."))


def _require_on(patient: Patient, on: dt.date, earliest: dt.date | None = None) -> None:
    problem = change_window(patient.opened_on, patient.local_today()).problem(on, _("The date"))
    if problem:
        raise ValidationError({"on": problem})
    if earliest is not None and on < earliest:
        raise ValidationError(
            {
                "on": _("The date must be on or after %(day)s, when it was last changed.")
                % {"day": earliest.isoformat()}
            }
        )


def _set_of(patient: Patient, item: Item) -> Any:
    """The patient's many-to-many manager for the item's kind."""
    return patient.tracked_symptoms if isinstance(item, Symptom) else patient.conditions


def _periods_of(patient: Patient, item: Item) -> QuerySet[Any, Any]:
    if isinstance(item, Symptom):
        return SymptomTracking.objects.filter(patient=patient, symptom=item)
    return ConditionPeriod.objects.filter(patient=patient, condition=item)


def _new_period(patient: Patient, item: Item, **dates: dt.date) -> RecordPeriod:
    if isinstance(item, Symptom):
        return SymptomTracking(patient=patient, symptom=item, **dates)
    return ConditionPeriod(patient=patient, condition=item, **dates)


def _audit(patient: Patient, actor: User, item: Item, change: str, on: dt.date) -> None:
    what = "symptom" if isinstance(item, Symptom) else "condition"
    record_audit(
        patient=patient,
        actor=actor,
        kind=AuditEvent.Kind.RECORD_CHANGED,
        summary=f"{what.capitalize()} {item.name} {change} {on.isoformat()}.",
        details={what: item.pk, "name": item.name, "change": change, "on": on.isoformat()},
    )


def record_item_add(*, patient: Patient, item: Item, on: dt.date, actor: User) -> RecordPeriod:
    """Track a symptom, or list a condition, from `on` (the record's opening day to today).
    A symptom added after the first dose gets its own baseline (`journal.response`)."""
    _require_of_clinic(patient, item)
    with transaction.atomic():
        lock_patient(patient)
        if _set_of(patient, item).filter(pk=item.pk).exists():
            raise ValidationError(_("%(name)s is already on the record.") % {"name": item.name})
        last = _periods_of(patient, item).order_by("-stopped_on").first()
        _require_on(patient, on, last.stopped_on if last else None)
        period = _new_period(patient, item, started_on=on)
        period.changed_by = actor
        period.full_clean()
        period.save()
        _set_of(patient, item).add(item)
        _audit(patient, actor, item, "tracked from" if isinstance(item, Symptom) else "added from", on)
        snapshot_refresh(patient, timezone.now())
    return period


def record_item_stop(*, patient: Patient, item: Item, on: dt.date, actor: User) -> RecordPeriod:
    """Stop tracking a symptom, or take a condition off the record, from `on`. A symptom
    stopped is no longer asked; its past scores stay on the chart, the CSV and the summary."""
    _require_of_clinic(patient, item)
    with transaction.atomic():
        lock_patient(patient)
        if not _set_of(patient, item).filter(pk=item.pk).exists():
            raise ValidationError(_("%(name)s is not on the record.") % {"name": item.name})
        period: RecordPeriod | None = _periods_of(patient, item).filter(stopped_on=None).first()
        if period is None:  # on the record since it was opened
            period = _new_period(patient, item, started_on=change_window(patient.opened_on, on).first)
        _require_on(patient, on, period.started_on)
        period.stopped_on = on
        period.changed_by = actor
        period.full_clean()
        period.save()
        _set_of(patient, item).remove(item)
        _audit(patient, actor, item, "stopped from" if isinstance(item, Symptom) else "removed from", on)
        snapshot_refresh(patient, timezone.now())
    return period


def birth_date_set(*, patient: Patient, date_of_birth: dt.date, actor: User) -> Patient:
    """Record or correct the patient's date of birth (1900 to today)."""
    problem = birth_window(patient.local_today()).problem(date_of_birth, _("The date of birth"))
    if problem:
        raise ValidationError({"date_of_birth": problem})
    with transaction.atomic():
        lock_patient(patient)
        before = patient.date_of_birth
        patient.date_of_birth = date_of_birth
        patient.full_clean(validate_unique=False)
        patient.save(update_fields=["date_of_birth"])
        record_audit(
            patient=patient,
            actor=actor,
            kind=AuditEvent.Kind.DETAILS_CHANGED,
            summary=f"Date of birth recorded: {date_of_birth.isoformat()}"
            + (f" (was {before.isoformat()})." if before else "."),
            details={
                "date_of_birth": date_of_birth.isoformat(),
                "was": before.isoformat() if before else None,
            },
        )
    return patient


def weight_record(
    *, patient: Patient, weight_kg: Decimal, measured_on: dt.date, actor: User
) -> WeightMeasurement:
    """Add a weight measurement (0.5 to 350 kg, from birth to today); earlier ones are kept."""
    problem = measured_window(patient.date_of_birth, patient.local_today()).problem(
        measured_on, _("The day it was measured")
    )
    if problem:
        raise ValidationError({"measured_on": problem})
    with transaction.atomic():
        lock_patient(patient)
        weight = WeightMeasurement(
            patient=patient, weight_kg=weight_kg, measured_on=measured_on, recorded_by=actor
        )
        weight.full_clean()
        weight.save()
        record_audit(
            patient=patient,
            actor=actor,
            kind=AuditEvent.Kind.DETAILS_CHANGED,
            summary=f"Weight recorded: {weight.weight_kg} kg, measured {measured_on.isoformat()}.",
            details={"weight_kg": str(weight.weight_kg), "measured_on": measured_on.isoformat()},
        )
    return weight
