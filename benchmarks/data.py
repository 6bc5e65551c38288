"""Clinics for the benchmarks (and for tests that need many patients), built fast: bulk inserts
in batches of patients, the journal made by the database itself (INSERT … SELECT), no history
rows, no services: 2,000 patients × 1 year in seconds.

Rows written here bypass the services, so anything a service keeps in step with the journal
(a derived row per patient, say) has to be brought up to date at the end of `add_patients` and
`add_chart_patient`, as the app's own refresh would."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Model
from django.utils import timezone

from benchmarks.scale import Scale
from journal.catalogue import SYMPTOMS
from journal.models import (
    Clinic,
    Clinician,
    DailyEntry,
    DoseStep,
    Patient,
    Screening,
    SideEffectReport,
    Symptom,
    SymptomScore,
    TitrationPlan,
    User,
)
from journal.schedule import DAY
from journal.services.operations import journal_statistics_refresh
from journal.services.snapshots import snapshots_refresh_due

BATCH_PATIENTS = 100  # about 36,000 entries a batch at a year each: memory stays small
PASSWORD = "ldn-bench-2026"  # every benchmark login's
CHART_STEPS = ((7, "0.5"), (21, "1"), (35, "1.5"), (49, "3"), (77, "4.5"))  # (day, mg) from day 0


@dataclass(frozen=True)
class Clinics:
    """The benchmark's clinics and logins, each clinic with a clinic admin (the whole roster)."""

    large: Clinic
    large_admin: User
    small: Clinic
    small_admin: User
    chart_patient: User
    chart_admin: User
    first_day: dt.date  # of the large clinic's journal
    last_day: dt.date


def build(scale: Scale, today: dt.date) -> Clinics:
    """A large clinic, a small one, and a patient with a login whose chart is full."""
    password = make_password(PASSWORD)  # hashed once: every login shares it
    large, large_admin = clinic_with_admin("Bench large clinic", "bench.large", password)
    first = add_patients(
        large, large_admin, patients=scale.patients, days=scale.days, last_day=today, code="L"
    )
    small, small_admin = clinic_with_admin("Bench small clinic", "bench.small", password)
    add_patients(small, small_admin, patients=scale.small_patients, days=scale.days, last_day=today, code="S")
    chart_clinic, chart_admin = clinic_with_admin("Bench chart clinic", "bench.chart", password)
    login = User.objects.create(username="bench.patient", password=password)
    add_chart_patient(
        chart_clinic,
        chart_admin,
        login=login,
        days=scale.chart_days,
        symptoms=scale.chart_symptoms,
        last_day=today,
    )
    while snapshots_refresh_due(now=timezone.now()):  # the worker's refresh of the roster's rows
        pass
    return Clinics(
        large=large,
        large_admin=large_admin.user,
        small=small,
        small_admin=small_admin.user,
        chart_patient=login,
        chart_admin=chart_admin.user,
        first_day=first,
        last_day=today,
    )


def clinic_with_admin(name: str, username: str, password_hash: str) -> tuple[Clinic, Clinician]:
    clinic = Clinic.objects.create(name=name)
    user = User.objects.create(
        username=username, password=password_hash, first_name="Bench", last_name="Admin"
    )
    return clinic, Clinician.objects.create(user=user, clinic=clinic, is_clinic_admin=True)


def add_patients(
    clinic: Clinic, prescriber: Clinician, *, patients: int, days: int, last_day: dt.date, code: str = "C"
) -> dt.date:
    """`patients` patients with `days` days of journal each, ending on `last_day`: screened
    (nothing found), a plan stepping up to 1.5 mg on day 7 and 3 mg on day 60, Pain scored,
    one day a week unlogged, a headache on every tenth entry. Codes `code` + a number
    (C000, C001, …). Returns the first day."""
    first = last_day - (days - 1) * DAY
    width = max(3, len(str(patients - 1)))
    for start in range(0, patients, BATCH_PATIENTS):
        numbers = range(start, min(start + BATCH_PATIENTS, patients))
        _add_batch(clinic, prescriber, [f"{code}{n:0{width}d}" for n in numbers], first, days)
    journal_statistics_refresh()
    return first


def _add_batch(clinic: Clinic, prescriber: Clinician, codes: list[str], first: dt.date, days: int) -> None:
    pain = Symptom.objects.get(clinic=None, name="Pain")
    people = Patient.objects.bulk_create(
        [Patient(clinic=clinic, name=f"Patient {code}", code=code) for code in codes]
    )
    link = Patient.tracked_symptoms.through
    link.objects.bulk_create([link(patient_id=person.pk, symptom_id=pain.pk) for person in people])
    Screening.objects.bulk_create(
        [Screening(patient=person, screened_by=prescriber, screened_at=_noon(first)) for person in people]
    )
    plans = TitrationPlan.objects.bulk_create(
        [
            TitrationPlan(patient=person, prescriber=prescriber, status="active", starts_on=first + 7 * DAY)
            for person in people
        ]
    )
    DoseStep.objects.bulk_create(
        [
            DoseStep(plan=plan, start_date=first + offset * DAY, dose_mg=Decimal(dose))
            for plan in plans
            for offset, dose in ((7, "1.5"), (60, "3"))
        ]
    )
    # The journal is most of the rows: made by the database from one row each (INSERT … SELECT).
    ids = [person.pk for person in people]
    logged = [first + n * DAY for n in range(days) if n % 7 != 3]
    day_field = DailyEntry._meta.get_field("entry_date")
    insert_per_row(
        DailyEntry(dose_taken=True, dose_mg=Decimal("1.5"), timing_taken="bedtime", sleep_quality=5),
        {"patient_id": "p.id", "entry_date": "d.column1"},
        f"journal_patient p CROSS JOIN (VALUES {_marks(logged, '(%s)')}) AS d WHERE p.id IN ({_marks(ids)})",
        [*(day_field.get_db_prep_value(day, connection) for day in logged), *ids],
    )
    of_batch = f"journal_dailyentry e WHERE e.patient_id IN ({_marks(ids)})"
    insert_per_row(SymptomScore(symptom=pain, score=4), {"entry_id": "e.id"}, of_batch, ids)
    every_tenth = f"{of_batch} AND e.id %% 10 = 0"
    insert_per_row(SideEffectReport(kind="headache", severity="mild"), {"entry_id": "e.id"}, every_tenth, ids)


def insert_per_row(template: Model, computed: dict[str, str], source: str, params: list[Any]) -> None:
    """Rows of `template`'s table, one for each row of `source` ("<tables> WHERE …", with
    `params`): the `computed` columns from SQL over it, every other column as in `template`
    (its defaults included), prepared for the database as a save would."""
    fields = [field for field in template._meta.concrete_fields if not field.primary_key]
    values, fixed = [], []
    for field in fields:
        if field.column in computed:
            values.append(computed[field.column])
        else:
            values.append("%s")
            fixed.append(field.get_db_prep_save(field.pre_save(template, add=True), connection))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"INSERT INTO {quote(template._meta.db_table)} ({columns}) SELECT {', '.join(values)} FROM {source}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fixed, *params])


def _marks(values: list[Any], mark: str = "%s") -> str:
    return ", ".join([mark] * len(values))


def add_chart_patient(
    clinic: Clinic, prescriber: Clinician, *, login: User, days: int, symptoms: int, last_day: dt.date
) -> Patient:
    """A patient who logs every day for `days` days up to `last_day` and scores `symptoms`
    symptoms each time (scores that vary day to day, as a real chart's do): a baseline week,
    then a plan ramping up to 4.5 mg, side effects after each step-up, sleep and a note now
    and then."""
    first = last_day - (days - 1) * DAY
    rng = random.Random(days)
    patient = Patient.objects.create(
        user=login, clinic=clinic, name="Bench Patient", code="CHART", created_at=_noon(first)
    )
    tracked = list(Symptom.objects.filter(clinic=None, name__in=[name for name, _ in SYMPTOMS[:symptoms]]))
    patient.tracked_symptoms.add(*tracked)
    Screening.objects.create(patient=patient, screened_by=prescriber, screened_at=_noon(first))
    plan = TitrationPlan.objects.create(
        patient=patient, prescriber=prescriber, status="active", starts_on=first + CHART_STEPS[0][0] * DAY
    )
    steps = [(first + offset * DAY, Decimal(mg)) for offset, mg in CHART_STEPS]
    DoseStep.objects.bulk_create([DoseStep(plan=plan, start_date=day, dose_mg=mg) for day, mg in steps])
    entries = DailyEntry.objects.bulk_create(
        [_chart_entry(patient, first + n * DAY, steps, rng) for n in range(days)]
    )
    SymptomScore.objects.bulk_create(
        [
            SymptomScore(entry=entry, symptom=symptom, score=_score(n, symptom.higher_is_better, rng))
            for n, entry in enumerate(entries)
            for symptom in tracked
        ]
    )
    SideEffectReport.objects.bulk_create(
        [
            SideEffectReport(
                entry=entry, kind=rng.choice(("vivid_dreams", "insomnia", "headache")), severity="mild"
            )
            for entry in entries
            if any(0 <= (entry.entry_date - day).days < 4 for day, _ in steps)
        ]
    )
    return patient


def _chart_entry(patient: Patient, day: dt.date, steps: list[tuple[dt.date, Decimal]], rng: random.Random):
    prescribed = [mg for start, mg in steps if start <= day]
    taken = bool(prescribed) and rng.random() > 0.05
    return DailyEntry(
        patient=patient,
        entry_date=day,
        dose_taken=taken,
        dose_mg=prescribed[-1] if taken else None,
        timing_taken="bedtime" if taken else "",
        sleep_quality=rng.randint(3, 9),
        notes="Tired after work." if rng.random() < 0.1 else "",
    )


def _score(day_number: int, higher_is_better: bool, rng: random.Random) -> int:
    """About 7 at first, easing towards 3 over the months (or the reverse when higher is better)."""
    eased = max(3.0, 7 - day_number / 30) + rng.uniform(-1.5, 1.5)
    score = round(min(10.0, max(0.0, eased)))
    return 10 - score if higher_is_better else score


def _noon(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC)
