"""Reads of the lab catalogue and of one lab result as plain data."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from journal.labs import LabValue
from journal.models import Clinic, LabResult, LabTest

# A stored result's columns in `LabValue`'s order, for reads of plain values.
LAB_VALUE_FIELDS = (
    "sampled_on",
    "test__name",
    "test__key",
    "value",
    "unit",
    "reference_low",
    "reference_high",
    "laboratory",
    "pk",
)


def lab_tests_of(clinic: Clinic | int) -> QuerySet[LabTest]:
    """The tests a clinic's clinicians can record: the shared catalogue and the clinic's own."""
    clinic_id = clinic if isinstance(clinic, int) else clinic.pk
    return LabTest.objects.filter(Q(clinic__isnull=True) | Q(clinic_id=clinic_id))


def lab_value(result: LabResult) -> LabValue:
    """One stored result as the domain core reads it (its test read with it)."""
    return LabValue(
        result.sampled_on,
        result.test.name,
        result.test.key,
        result.value,
        result.unit,
        result.reference_low,
        result.reference_high,
        result.laboratory,
        result.pk or 0,
    )
