"""journal.services.labs: recording and deleting lab results, and a clinic's own tests."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction

from journal.bounds import LAB_VALUE_MAX
from journal.catalogue import LAB_TESTS
from journal.forms.labs import LabTestForm
from journal.models import AuditEvent, LabResult, LabTest
from journal.schedule import DAY
from journal.selectors.labs import lab_tests_of
from journal.services.labs import lab_result_delete, lab_result_record, lab_test_add
from tests import test_labs
from tests.test_labs import NOW, OPENED, TODAY, tsh_test

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]
opened = test_labs.opened  # the fixture: Alice, her record opened a month ago


# --- the catalogue -------------------------------------------------------------------------------


def test_the_migration_seeds_the_built_in_tests_with_their_usual_unit_and_range(db):
    built_in = {test.key: test for test in LabTest.objects.filter(clinic=None)}
    assert (
        set(built_in) == {"tsh", "free_t4", "esr", "crp", "tpo_antibodies"} == {row[0] for row in LAB_TESTS}
    )
    tsh = built_in["tsh"]
    assert (tsh.name, tsh.unit, tsh.reference_low, tsh.reference_high) == ("TSH", "mIU/L", Decimal("0.4"), 4)


def test_a_clinic_admin_adds_a_test_that_only_the_clinics_clinicians_see(clinic, other_clinic, ada, charlie):
    test = lab_test_add(admin=ada, name="  Vitamin   D ", unit="nmol/L", reference_low=Decimal(50))
    assert (test.name, test.clinic, test.key) == ("Vitamin D", clinic, "")
    assert test in lab_tests_of(clinic)
    assert test not in lab_tests_of(other_clinic)
    assert lab_tests_of(other_clinic).count() == len(LAB_TESTS)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LAB_TEST_ADDED)
    assert (event.clinic, event.patient, event.summary) == (
        clinic,
        None,
        "Lab test added to the clinic's list: Vitamin D (nmol/L).",
    )


def test_only_an_admin_adds_a_test_and_a_name_is_not_listed_twice(carol, ada):
    with pytest.raises(ValidationError, match="Only an admin"):
        lab_test_add(admin=carol, name="Vitamin D")
    with pytest.raises(ValidationError, match="already has a test of that name"):
        lab_test_add(admin=ada, name="tsh")  # the catalogue's, in any capitalisation
    assert not LabTest.objects.exclude(clinic=None).exists()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": ""}, "name", "Enter the test's name."),
        ({"name": "x" * 121}, "name", "at most 120 characters"),
        ({"name": "Ferritin", "unit": "u" * 31}, "unit", "at most 30 characters"),
        ({"name": "Ferritin", "reference_low": "-1"}, "reference_low", "A lab value is not below 0."),
        (
            {"name": "Ferritin", "reference_low": "30", "reference_high": "20"},
            "reference_high",
            "low end is above",
        ),
    ],
)
def test_the_lab_test_form_refuses_each_bad_value_with_its_message(db, data, field, message):
    form = LabTestForm(data)
    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


# --- recording a result --------------------------------------------------------------------------


def record(patient, clinician, **fields):
    fields = {"test": tsh_test(), "value": Decimal("2.1"), "sampled_on": TODAY - 3 * DAY, **fields}
    return lab_result_record(patient=patient, clinician=clinician, **fields)


def test_a_result_is_recorded_with_the_laboratorys_range_and_audited(opened, carol):
    result = record(
        opened,
        carol,
        reference_low=Decimal("0.5"),
        reference_high=Decimal("5.5"),
        laboratory=" City   Lab ",
    )
    result.refresh_from_db()
    assert (result.unit, result.laboratory, result.recorded_by, result.recorded_at) == (
        "mIU/L",  # empty: the test's usual unit
        "City Lab",
        carol,
        NOW,
    )
    assert (result.reference_low, result.reference_high) == (Decimal("0.5"), Decimal("5.5"))
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LAB_RESULT_RECORDED)
    assert event.patient == opened
    assert event.actor == carol.user
    assert (
        event.summary
        == f"Lab result recorded: TSH 2.1 mIU/L (0.5–5.5), sampled {TODAY - 3 * DAY} (City Lab)."
    )
    assert result.history.count() == 1


def test_a_resubmitted_form_records_the_result_once(opened, carol):
    assert record(opened, carol, request_key="k1") is not None
    assert record(opened, carol, request_key="k1") is None
    assert LabResult.objects.count() == 1


def test_a_clinician_of_another_clinic_cannot_record_or_use_another_clinics_test(opened, carol, charlie, ada):
    with pytest.raises(ValidationError, match="Only a clinician of the patient's clinic"):
        record(opened, charlie)
    elsewhere = LabTest.objects.create(clinic=charlie.clinic, name="Their test")
    with pytest.raises(ValidationError, match="Choose a test of this clinic's list"):
        record(opened, carol, test=elsewhere)
    assert not LabResult.objects.exists()


@pytest.mark.parametrize(
    ("sampled_on", "message"),
    [
        (TODAY + DAY, "a sample is recorded once it has been taken"),
        (OPENED - 366 * DAY, "goes back at most a year before the patient's record was opened"),
    ],
)
def test_the_service_refuses_a_sample_date_outside_the_patients_window(opened, carol, sampled_on, message):
    with pytest.raises(ValidationError, match=message):
        record(opened, carol, sampled_on=sampled_on)
    assert record(opened, carol, sampled_on=OPENED - 365 * DAY) is not None  # the window's first day
    assert record(opened, carol, sampled_on=TODAY) is not None


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"value": Decimal(-1)}, "greater than or equal to 0"),
        ({"value": LAB_VALUE_MAX + 1}, "less than or equal to 99999"),
        ({"reference_low": Decimal(5), "reference_high": Decimal(1)}, "low end is above its high end"),
        ({"unit": "u" * 31}, "at most 30 characters"),
        ({"laboratory": "l" * 121}, "at most 120 characters"),
    ],
)
def test_the_service_refuses_each_bad_value(opened, carol, fields, message):
    with pytest.raises(ValidationError, match=message):
        record(opened, carol, **fields)
    assert not LabResult.objects.exists()


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"value": Decimal(-1)}, "lab_result_bounded"),
        ({"value": Decimal(100000)}, "lab_result_bounded"),
        ({"reference_low": Decimal(5), "reference_high": Decimal(1)}, "lab_result_range_in_order"),
        ({"sampled_on": dt.date(1999, 12, 31)}, "lab_result_sample_in_span"),
        ({"laboratory": "l" * 121}, "lab_result_laboratory_length"),
        ({"unit": "u" * 31}, "lab_result_unit_length"),
    ],
)
def test_the_database_holds_the_bounds(opened, carol, fields, constraint):
    """By its check constraint; PostgreSQL's column types refuse a too long text or too large
    number even before it (SQLite's do not)."""
    row = {"test": tsh_test(), "value": Decimal(2), "sampled_on": TODAY, **fields}
    refused = f"{constraint}|numeric field overflow|value too long"
    with pytest.raises((IntegrityError, DataError), match=refused), transaction.atomic():
        LabResult.objects.bulk_create([LabResult(patient=opened, recorded_by=carol, **row)])


def test_a_clinics_own_test_has_no_built_in_key_in_the_database(clinic):
    with pytest.raises(IntegrityError, match="lab_test_key_built_in"), transaction.atomic():
        LabTest.objects.bulk_create([LabTest(clinic=clinic, key="tsh", name="My TSH")])


def test_a_result_is_deleted_with_its_reason_and_its_history_kept(opened, carol):
    # recorded without a range: none is assumed
    result = record(opened, carol)
    pk = result.pk
    lab_result_delete(result=result, clinician=carol, reason="  Typed into the wrong   patient ")
    assert not LabResult.objects.exists()
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.LAB_RESULT_DELETED)
    assert event.summary == (
        f"Lab result deleted: TSH 2.1 mIU/L, sampled {TODAY - 3 * DAY}. Reason: Typed into the wrong patient"
    )
    assert event.details["reason"] == "Typed into the wrong patient"
    assert [row.history_type for row in LabResult.history.filter(id=pk).order_by("history_date")] == [
        "+",
        "-",
    ]


@pytest.mark.parametrize(("reason", "message"), [("   ", "Say why"), ("x" * 301, "At most 300 characters")])
def test_a_deletion_needs_a_short_reason(opened, carol, reason, message):
    result = record(opened, carol)
    with pytest.raises(ValidationError, match=message):
        lab_result_delete(result=result, clinician=carol, reason=reason)
    assert LabResult.objects.filter(pk=result.pk).exists()
