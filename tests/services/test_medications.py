"""journal.services.medications: adding and stopping a medicine, by the patient or a clinician;
each change is audited with the safety state that follows it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from journal.models import AuditEvent, Medication, Screening
from journal.schedule import DAY
from journal.services.medications import medication_add, medication_stop
from tests.factories import make_plan

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def on_ldn(alice, carol):
    """Alice, screened, on 1.5 mg since two weeks ago."""
    Screening.objects.create(patient=alice, screened_by=carol, screened_at=NOW - 30 * DAY)
    make_plan(alice, carol, [(TODAY - 14 * DAY, "1.5")])
    return alice


def test_the_patient_adds_a_medicine(on_ldn):
    medication = medication_add(
        patient=on_ldn, actor=on_ldn.user, name="Vitamin D", dose_text="1000 IU", started_on=TODAY - DAY
    )
    medication.refresh_from_db()
    assert (medication.name, medication.dose_text, medication.started_on) == (
        "Vitamin D",
        "1000 IU",
        TODAY - DAY,
    )
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.MEDICATION_ADDED
    assert event.actor == on_ldn.user
    assert event.summary == "Vitamin D added to the medication list by the patient."
    assert event.details == {"medication": medication.pk, "name": "Vitamin D", "concerns": []}


def test_a_clinician_adds_a_medicine_under_their_name(on_ldn, carol):
    medication_add(patient=on_ldn, actor=carol.user, name="Vitamin D")
    assert AuditEvent.objects.get().summary == "Vitamin D added to the medication list by Carol Clinician."


def test_an_opioid_added_mid_treatment_is_audited_with_the_alert_it_raises(on_ldn):
    medication_add(patient=on_ldn, actor=on_ldn.user, name="Tramadol", dose_text="50 mg")
    event = AuditEvent.objects.get()
    assert event.summary == (
        "Tramadol added to the medication list by the patient. Safety: blocks LDN — Opioid on the "
        "medication list since 2026-03-02, while LDN is prescribed: Tramadol 50 mg."
    )
    assert [concern["code"] for concern in event.details["concerns"]] == ["opioid_with_ldn"]
    assert event.details["concerns"][0]["level"] == "block"


def test_an_invalid_medicine_writes_nothing(on_ldn):
    with pytest.raises(ValidationError):
        medication_add(patient=on_ldn, actor=on_ldn.user, name="")
    assert not Medication.objects.exists()
    assert not AuditEvent.objects.exists()


def test_stopping_a_medicine_records_its_last_day(on_ldn):
    medication = Medication.objects.create(patient=on_ldn, name="Vitamin D", started_on=TODAY - 30 * DAY)
    medication_stop(medication=medication, actor=on_ldn.user, stopped_on=TODAY - DAY)
    medication.refresh_from_db()
    assert medication.stopped_on == TODAY - DAY
    event = AuditEvent.objects.get()
    assert event.kind == AuditEvent.Kind.MEDICATION_STOPPED
    assert event.summary == "Vitamin D: last taken on 2026-03-01, by the patient."
    assert event.details == {"medication": medication.pk, "stopped_on": "2026-03-01", "concerns": []}


def test_stopping_an_opioid_keeps_the_washout_in_the_audit_row(on_ldn, carol):
    medication = Medication.objects.create(patient=on_ldn, name="Codeine", started_on=TODAY - 30 * DAY)
    medication_stop(medication=medication, actor=carol.user, stopped_on=TODAY - DAY)
    event = AuditEvent.objects.get()
    assert event.summary.startswith("Codeine: last taken on 2026-03-01, by Carol Clinician. Safety: ")
    assert [concern["code"] for concern in event.details["concerns"]] == ["opioid_recent"]


def test_a_stop_before_the_start_writes_nothing(on_ldn):
    medication = Medication.objects.create(patient=on_ldn, name="Vitamin D", started_on=TODAY - DAY)
    with pytest.raises(ValidationError):
        medication_stop(medication=medication, actor=on_ldn.user, stopped_on=TODAY - 2 * DAY)
    medication.refresh_from_db()
    assert medication.stopped_on is None
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda patient, med: medication_add(
            patient=patient, actor=patient.user, name="X", started_on=TODAY + DAY
        ),
        lambda patient, med: medication_add(
            patient=patient, actor=patient.user, name="X", started_on=dt.date(1, 1, 1)
        ),
        lambda patient, med: medication_stop(medication=med, actor=patient.user, stopped_on=TODAY + DAY),
        lambda patient, med: medication_stop(medication=med, actor=patient.user, stopped_on=dt.date(1, 1, 1)),
    ],
    ids=["started tomorrow", "started in year 1", "stopped tomorrow", "stopped in year 1"],
)
def test_a_medicines_dates_lie_from_1900_to_today(on_ldn, change):
    medication = Medication.objects.create(patient=on_ldn, name="Vitamin D")
    with pytest.raises(ValidationError):
        change(on_ldn, medication)
    medication.refresh_from_db()
    assert medication.stopped_on is None
    assert list(Medication.objects.values_list("name", flat=True)) == ["Vitamin D"]
    assert not AuditEvent.objects.exists()
