"""The audit log, the access log, the patient row lock and one-time request keys, shared by
every service.

Every write records what it did in the append-only audit log (`AuditEvent`); every read of a
patient's record by a clinician goes in the append-only access log (`AccessEvent`); writes to
one patient queue on the patient's row; a form's request key makes a resubmission a no-op."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import router, transaction
from django.db.models import Model
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery

from journal.findings import Finding, needing_confirmation
from journal.models import (
    AccessEvent,
    AuditEvent,
    Clinic,
    Patient,
    User,
)
from journal.selectors.compiled import CompiledRead


def record_audit(
    *,
    patient: Patient | None,
    actor: User | None,
    kind: str,
    summary: str,
    details: dict[str, Any] | None = None,
    clinic: Clinic | None = None,
    request_key: str | None = None,
) -> AuditEvent:
    """One audit row about `patient`, or, with patient=None, about the `clinic` itself.
    `request_key` names the form submission that made the change (see `_already_applied`)."""
    if patient is not None:
        clinic_id = patient.clinic_id
    elif clinic is not None:
        clinic_id = clinic.pk
    else:
        raise ValueError("An audit row is about a patient or a clinic.")
    event = AuditEvent(
        patient=patient,
        clinic_id=clinic_id,
        actor=actor,
        kind=kind,
        summary=summary[:500],
        details=details or {},
        request_key=request_key or None,
    )
    event.full_clean()
    event.save()
    return event


# SQLite has taken 32,766 variables a statement since 3.32 (2020); Django 5.2's `bulk_create` still
# splits at the 999 of older versions (166 reads a statement), so the inserts below are its own.
SQLITE_VARIABLES = 32766
# A read is 6 values: 5,000 reads stay within SQLite's 32,766 variables a statement.
READS_PER_INSERT = 5000


def record_reads(reads: Sequence[AccessEvent]) -> None:
    """A request's reads in one INSERT (up to READS_PER_INSERT patients, which a clinic export may
    hold)."""
    insert_rows(reads, per_insert=READS_PER_INSERT)


def rows_per_insert(model: type[Model]) -> int:
    """How many rows of `model` one INSERT takes within SQLite's variables."""
    return SQLITE_VARIABLES // len(_inserted_fields(model))


def insert_rows(
    rows: Sequence[Model], *, per_insert: int, ignore_conflicts: bool = False, returning: bool = False
) -> None:
    """Insert `rows` (of one model), `per_insert` a statement: for a fixed number of queries
    where `bulk_create` would make one per 999 values on SQLite. With `ignore_conflicts`, a row
    that breaks a unique constraint is left out; with `returning`, each row gets its id."""
    if not rows:
        return
    model = type(rows[0])
    fields = _inserted_fields(model)
    database = router.db_for_write(model)
    for start in range(0, len(rows), per_insert):
        batch = list(rows[start : start + per_insert])
        query = InsertQuery(model, on_conflict=OnConflict.IGNORE if ignore_conflicts else None)
        query.insert_values(fields, batch)
        returned = query.get_compiler(using=database).execute_sql(
            returning_fields=[model._meta.pk] if returning else None
        )
        for row, values in zip(batch, returned if returning else (), strict=False):
            row.pk = values[0]
            row._state.adding, row._state.db = False, database


def _inserted_fields(model: type[Model]) -> list[Any]:
    return [field for field in model._meta.concrete_fields if not field.primary_key]


def lock_patient(patient: Patient) -> None:
    """Queue this patient's writes: plan changes, medication changes and entries wait for one
    another, so each sees what the one before it wrote (SQLite queues all writers anyway).
    Called in a transaction, which holds the lock until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError("a patient is locked inside a transaction")
    if not _PATIENT_LOCKED.rows(patient=patient.pk):
        raise Patient.DoesNotExist(f"no patient {patient.pk}")


_PATIENT_LOCKED = CompiledRead(
    lambda patient: Patient.objects.select_for_update().filter(pk=patient).order_by().values_list("pk"),
    patient=int,
)


def already_applied(request_key: str | None) -> AuditEvent | None:
    """The audit row of a change made by the same form submission: a double click or a
    retried request is answered as done instead of changing the plan twice. Called with the
    patient locked, so the first submission's row is visible to the second."""
    return AuditEvent.objects.filter(request_key=request_key).first() if request_key else None


def finding_dicts(findings: Iterable[Finding]) -> list[dict[str, str]]:
    return [{"level": f.level, "code": f.code, "message": f.message, "reason": f.reason} for f in findings]


def require_confirmation(
    findings: Sequence[Finding], confirmed: bool, *, patient: Patient, actor: User, about: str
) -> None:
    """Refusals and blocks stop the change; warnings need the clinician's explicit
    confirmation, recorded as one WARNING_CONFIRMED row; notes pass."""
    stops = [f.message for f in findings if f.level.stops_save]
    if stops:
        raise ValidationError(stops)
    warnings = needing_confirmation(findings)
    if warnings and not confirmed:
        raise ValidationError("Confirm the warnings to save: " + " ".join(f.message for f in warnings))
    if warnings:
        record_audit(
            patient=patient,
            actor=actor,
            kind=AuditEvent.Kind.WARNING_CONFIRMED,
            summary=f"Confirmed for {about}: " + " ".join(f.message for f in warnings),
            details={"about": about, "warnings": finding_dicts(warnings)},
        )
