"""journal.selectors.fhir_import: what an import is matched against, read in 3 queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from journal.models import LabTest, Medication
from journal.selectors.fhir_import import import_context, patient_import_context
from journal.services.labs import lab_result_record, lab_test_add
from tests.test_labs import NOW, OPENED, TODAY, tsh_test

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def opened(alice):
    alice.created_at = dt.datetime.combine(OPENED, dt.time(9), tzinfo=dt.UTC)
    alice.save(update_fields=["created_at"])
    return alice


def test_the_context_holds_the_clinics_tests_and_the_records_keys(
    opened, carol, ada, charlie, django_assert_num_queries
):
    own = lab_test_add(admin=ada, name="Vitamin D", unit="nmol/L")
    other = LabTest.objects.create(clinic=charlie.clinic, name="Ferritin")
    Medication.objects.create(patient=opened, name="  Tramadol ", started_on=dt.date(2025, 5, 1))
    lab_result_record(
        patient=opened, clinician=carol, test=tsh_test(), value=Decimal("2.10"), sampled_on=TODAY
    )
    with django_assert_num_queries(3):
        context = import_context(opened)
    names = {test.name for test in context.tests}
    assert {"TSH", own.name} <= names and other.name not in names
    assert context.medications == {("tramadol", dt.date(2025, 5, 1))}
    assert context.labs == {(tsh_test().pk, TODAY, Decimal("2.1"))}
    assert TODAY in context.sample_window and TODAY + dt.timedelta(days=1) not in context.sample_window
    assert context.taken_window.last == TODAY


def test_the_patient_context_holds_the_clinics_record_codes_and_tests(
    alice, bob, charlie, clinic, django_assert_num_queries
):
    alice.code = "ANNA-01"
    alice.save(update_fields=["code"])
    charlie_patient = charlie.clinic.patients.create(name="Other", code="OTHER-01")
    bob.code = ""
    bob.save(update_fields=["code"])
    with django_assert_num_queries(2):
        context = patient_import_context(clinic, NOW)
    assert context.codes == {"ANNA-01", f"patient-{bob.pk}"}, "a patient without a code by their export's"
    assert charlie_patient.code not in context.codes
    assert "TSH" in {test.name for test in context.tests}
    assert context.today == TODAY
