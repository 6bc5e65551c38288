"""An import from a FHIR Bundle, confirmed by a clinician: the medicines and lab results its
plan lists are added in one transaction through the medication list's and the labs' own
services, so their rules, safety findings and audit rows apply as to a typed item."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from journal.fhir_import import ImportPlan, Recheck, recheck
from journal.models import Clinician, LabTest, Patient
from journal.selectors.fhir_import import import_context
from journal.selectors.labs import lab_tests_of
from journal.services.audit import lock_patient
from journal.services.labs import lab_result_record
from journal.services.medications import medication_add, medication_stop


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
    return checked
