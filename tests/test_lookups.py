"""journal.lookups: `__among`, the rows whose key is among a queryset's ids, on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from journal.models import DailyEntry, SymptomScore
from tests.factories import make_entry

D = dt.date


@pytest.fixture
def scored(alice, bob):
    for patient in (alice, bob):
        for day in (D(2026, 3, 1), D(2026, 3, 2), D(2026, 3, 3)):
            make_entry(patient, day, scores={"Pain": 4, "Fatigue": 2})


def test_among_gives_the_rows_in_gives(scored, alice):
    selected = DailyEntry.objects.filter(patient=alice, entry_date__gte=D(2026, 3, 2)).values("pk")
    among = SymptomScore.objects.filter(entry__among=selected)
    assert sorted(among.values_list("pk", flat=True)) == sorted(
        SymptomScore.objects.filter(entry__in=selected).values_list("pk", flat=True)
    )
    assert among.count() == 4  # two days, two symptoms, Alice's only


def test_among_is_one_array_lookup_on_postgresql_and_in_elsewhere(scored, alice):
    sql = str(SymptomScore.objects.filter(entry__among=DailyEntry.objects.values("pk")).query)
    if connection.vendor == "postgresql":
        assert '"entry_id" = ANY(ARRAY(SELECT' in sql
    else:
        assert '"entry_id" IN (SELECT' in sql


def test_among_refuses_a_list(scored):
    with pytest.raises(TypeError, match="queryset of ids"):
        SymptomScore.objects.filter(entry__among=[1, 2])
