"""journal.selectors.compiled: a read compiled once gives, for every call's values, the rows the
ORM's own query gives, and nobody else's."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError

from journal.models import DailyEntry, Question
from journal.schedule import DAY
from journal.selectors.compiled import CompiledRead, as_instances, column_names, read_together, whole_rows
from tests.factories import make_entry

TODAY = dt.date(2026, 6, 15)
NOW = dt.datetime(2026, 6, 15, 12, tzinfo=dt.UTC)


def days_logged(patient, since, today):
    return DailyEntry.objects.filter(
        patient_id=patient, entry_date__gte=since, entry_date__lte=today
    ).values_list("entry_date", "dose_taken", "dose_mg")


DAYS_LOGGED = CompiledRead(days_logged, patient=int, since=dt.date, today=dt.date)


def test_each_call_reads_its_own_patient_and_dates_as_the_orm_does(alice, bob, django_assert_num_queries):
    for day in (TODAY - 3 * DAY, TODAY - DAY, TODAY):
        make_entry(alice, day, dose_mg=Decimal("1.5"))
    make_entry(bob, TODAY, dose_taken=False)
    with django_assert_num_queries(1):
        alices = DAYS_LOGGED.rows(patient=alice.pk, since=TODAY - DAY, today=TODAY)
    assert alices == [(TODAY, True, Decimal("1.500")), (TODAY - DAY, True, Decimal("1.500"))]
    assert alices == list(days_logged(alice.pk, TODAY - DAY, TODAY))  # values converted alike
    assert DAYS_LOGGED.rows(patient=alice.pk, since=TODAY - 3 * DAY, today=TODAY - 3 * DAY) == [
        (TODAY - 3 * DAY, True, Decimal("1.500"))
    ]
    assert DAYS_LOGGED.rows(patient=bob.pk, since=TODAY - DAY, today=TODAY) == [(TODAY, False, None)]
    assert DAYS_LOGGED.rows(patient=bob.pk + alice.pk + 1000, since=TODAY, today=TODAY) == []


def test_a_moment_reads_as_the_orm_reads_it(alice, carol):
    def answered_since(patient, since):
        return Question.objects.filter(patient_id=patient, answered_at__gte=since).values_list("text")

    read = CompiledRead(answered_since, patient=int, since=dt.datetime)
    Question.objects.create(
        patient=alice, topic="general", text="Dreams?", answer="Normal.", answered_by=carol, answered_at=NOW
    )
    assert read.rows(patient=alice.pk, since=NOW) == [("Dreams?",)]
    assert read.rows(patient=alice.pk, since=NOW + dt.timedelta(microseconds=1)) == []
    auckland = NOW.astimezone(dt.timezone(dt.timedelta(hours=12)))  # the same moment in another zone
    assert read.rows(patient=alice.pk, since=auckland) == list(answered_since(alice.pk, auckland))


def test_a_value_that_does_not_reach_the_sql_as_a_parameter_is_refused(alice):
    ignores_today = CompiledRead(
        lambda patient, today: DailyEntry.objects.filter(patient_id=patient).values_list("entry_date"),
        patient=int,
        today=dt.date,
    )
    with pytest.raises(ValueError, match=r"\['today'\] did not reach the SQL"):
        ignores_today.rows(patient=alice.pk, today=TODAY)


def test_only_values_list_queries_in_their_own_order_are_compiled(alice):
    instances = CompiledRead(lambda patient: DailyEntry.objects.filter(patient_id=patient), patient=int)
    with pytest.raises(ValueError, match="values_list"):
        instances.rows(patient=alice.pk)


def test_a_call_names_every_parameter_and_no_other(alice):
    with pytest.raises(TypeError, match="takes"):
        DAYS_LOGGED.rows(patient=alice.pk, since=TODAY)
    with pytest.raises(TypeError, match="ints, dates and datetimes"):
        CompiledRead(lambda name: DailyEntry.objects.values_list("notes"), name=str).rows(name="x")


def test_whole_rows_read_as_instances_are_the_orms_rows_and_can_be_saved(alice):
    make_entry(alice, TODAY, dose_mg=Decimal("1.5"), notes="first")
    read = CompiledRead(
        lambda patient: whole_rows(DailyEntry.objects.filter(patient_id=patient)), patient=int
    )
    (entry,) = as_instances(DailyEntry, read.rows(patient=alice.pk))
    orm = DailyEntry.objects.get(patient=alice)
    fields = column_names(DailyEntry)
    assert fields[:3] == ["id", "patient_id", "entry_date"]  # the model's columns, as from_db takes them
    assert [getattr(entry, name) for name in fields] == [getattr(orm, name) for name in fields]
    entry.notes = "changed"
    entry.save()  # an update of the stored row, not a second row
    assert list(DailyEntry.objects.filter(patient=alice).values_list("notes", flat=True)) == ["changed"]


def test_reads_together_give_each_its_own_rows(alice, bob, django_assert_num_queries):
    """On PostgreSQL they are sent in one round trip; the rows are the same either way."""
    make_entry(alice, TODAY, dose_mg=Decimal("1.5"))
    make_entry(bob, TODAY - DAY, dose_taken=False)
    with django_assert_num_queries(3):
        alices, bobs, nobodys = read_together(
            DAYS_LOGGED.call(patient=alice.pk, since=TODAY - DAY, today=TODAY),
            DAYS_LOGGED.call(patient=bob.pk, since=TODAY - DAY, today=TODAY),
            DAYS_LOGGED.call(patient=alice.pk, since=TODAY - 9 * DAY, today=TODAY - 2 * DAY),
        )
    assert alices == [(TODAY, True, Decimal("1.500"))]
    assert bobs == [(TODAY - DAY, False, None)]
    assert nobodys == []


@pytest.mark.django_db(transaction=True)
def test_a_failing_read_together_raises_the_databases_error_and_leaves_the_connection_usable(alice):
    broken = CompiledRead(
        lambda patient: (
            DailyEntry.objects.filter(patient_id=patient)
            .extra(select={"x": "no_such_column"})
            .values_list("x")
        ),
        patient=int,
    )
    with pytest.raises(DatabaseError):
        read_together(
            DAYS_LOGGED.call(patient=alice.pk, since=TODAY, today=TODAY), broken.call(patient=alice.pk)
        )
    make_entry(alice, TODAY)
    assert DAYS_LOGGED.rows(patient=alice.pk, since=TODAY, today=TODAY) == [(TODAY, True, Decimal("1.500"))]
