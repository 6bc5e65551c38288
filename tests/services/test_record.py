"""journal.services.record: a clinician adds or stops a tracked symptom or a condition on a
date (the patient's set changes, the history keeps each period, and the change is audited),
records the date of birth and each weight."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from journal.models import AuditEvent, Condition, ConditionPeriod, Symptom, SymptomTracking
from journal.schedule import DAY
from journal.services.record import birth_date_set, record_item_add, record_item_stop, weight_record

NOW = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
TODAY = NOW.date()

pytestmark = [pytest.mark.frozen_at(NOW), pytest.mark.usefixtures("frozen")]


@pytest.fixture
def opened_a_month_ago(alice):
    alice.created_at = NOW - 30 * DAY
    alice.save(update_fields=["created_at"])
    return alice


def catalogue(model, name):
    return model.objects.get(clinic=None, name=name)


def test_a_symptom_tracked_from_a_date_is_asked_and_kept_in_the_history(opened_a_month_ago, carol):
    alice = opened_a_month_ago
    headache = catalogue(Symptom, "Brain fog")
    record_item_add(patient=alice, item=headache, on=TODAY - 3 * DAY, actor=carol.user)
    assert alice.tracked_symptoms.filter(pk=headache.pk).exists()
    period = SymptomTracking.objects.get(patient=alice, symptom=headache)
    assert (period.started_on, period.stopped_on, period.changed_by) == (TODAY - 3 * DAY, None, carol.user)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RECORD_CHANGED)
    assert event.summary == f"Symptom Brain fog tracked from {(TODAY - 3 * DAY).isoformat()}."
    assert event.details["change"] == "tracked from"
    assert event.actor == carol.user


def test_stopping_a_symptom_tracked_since_the_invitation_keeps_its_whole_period(opened_a_month_ago, carol):
    alice = opened_a_month_ago
    pain = catalogue(Symptom, "Pain")
    record_item_stop(patient=alice, item=pain, on=TODAY - DAY, actor=carol.user)
    assert not alice.tracked_symptoms.filter(pk=pain.pk).exists()
    period = SymptomTracking.objects.get(patient=alice, symptom=pain)
    assert (period.started_on, period.stopped_on) == (alice.opened_on, TODAY - DAY)
    assert AuditEvent.objects.get().details == {
        "symptom": pain.pk,
        "name": "Pain",
        "change": "stopped from",
        "on": (TODAY - DAY).isoformat(),
    }


def test_a_symptom_stopped_and_tracked_again_has_two_periods(opened_a_month_ago, carol):
    alice = opened_a_month_ago
    pain = catalogue(Symptom, "Pain")
    record_item_stop(patient=alice, item=pain, on=TODAY - 10 * DAY, actor=carol.user)
    with pytest.raises(ValidationError, match="on or after"):
        record_item_add(patient=alice, item=pain, on=TODAY - 11 * DAY, actor=carol.user)
    record_item_add(patient=alice, item=pain, on=TODAY - 2 * DAY, actor=carol.user)
    periods = SymptomTracking.objects.filter(patient=alice, symptom=pain).order_by("started_on")
    assert [(p.started_on, p.stopped_on) for p in periods] == [
        (alice.opened_on, TODAY - 10 * DAY),
        (TODAY - 2 * DAY, None),
    ]


def test_a_condition_is_added_and_removed_with_its_dates(opened_a_month_ago, carol):
    alice = opened_a_month_ago
    crps = catalogue(Condition, "Fibromyalgia")
    record_item_add(patient=alice, item=crps, on=TODAY - 5 * DAY, actor=carol.user)
    assert list(alice.conditions.all()) == [crps]
    record_item_stop(patient=alice, item=crps, on=TODAY, actor=carol.user)
    assert not alice.conditions.exists()
    period = ConditionPeriod.objects.get(patient=alice)
    assert (period.started_on, period.stopped_on) == (TODAY - 5 * DAY, TODAY)
    assert [e.details["change"] for e in AuditEvent.objects.order_by("pk")] == ["added from", "removed from"]


@pytest.mark.parametrize(
    ("days", "problem"),
    [
        (1, "after"),  # tomorrow: a change is recorded once it has happened
        (-31, "before"),  # before the record was opened
    ],
)
def test_a_change_is_dated_from_the_records_opening_to_today(opened_a_month_ago, carol, days, problem):
    with pytest.raises(ValidationError, match=problem):
        record_item_add(
            patient=opened_a_month_ago,
            item=catalogue(Symptom, "Brain fog"),
            on=TODAY + days * DAY,
            actor=carol.user,
        )
    assert not SymptomTracking.objects.exists()
    assert not AuditEvent.objects.exists()


def test_twice_the_same_change_is_refused(opened_a_month_ago, carol):
    alice = opened_a_month_ago
    with pytest.raises(ValidationError, match="already on the record"):
        record_item_add(patient=alice, item=catalogue(Symptom, "Pain"), on=TODAY, actor=carol.user)
    with pytest.raises(ValidationError, match="not on the record"):
        record_item_stop(patient=alice, item=catalogue(Symptom, "Brain fog"), on=TODAY, actor=carol.user)
    assert not AuditEvent.objects.exists()


def test_another_clinics_own_symptom_is_refused(opened_a_month_ago, carol, other_clinic):
    theirs = Symptom.objects.create(clinic=other_clinic, name="Their own")
    with pytest.raises(ValidationError, match="this clinic"):
        record_item_add(patient=opened_a_month_ago, item=theirs, on=TODAY, actor=carol.user)


# --- date of birth and weight ------------------------------------------------------------


def test_a_date_of_birth_is_recorded_and_corrected_with_an_audit_row(alice, carol):
    birth_date_set(patient=alice, date_of_birth=dt.date(2016, 3, 4), actor=carol.user)
    birth_date_set(patient=alice, date_of_birth=dt.date(2016, 3, 5), actor=carol.user)
    alice.refresh_from_db()
    assert alice.date_of_birth == dt.date(2016, 3, 5)
    assert [e.summary for e in AuditEvent.objects.order_by("pk")] == [
        "Date of birth recorded: 2016-03-04.",
        "Date of birth recorded: 2016-03-05 (was 2016-03-04).",
    ]


@pytest.mark.parametrize(("born", "problem"), [(TODAY + DAY, "after"), (dt.date(1899, 12, 31), "before")])
def test_a_date_of_birth_lies_from_1900_to_today(alice, carol, born, problem):
    with pytest.raises(ValidationError, match=problem):
        birth_date_set(patient=alice, date_of_birth=born, actor=carol.user)
    alice.refresh_from_db()
    assert alice.date_of_birth is None


def test_each_weight_is_kept_newest_first(alice, carol):
    weight_record(patient=alice, weight_kg=Decimal("30.1"), measured_on=TODAY - 90 * DAY, actor=carol.user)
    weight_record(patient=alice, weight_kg=Decimal("32.5"), measured_on=TODAY, actor=carol.user)
    assert [(w.weight_kg, w.measured_on) for w in alice.weights.all()] == [
        (Decimal("32.5"), TODAY),
        (Decimal("30.1"), TODAY - 90 * DAY),
    ]
    assert AuditEvent.objects.last().summary == f"Weight recorded: 32.5 kg, measured {TODAY.isoformat()}."


@pytest.mark.parametrize(
    ("kg", "days", "field"),
    [
        (Decimal("0.4"), 0, "weight_kg"),
        (Decimal("350.1"), 0, "weight_kg"),
        (Decimal("30"), 1, "measured_on"),  # tomorrow
        (Decimal("30"), -4000, "measured_on"),  # before the date of birth
    ],
)
def test_a_weight_is_bounded(alice, carol, kg, days, field):
    alice.date_of_birth = TODAY - 3000 * DAY
    alice.save(update_fields=["date_of_birth"])
    with pytest.raises(ValidationError) as refused:
        weight_record(patient=alice, weight_kg=kg, measured_on=TODAY + days * DAY, actor=carol.user)
    assert field in refused.value.message_dict
    assert not alice.weights.exists()
    assert not AuditEvent.objects.exists()
