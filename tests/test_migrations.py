"""The input-bounds migration on a database that already holds rows outside the bounds: it
moves each value within them, audits each move, and leaves the constraints in place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from journal.models import (
    AuditEvent,
    Condition,
    DailyEntry,
    DoseStep,
    LdnPause,
    Medication,
    Patient,
    TitrationPlan,
)
from tests.factories import make_clinic, make_user

BEFORE = ("journal", "0008_read_audit")
D = dt.date


def migrate(to):
    executor = MigrationExecutor(connection)
    executor.migrate([to])
    return executor.loader.project_state([to]).apps


@pytest.fixture
def old_rows(transactional_db):
    """Rows as the app saved them before the bounds: absurd dates, a strength, long names."""
    clinic, user = make_clinic("Old clinic"), make_user("dr.old")
    old = migrate(BEFORE)
    clinician = old.get_model("journal", "Clinician").objects.create(user_id=user.pk, clinic_id=clinic.pk)
    patient = old.get_model("journal", "Patient").objects.create(clinic_id=clinic.pk, name="Olga")
    plan = old.get_model("journal", "TitrationPlan").objects.create(
        patient=patient,
        prescriber=clinician,
        status="active",
        starts_on=D(1, 1, 1),
        strength_mg=Decimal("9999"),
    )
    steps = old.get_model("journal", "DoseStep").objects
    for day in (D(1, 1, 1), D(2, 6, 1), D(2000, 1, 1)):  # the first two land on free days
        steps.create(plan=plan, start_date=day, dose_mg=Decimal("1.5"))
    old.get_model("journal", "LdnPause").objects.create(
        patient=patient, start_date=D(2026, 3, 5), end_date=D(9999, 12, 31), reason="x", created_by=clinician
    )
    old.get_model("journal", "DailyEntry").objects.create(
        patient=patient, entry_date=D(1, 1, 1), dose_taken=False
    )
    if connection.vendor == "sqlite":  # which does not hold a text to its length (PostgreSQL does)
        old.get_model("journal", "Medication").objects.create(patient=patient, name="m" * 300)
        conditions = old.get_model("journal", "Condition").objects
        conditions.create(clinic_id=clinic.pk, name="c" * 130)
        conditions.create(clinic_id=clinic.pk, name="c" * 120)  # what the first would be cut to
    yield patient.pk
    migrate(executor_leaf())


def executor_leaf():
    (leaf,) = MigrationExecutor(connection).loader.graph.leaf_nodes("journal")
    return leaf


def test_the_migration_moves_every_value_within_bounds_and_audits_each_move(old_rows):
    migrate(executor_leaf())
    patient = Patient.objects.get(pk=old_rows)
    plan = TitrationPlan.objects.get(patient=patient)
    assert (plan.starts_on, plan.strength_mg) == (D(2000, 1, 1), None)
    assert sorted(DoseStep.objects.values_list("start_date", flat=True)) == [
        D(2000, 1, 1),
        D(2000, 1, 2),
        D(2000, 1, 3),
    ]
    assert LdnPause.objects.get().end_date == D(2099, 12, 31)
    assert DailyEntry.objects.get().entry_date == D(2000, 1, 1)
    moves = AuditEvent.objects.filter(kind=AuditEvent.Kind.RECORD_CORRECTED)
    assert moves.filter(details__field="strength_mg", details__was="9999.000").exists()
    if connection.vendor == "sqlite":
        assert Medication.objects.get().name == "m" * 200
        assert sorted(Condition.objects.filter(clinic=patient.clinic).values_list("name", flat=True)) == [
            "c" * 116 + " (2)",
            "c" * 120,
        ]
        assert moves.count() == 8
    else:
        assert moves.count() == 6  # 5 dates and the strength
    step_move = moves.get(details__model="DoseStep", details__was="0001-01-01")
    assert (step_move.patient_id, step_move.actor) == (patient.pk, None)
    assert step_move.summary.startswith("The input-bounds migration moved the start_date of DoseStep")


def test_after_the_migration_the_database_refuses_dates_outside_the_span(old_rows):
    migrate(executor_leaf())
    plan = TitrationPlan.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        DoseStep.objects.create(plan=plan, start_date=D(9999, 12, 31), dose_mg=Decimal("1"))
