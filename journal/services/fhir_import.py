"""An import from a FHIR Bundle, confirmed by a clinician: the medicines and lab results its
plan lists are added in one transaction through the medication list's and the labs' own
services, so their rules, safety findings and audit rows apply as to a typed item.

A whole patient exported by LDN Journal (`patient_import`) comes into a clinic as a new
patient: the record, its conditions and tracked symptoms, the plans and their steps, the diary
and the medicines and lab results, in one transaction, once."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.fhir_import import (
    ConditionRead,
    DayToAdd,
    ImportPlan,
    PatientImportPlan,
    PlanToAdd,
    Recheck,
    recheck,
)
from journal.models import (
    AuditEvent,
    Clinic,
    Clinician,
    Condition,
    ConditionPeriod,
    DoseStep,
    LabTest,
    Patient,
    Symptom,
    TitrationPlan,
)
from journal.selectors.fhir_import import import_context, patient_import_context
from journal.selectors.labs import lab_tests_of
from journal.services.audit import lock_patient, record_audit
from journal.services.entries import entry_save
from journal.services.labs import lab_result_record
from journal.services.medications import medication_add, medication_stop
from journal.services.snapshots import snapshot_refresh


def fhir_import_apply(*, patient: Patient, clinician: Clinician, plan: ImportPlan) -> Recheck:
    """Add what the previewed plan lists, all or nothing. The plan is checked again against the
    record under the patient's lock: when an item was added meanwhile, nothing is added and the
    returned `Recheck` is `changed` (the clinician sees the new preview)."""
    if clinician.clinic_id != patient.clinic_id:
        raise ValidationError(_("Only a clinician of the patient's clinic can do this."))
    with transaction.atomic():
        lock_patient(patient)
        checked = recheck(plan, import_context(patient))
        if checked.changed:
            return checked
        _add_listed(patient, clinician, plan)
    return checked


def _add_listed(patient: Patient, clinician: Clinician, plan: ImportPlan) -> None:
    """The plan's medicines and lab results, through the list's and the labs' services."""
    tests = {
        test.pk: test
        for test in lab_tests_of(patient.clinic_id).filter(pk__in={lab.test_pk for lab in plan.labs})
    }
    for medication in plan.medications:
        added = medication_add(
            patient=patient,
            actor=clinician.user,
            name=medication.name,
            dose_text=medication.dose_text,
            started_on=medication.started_on,
        )
        if medication.stopped_on is not None:
            medication_stop(medication=added, actor=clinician.user, stopped_on=medication.stopped_on)
    for lab in plan.labs:
        test: LabTest | None = tests.get(lab.test_pk)
        if test is None:
            raise ValidationError(_("A lab test of the preview is no longer on the clinic's list."))
        lab_result_record(
            patient=patient,
            clinician=clinician,
            test=test,
            value=lab.value,
            unit=lab.unit,
            reference_low=lab.low,
            reference_high=lab.high,
            sampled_on=lab.day,
            laboratory=lab.laboratory,
        )


# --- a whole patient -----------------------------------------------------------------------


Item = TypeVar("Item", Condition, Symptom)


def _item(model: type[Item], clinic: Clinic, name: str) -> Item:
    """The shared catalogue's item of that name, else the clinic's own (made when missing, as
    a name typed at the invitation is)."""
    found = model.objects.filter(Q(clinic=None) | Q(clinic=clinic), name=name).order_by("clinic_id").first()
    if found is not None:
        return found
    item = model(clinic=clinic, name=name)
    item.full_clean()
    item.save()
    return item


def _add_conditions(patient: Patient, clinician: Clinician, conditions: tuple[ConditionRead, ...]) -> None:
    """Each condition on the record with the days it was, as the export dates them."""
    for read in conditions:
        condition = _item(Condition, patient.clinic, read.name)
        if read.onset is not None:
            period = ConditionPeriod(
                patient=patient,
                condition=condition,
                started_on=read.onset,
                stopped_on=None if read.active else read.abated,
                changed_by=clinician.user,
            )
            period.full_clean()
            period.save()
        if read.active:
            patient.conditions.add(condition)


def _add_plan(
    patient: Patient, clinician: Clinician, plan: PlanToAdd, *, newest: bool, today: dt.date
) -> None:
    in_force = newest and (plan.ended_on is None or plan.ended_on > today)
    row = TitrationPlan(
        patient=patient,
        prescriber=clinician,
        status=TitrationPlan.Status.ACTIVE if in_force else TitrationPlan.Status.ENDED,
        form=plan.form,
        immediate_release=plan.release == "immediate",
        starts_on=plan.steps[0].start_date,
        ended_on=plan.ended_on,
    )
    row.full_clean()
    row.save()
    for step in plan.steps:
        dose = DoseStep(
            plan=row,
            start_date=step.start_date,
            dose_mg=step.dose_mg,
            timing=step.timing,
            frequency=step.frequency,
            note=step.note,
        )
        dose.full_clean()
        dose.save()
    record_audit(
        patient=patient,
        actor=clinician.user,
        kind=AuditEvent.Kind.PLAN_CREATED,
        summary=f"Plan imported from a FHIR Bundle: {len(plan.steps)} steps from {row.starts_on}.",
        details={
            "plan": row.pk,
            "template": "fhir import",
            "form": plan.form,
            "steps": [[s.start_date.isoformat(), str(s.dose_mg), s.timing, s.frequency] for s in plan.steps],
            "ended_on": plan.ended_on.isoformat() if plan.ended_on else None,
        },
    )


def _add_day(patient: Patient, day: DayToAdd, symptoms: dict[str, int]) -> bool:
    """The day's entry through the diary's own service; False for a day with nothing left in
    it (its note, which the export does not carry, was all it held)."""
    try:
        entry_save(
            patient=patient,
            entry_date=day.day,
            dose_taken=day.dose_taken,
            dose_mg=day.dose_mg,
            timing_taken=day.timing_taken,
            time_taken=None,
            sleep_quality=day.sleep_quality,
            notes="",
            dose_deviation_confirmed=False,
            scores={symptoms[name]: score for name, score in day.scores},
            side_effects={kind: (severity, text) for kind, severity, text in day.side_effects},
            refresh_roster=False,  # once, at the end of the import
        )
    except ValidationError as error:
        if error.code == "empty":
            return False
        raise
    return True


def patient_import(
    *, clinician: Clinician, plan: PatientImportPlan, now: dt.datetime | None = None
) -> Patient | None:
    """A new patient of the clinician's clinic from the previewed plan, all or nothing, cared
    for by the clinician (who invites them to sign in as any patient). None when the clinic
    has a patient of the record code already: an import is done once (the clinic row is
    locked, so two confirmations at once make one patient)."""
    now = now or timezone.now()
    if plan.already_there or plan.opened_on is None:
        return None
    with transaction.atomic():
        clinic = Clinic.objects.select_for_update().get(pk=clinician.clinic_id)
        if plan.label in patient_import_context(clinic, now).codes:
            return None
        opened = dt.datetime.combine(plan.opened_on, dt.time(12), zoneinfo.ZoneInfo(clinic.time_zone))
        patient = Patient(
            clinic=clinic, name=plan.label, code=plan.label, time_zone=clinic.time_zone, created_at=opened
        )
        patient.full_clean()
        patient.save()
        patient.clinicians.add(clinician)
        _add_conditions(patient, clinician, plan.conditions)
        symptoms = {name: _item(Symptom, clinic, name) for name in plan.symptoms}
        patient.tracked_symptoms.add(*symptoms.values())
        today = patient.local_today(now)
        for number, read in enumerate(plan.plans, start=1):
            _add_plan(patient, clinician, read, newest=number == len(plan.plans), today=today)
        by_name = {name: symptom.pk for name, symptom in symptoms.items()}
        days = sum(_add_day(patient, day, by_name) for day in plan.days)
        _add_listed(patient, clinician, plan.record)
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.RECORD_CHANGED,
            summary=(
                f"Patient {plan.label} imported from a FHIR Bundle: {len(plan.conditions)} conditions, "
                f"{len(plan.symptoms)} symptoms, {len(plan.plans)} plans, {days} diary days, "
                f"{len(plan.record.medications)} medicines, {len(plan.record.labs)} lab results."
            ),
            details={"imported": plan.label, "plans": len(plan.plans), "days": days},
        )
        snapshot_refresh(patient, now)
    return patient
