"""journal.selectors.labs: the lab catalogue a clinic sees, and a stored result as plain data."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from journal.labs import LabValue
from journal.models import LabResult, LabTest
from journal.selectors.labs import lab_tests_of, lab_value


def test_a_clinic_sees_the_shared_tests_and_its_own_not_another_clinics(clinic, other_clinic):
    ours = LabTest.objects.create(clinic=clinic, name="Vitamin D", unit="nmol/L")
    LabTest.objects.create(clinic=other_clinic, name="Ferritin", unit="µg/L")
    names = {test.name for test in lab_tests_of(clinic)}
    assert names == {"TSH", "Free T4", "ESR", "CRP", "Thyroid peroxidase antibodies", "Vitamin D"}
    assert set(lab_tests_of(clinic.pk)) == set(lab_tests_of(clinic)) and ours in lab_tests_of(clinic)


def test_a_stored_result_as_the_domain_core_reads_it(alice, carol):
    tsh = LabTest.objects.get(clinic=None, key="tsh")
    result = LabResult.objects.create(
        patient=alice,
        test=tsh,
        value=Decimal("2.10"),
        unit="mIU/L",
        reference_low=Decimal("0.4"),
        reference_high=Decimal("4.0"),
        sampled_on=dt.date(2026, 3, 1),
        laboratory="City Lab",
        recorded_by=carol,
    )
    assert lab_value(result) == LabValue(
        dt.date(2026, 3, 1),
        "TSH",
        "tsh",
        Decimal("2.10"),
        "mIU/L",
        Decimal("0.4"),
        Decimal("4.0"),
        "City Lab",
        result.pk,
    )
