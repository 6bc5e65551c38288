"""The input bounds (journal.bounds) held by the database, and a reason kept with a pause
recorded after it began.

Rows saved before these bounds may hold a date, a strength or a name outside them, and adding a
CHECK constraint to such a table fails: SQLite copies every row into a new table that has the
check, PostgreSQL checks every existing row. So the migration first moves each such value to the
nearest one within bounds (a date to the edge of its span, the next free day where a row must be
one per day; a strength outside 0.001–16 mg is cleared; a name is shortened) and writes one audit
row for each, naming the row, the value it had and the value it has now. Nothing is deleted. The
patient's pages then show "This record needs attention" (a date moved to the edge of 2000–2099
lies outside the patient's own window) until a clinician corrects it on the plan page.

SQLite drops a table's triggers when Django rebuilds the table to add a constraint: the plan
overlap guard of migration 0004 is created again at the end (and again when this is undone).
"""

import datetime
import importlib
from decimal import Decimal

import django.db.models.functions.text
import django.db.models.lookups
from django.db import migrations, models

DAY = datetime.timedelta(days=1)
TREATMENT = (datetime.date(2000, 1, 1), datetime.date(2099, 12, 31))
END = (datetime.date(2000, 1, 2), datetime.date(2100, 1, 1))
HISTORY = (datetime.date(1900, 1, 1), datetime.date(2099, 12, 31))
STRENGTH_MAX_MG = Decimal("16")
# Where a row's patient and clinic are: (patient id, clinic id), as paths from the row.
OF_PLAN, OF_PATIENT = ("plan__patient_id", "plan__patient__clinic_id"), ("patient_id", "patient__clinic_id")
# (model, field, span, the field a row's date must be unique with, its patient and clinic)
DATES = [
    ("DoseStep", "start_date", TREATMENT, "plan_id", OF_PLAN),
    ("TitrationPlan", "starts_on", TREATMENT, None, OF_PATIENT),
    ("TitrationPlan", "ended_on", END, None, OF_PATIENT),
    ("LdnPause", "start_date", TREATMENT, None, OF_PATIENT),
    ("LdnPause", "end_date", TREATMENT, None, OF_PATIENT),
    ("DailyEntry", "entry_date", TREATMENT, "patient_id", OF_PATIENT),
    ("Medication", "started_on", HISTORY, None, OF_PATIENT),
    ("Medication", "stopped_on", HISTORY, None, OF_PATIENT),
    ("Screening", "opioid_stopped_on", HISTORY, None, OF_PATIENT),
    ("Patient", "date_of_birth", HISTORY, None, ("pk", "clinic_id")),
]
# (model, field, longest, the field a name must be unique with, its patient and clinic)
TEXTS = [
    ("Condition", "name", 120, "clinic_id", (None, "clinic_id")),
    ("Symptom", "name", 120, "clinic_id", (None, "clinic_id")),
    ("Medication", "name", 200, None, OF_PATIENT),
    ("Medication", "dose_text", 200, None, OF_PATIENT),
]
overlap_guard = importlib.import_module("journal.migrations.0004_plan_periods_screening_questions_medication_audit")


def _audit(apps, row, model, field, was, now):
    """One audit row about the value the migration moved (about the patient, or the clinic)."""
    if row["owner_clinic"] is None:  # a name of the shared catalogue: seeded, never too long
        return
    apps.get_model("journal", "AuditEvent").objects.create(
        patient_id=row["owner_patient"],
        clinic_id=row["owner_clinic"],
        actor=None,
        kind="record_corrected",
        summary=f"The input-bounds migration moved the {field} of {model} {row['pk']} from {was} to {now}: "
        "outside what LDN Journal keeps (see journal.bounds).",
        details={"migration": "input_bounds", "model": model, "id": row["pk"], "field": field, "was": str(was), "now": str(now)},
    )


def _rows(rows, field, unique_with, owner):
    """The rows' ids and values, with their patient and clinic (`owner`: the paths to them)."""
    patient, clinic = owner
    names = ["pk", field] + ([unique_with] if unique_with else [])
    return list(
        rows.values(
            *names,
            owner_patient=models.F(patient) if patient else models.Value(None, models.IntegerField()),
            owner_clinic=models.F(clinic),
        )
    )


def _free_day(Model, field, day, step, unique_with, row):
    """`day`, or the nearest day inward that no other row of the same owner holds."""
    if unique_with is None:
        return day
    taken = set(
        Model.objects.filter(**{unique_with: row[unique_with]}).exclude(pk=row["pk"]).values_list(field, flat=True)
    )
    while day in taken:
        day += step
    return day


def move_values_within_bounds(apps, schema_editor):
    for model, field, (first, last), unique_with, owner in DATES:
        Model = apps.get_model("journal", model)
        outside = Model.objects.filter(models.Q(**{f"{field}__lt": first}) | models.Q(**{f"{field}__gt": last}))
        for row in _rows(outside, field, unique_with, owner):
            was = row[field]
            edge, step = (first, DAY) if was < first else (last, -DAY)
            now = _free_day(Model, field, edge, step, unique_with, row)
            Model.objects.filter(pk=row["pk"]).update(**{field: now})
            _audit(apps, row, model, field, was, now)
    TitrationPlan = apps.get_model("journal", "TitrationPlan")
    strength_outside = TitrationPlan.objects.filter(strength_mg__gt=STRENGTH_MAX_MG)
    for row in _rows(strength_outside, "strength_mg", None, OF_PATIENT):
        TitrationPlan.objects.filter(pk=row["pk"]).update(strength_mg=None)
        _audit(apps, row, "TitrationPlan", "strength_mg", row["strength_mg"], None)
    for model, field, longest, unique_with, owner in TEXTS:
        Model = apps.get_model("journal", model)
        too_long = Model.objects.annotate(chars=django.db.models.functions.text.Length(field)).filter(
            chars__gt=longest
        )
        for row in _rows(too_long, field, unique_with, owner):
            was, now, number = row[field], row[field][:longest], 1
            while unique_with and Model.objects.filter(**{unique_with: row[unique_with], field: now}).exists():
                number += 1
                now = f"{was[: longest - len(str(number)) - 3]} ({number})"
            Model.objects.filter(pk=row["pk"]).update(**{field: now})
            _audit(apps, row, model, field, was[:100], now[:100])
    if schema_editor.connection.vendor == "postgresql":
        # The checks these writes queued run now: PostgreSQL alters no table with checks pending.
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


class Migration(migrations.Migration):

    dependencies = [
        ('journal', '0008_read_audit'),
    ]

    operations = [
        migrations.RunPython(migrations.RunPython.noop, overlap_guard.sqlite_guard_made_again(create=True)),
        migrations.RemoveConstraint(
            model_name='titrationplan',
            name='plan_strength_positive',
        ),
        migrations.AddField(
            model_name='ldnpause',
            name='late_reason',
            field=models.CharField(blank=True, help_text='Why a pause begun before the day it was recorded was recorded afterwards.', max_length=200),
        ),
        migrations.AlterField(
            model_name='auditevent',
            name='kind',
            field=models.CharField(choices=[('patient_invited', 'patient invited'), ('invitation_accepted', 'invitation accepted'), ('screening', 'safety screening'), ('plan_created', 'plan created'), ('plan_changed', 'plan changed'), ('plan_acknowledged', 'plan change seen by patient'), ('warning_confirmed', 'warning confirmed'), ('ldn_paused', 'LDN paused'), ('advice_dismissed', 'advice dismissed'), ('reviewed', 'reviewed'), ('export', 'export'), ('calendar_reset', 'calendar link reset'), ('clinician_added', 'clinician added'), ('clinician_changed', 'clinician changed'), ('care_team_changed', 'care team changed'), ('medication_added', 'medication added'), ('medication_stopped', 'medication stopped'), ('clinic_settings_changed', 'clinic settings changed'), ('login_unlocked', 'sign-in unlocked'), ('two_factor_changed', 'two-factor sign-in changed'), ('access_report', 'access report exported'), ('record_corrected', 'record corrected')], max_length=30),
        ),
        migrations.RunPython(move_values_within_bounds, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='condition',
            constraint=models.CheckConstraint(condition=models.Q(django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('name'), 120)), name='condition_name_length'),
        ),
        migrations.AddConstraint(
            model_name='dailyentry',
            constraint=models.CheckConstraint(condition=models.Q(('entry_date__gte', datetime.date(2000, 1, 1)), ('entry_date__lte', datetime.date(2099, 12, 31))), name='entry_date_in_span', violation_error_message='Dates here lie from 2000-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='dosestep',
            constraint=models.CheckConstraint(condition=models.Q(('start_date__gte', datetime.date(2000, 1, 1)), ('start_date__lte', datetime.date(2099, 12, 31))), name='step_date_in_span', violation_error_message='Dates here lie from 2000-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='ldnpause',
            constraint=models.CheckConstraint(condition=models.Q(('start_date__gte', datetime.date(2000, 1, 1)), ('start_date__lte', datetime.date(2099, 12, 31)), ('end_date__gte', datetime.date(2000, 1, 1)), ('end_date__lte', datetime.date(2099, 12, 31))), name='pause_dates_in_span', violation_error_message='Dates here lie from 2000-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='medication',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(models.Q(('started_on__gte', datetime.date(1900, 1, 1)), ('started_on__lte', datetime.date(2099, 12, 31))), ('started_on__isnull', True), _connector='OR'), models.Q(models.Q(('stopped_on__gte', datetime.date(1900, 1, 1)), ('stopped_on__lte', datetime.date(2099, 12, 31))), ('stopped_on__isnull', True), _connector='OR')), name='medication_dates_in_span', violation_error_message='Dates here lie from 1900-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='medication',
            constraint=models.CheckConstraint(condition=models.Q(django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('name'), 200), django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('dose_text'), 200)), name='medication_text_length'),
        ),
        migrations.AddConstraint(
            model_name='patient',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('date_of_birth__gte', datetime.date(1900, 1, 1)), ('date_of_birth__lte', datetime.date(2099, 12, 31))), ('date_of_birth__isnull', True), _connector='OR'), name='patient_birth_in_span', violation_error_message='Dates here lie from 1900-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='screening',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('opioid_stopped_on__gte', datetime.date(1900, 1, 1)), ('opioid_stopped_on__lte', datetime.date(2099, 12, 31))), ('opioid_stopped_on__isnull', True), _connector='OR'), name='screening_opioid_stop_in_span', violation_error_message='Dates here lie from 1900-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='symptom',
            constraint=models.CheckConstraint(condition=models.Q(django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('name'), 120)), name='symptom_name_length'),
        ),
        migrations.AddConstraint(
            model_name='titrationplan',
            constraint=models.CheckConstraint(condition=models.Q(('strength_mg__isnull', True), models.Q(('strength_mg__gt', 0), ('strength_mg__lte', Decimal('16'))), _connector='OR'), name='plan_strength_within_range'),
        ),
        migrations.AddConstraint(
            model_name='titrationplan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('starts_on__gte', datetime.date(2000, 1, 1)), ('starts_on__lte', datetime.date(2099, 12, 31))), ('starts_on__isnull', True), _connector='OR'), name='plan_start_in_span', violation_error_message='Dates here lie from 2000-01-01 to 2099-12-31.'),
        ),
        migrations.AddConstraint(
            model_name='titrationplan',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('ended_on__gte', datetime.date(2000, 1, 2)), ('ended_on__lte', datetime.date(2100, 1, 1))), ('ended_on__isnull', True), _connector='OR'), name='plan_end_in_span', violation_error_message='Dates here lie from 2000-01-02 to 2100-01-01.'),
        ),
        migrations.RunPython(overlap_guard.sqlite_guard_made_again(create=True), overlap_guard.sqlite_guard_made_again(create=False)),
    ]
