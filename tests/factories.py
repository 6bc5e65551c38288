"""Small builders for test data. Each returns saved model instances."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from decimal import Decimal
from itertools import count

from django.apps import apps
from django.db import connection
from django.db.models import CheckConstraint
from django.utils import timezone

from journal.models import (
    Caregiver,
    Clinic,
    Clinician,
    DailyEntry,
    DoseStep,
    Patient,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
    User,
)
from journal.schedule import DAY

_serial = count(1)


@contextmanager
def unchecked_rows():
    """Rows saved inside are not checked against the database's CHECK constraints, as rows
    saved before a constraint existed: SQLite is told to ignore them, PostgreSQL drops them
    until the test's transaction rolls back (or, in a test that commits, until the block ends)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA ignore_check_constraints = ON")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = OFF")
        return
    checks = [
        (model, constraint)
        for model in apps.get_app_config("journal").get_models()
        for constraint in model._meta.constraints
        if isinstance(constraint, CheckConstraint)
    ]
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no table is altered with checks pending
        for model, constraint in checks:
            cursor.execute(f'ALTER TABLE "{model._meta.db_table}" DROP CONSTRAINT "{constraint.name}"')
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django's own foreign keys are
    try:
        yield
    finally:
        if not connection.in_atomic_block:
            # A test that commits (a browser test's live server) has no rollback to bring the
            # checks back: they come back without checking the rows made above (NOT VALID), so
            # every later row is checked and the later tests' migrations find them.
            with connection.schema_editor() as editor:
                for model, constraint in checks:
                    # params=None, as Django's own add_constraint: a LIKE pattern's % is no placeholder
                    editor.execute(f"{constraint.create_sql(model, editor)} NOT VALID", params=None)


def make_user(username: str | None = None, **fields) -> User:
    username = username or f"user{next(_serial)}"
    return User.objects.create_user(username, password="correct-horse-battery", **fields)


def make_clinic(name: str | None = None, **fields) -> Clinic:
    return Clinic.objects.create(name=name or f"Clinic {next(_serial)}", **fields)


def make_clinician(clinic: Clinic, username: str | None = None, *, admin: bool = False) -> Clinician:
    user = make_user(username, first_name=(username or "Dr").title(), last_name="Clinician")
    return Clinician.objects.create(user=user, clinic=clinic, is_clinic_admin=admin)


def make_patient(
    clinic: Clinic,
    username: str | None = None,
    *,
    clinicians: tuple[Clinician, ...] = (),
    symptoms: tuple[str, ...] = ("Pain", "Fatigue"),
    time_zone: str = "UTC",
    **fields,
) -> Patient:
    user = make_user(username) if username else None
    # A patient with a login has read the introduction, as every patient who signed in before it
    # existed (migration 0012); tests of the introduction pass introduced_at=None.
    fields.setdefault("introduced_at", timezone.now() if user else None)
    patient = Patient.objects.create(
        user=user,
        clinic=clinic,
        name=fields.pop("name", (username or "Pat").title()),
        time_zone=time_zone,
        **fields,
    )
    patient.tracked_symptoms.add(*Symptom.objects.filter(clinic=None, name__in=symptoms))
    patient.clinicians.add(*clinicians)
    return patient


def make_caregiver(patient: Patient, invited_by: Clinician, username: str | None = None) -> Caregiver:
    """A caregiver of `patient` who has accepted their invitation (a login of their own)."""
    user = make_user(username, first_name=(username or "Kim").title(), last_name="Carer")
    return Caregiver.objects.create(
        patient=patient, user=user, name=f"{user.first_name} Carer", invited_by=invited_by
    )


def make_plan(
    patient: Patient,
    prescriber: Clinician,
    steps: list[tuple[dt.date, str] | tuple[dt.date, str, str] | tuple[dt.date, str, str, str]],
    *,
    status: str = TitrationPlan.Status.ACTIVE,
    **fields,
) -> TitrationPlan:
    fields.setdefault("starts_on", min((step[0] for step in steps), default=None))
    plan = TitrationPlan.objects.create(patient=patient, prescriber=prescriber, status=status, **fields)
    for start_date, dose, *rest in steps:
        timing = rest[0] if rest else "bedtime"
        frequency = rest[1] if len(rest) > 1 else "daily"
        DoseStep.objects.create(
            plan=plan, start_date=start_date, dose_mg=Decimal(dose), timing=timing, frequency=frequency
        )
    return plan


def make_entry(
    patient: Patient, day: dt.date, *, scores: dict[str, int] | None = None, **fields
) -> DailyEntry:
    fields.setdefault("dose_taken", True)
    if fields["dose_taken"]:
        fields.setdefault("dose_mg", Decimal("1.5"))
    entry = DailyEntry.objects.create(patient=patient, entry_date=day, **fields)
    for name, score in (scores or {}).items():
        SymptomScore.objects.create(
            entry=entry, symptom=Symptom.objects.get(clinic=None, name=name), score=score
        )
    return entry


def log_days(
    patient: Patient,
    first: dt.date,
    last: dt.date,
    *,
    scores: dict[str, int] | None = None,
    side_effect_every: int = 10,
) -> None:
    """One entry a day with scores (default Pain 6, Fatigue 6), sleep quality and a mild
    headache every `side_effect_every` days, in a few bulk queries."""
    scores = scores or {"Pain": 6, "Fatigue": 6}
    days = [first + offset * DAY for offset in range((last - first).days + 1)]
    entries = DailyEntry.objects.bulk_create(
        DailyEntry(
            patient=patient,
            entry_date=day,
            dose_taken=True,
            dose_mg=Decimal("3"),
            timing_taken="bedtime",
            sleep_quality=6,
            notes="ok" if day.day == 1 else "",
        )
        for day in days
    )
    symptoms = {symptom.name: symptom for symptom in Symptom.objects.filter(clinic=None, name__in=scores)}
    SymptomScore.objects.bulk_create(
        SymptomScore(entry=entry, symptom=symptoms[name], score=score)
        for entry in entries
        for name, score in scores.items()
    )
    SideEffectReport.objects.bulk_create(
        SideEffectReport(entry=entry, kind="headache", severity="mild")
        for index, entry in enumerate(entries)
        if index % side_effect_every == 0
    )
