"""Lab results, recorded and deleted by a clinician of the patient's clinic, and the clinic's
own lab tests, added by its admin: the one write path of each, audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from journal.bounds import REASON_MAX_CHARS, sample_window
from journal.labs import result_words
from journal.models import AuditEvent, Clinician, LabResult, LabTest, Patient
from journal.selectors.labs import lab_tests_of, lab_value
from journal.services.audit import already_applied, lock_patient, record_audit
from journal.services.snapshots import snapshot_refresh


def _require_clinician_of(clinician: Clinician, patient: Patient) -> None:
    if clinician.clinic_id != patient.clinic_id:
        raise ValidationError(_("Only a clinician of the patient's clinic can do this."))


def lab_result_record(
    *,
    patient: Patient,
    clinician: Clinician,
    test: LabTest,
    value: Decimal,
    sampled_on: dt.date,
    unit: str = "",
    reference_low: Decimal | None = None,
    reference_high: Decimal | None = None,
    laboratory: str = "",
    request_key: str | None = None,
) -> LabResult | None:
    """Record one result from a laboratory's report. An empty unit is the test's usual one;
    the range is the laboratory's, never assumed. The sample date lies within the patient's
    `sample_window`. A resubmitted form (same `request_key`) records nothing and gives None."""
    _require_clinician_of(clinician, patient)
    if test.clinic_id not in (None, patient.clinic_id):
        raise ValidationError({"test": _("Choose a test of this clinic's list.")})
    if problem := sample_window(patient.opened_on, patient.local_today()).problem(
        sampled_on, _("The sample date")
    ):
        raise ValidationError({"sampled_on": problem})
    with transaction.atomic():
        lock_patient(patient)
        if already_applied(request_key):
            return None
        result = LabResult(
            patient=patient,
            test=test,
            value=value,
            unit=" ".join(unit.split()) or test.unit,
            reference_low=reference_low,
            reference_high=reference_high,
            sampled_on=sampled_on,
            laboratory=" ".join(laboratory.split()),
            recorded_by=clinician,
        )
        result.full_clean()
        result.save()
        words = result_words(lab_value(result))
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.LAB_RESULT_RECORDED,
            summary=f"Lab result recorded: {words}, sampled {sampled_on.isoformat()}"
            + (f" ({result.laboratory})." if result.laboratory else "."),
            details={"lab_result": result.pk, "test": test.name, "result": words},
            request_key=request_key,
        )
        snapshot_refresh(patient, timezone.now())
    return result


def lab_result_delete(*, result: LabResult, clinician: Clinician, reason: str) -> None:
    """Delete a result recorded in error, with the reason (kept in the audit log; the row's
    history keeps what it said)."""
    patient = result.patient
    _require_clinician_of(clinician, patient)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": _("Say why the result is deleted.")})
    if len(reason) > REASON_MAX_CHARS:
        raise ValidationError(
            {"reason": _("At most %(count)d characters: shorten the reason.") % {"count": REASON_MAX_CHARS}}
        )
    with transaction.atomic():
        lock_patient(patient)
        words = result_words(lab_value(result))
        pk = result.pk
        result.delete()
        record_audit(
            patient=patient,
            actor=clinician.user,
            kind=AuditEvent.Kind.LAB_RESULT_DELETED,
            summary=f"Lab result deleted: {words}, sampled {result.sampled_on.isoformat()}. Reason: {reason}",
            details={"lab_result": pk, "result": words, "reason": reason},
        )
        snapshot_refresh(patient, timezone.now())


def lab_test_add(
    *,
    admin: Clinician,
    name: str,
    unit: str = "",
    reference_low: Decimal | None = None,
    reference_high: Decimal | None = None,
) -> LabTest:
    """A test of the clinic's own, next to the shared catalogue's; its unit and range are the
    usual ones, a reminder on the form."""
    if not admin.is_clinic_admin:
        raise ValidationError(_("Only an admin of this clinic can do this."))
    name = " ".join(name.split())
    if lab_tests_of(admin.clinic_id).filter(name__iexact=name).exists():
        raise ValidationError({"name": _("The clinic's list already has a test of that name.")})
    with transaction.atomic():
        test = LabTest(
            clinic_id=admin.clinic_id,
            name=name,
            unit=" ".join(unit.split()),
            reference_low=reference_low,
            reference_high=reference_high,
        )
        test.full_clean()
        test.save()
        record_audit(
            patient=None,
            clinic=admin.clinic,
            actor=admin.user,
            kind=AuditEvent.Kind.LAB_TEST_ADDED,
            summary=f"Lab test added to the clinic's list: {test.name}"
            + (f" ({test.unit})." if test.unit else "."),
            details={"lab_test": test.pk, "name": test.name, "unit": test.unit},
        )
    return test
